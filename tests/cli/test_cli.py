from __future__ import annotations

from typer.testing import CliRunner

from famlink.cli.main import app

from ..ingest.conftest import HEADER, ProjectMaker

runner = CliRunner()


def test_validate_reports_problems_with_exit_code(tmp_path):
    maker = ProjectMaker(tmp_path / "p")
    ok = runner.invoke(app, ["validate", "-p", str(maker.root)])
    assert ok.exit_code == 0 and "configuration is valid" in ok.output
    maker.feed("broken", "source: {path: x}\ncolumns: {frist_name: {from: A}}\n")
    bad = runner.invoke(app, ["validate", "-p", str(maker.root)])
    assert bad.exit_code == 1
    assert "broken.yaml" in bad.output and "first_name" in bad.output


def test_run_ingest_quarantine_and_quality(tmp_path):
    maker = ProjectMaker(tmp_path / "p")
    maker.file("incoming/people/a.csv", HEADER + "1,A,B,01/01/2001,,9434765919,M\n"
               "2,C,D,not-a-date,,,F\n")
    result = runner.invoke(app, ["run", "ingest", "-p", str(maker.root)])
    assert result.exit_code == 0, result.output
    assert "rows quarantined" in result.output
    held = runner.invoke(app, ["quarantine", "-p", str(maker.root)])
    assert "invalid_date" in held.output and "not-a-date" in held.output
    report = runner.invoke(app, ["quality", "-p", str(maker.root), "--detail"])
    assert report.exit_code == 0
    html = (maker.root / "reports" / "quality.html").read_text()
    assert "people" in html and "NHS number check digit" in html


def test_run_exits_non_zero_when_a_file_fails(tmp_path):
    maker = ProjectMaker(tmp_path / "p")
    maker.file("incoming/people/a.csv", b"")
    result = runner.invoke(app, ["run", "ingest", "-p", str(maker.root)])
    assert result.exit_code == 1
    assert "file is empty" in result.output


def test_unknown_stage_is_a_clear_error(tmp_path):
    maker = ProjectMaker(tmp_path / "p")
    result = runner.invoke(app, ["run", "ingets", "-p", str(maker.root)])
    assert result.exit_code == 1
    assert "unknown stage" in result.output
