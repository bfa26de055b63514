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


def test_init_writes_a_project_that_validates(tmp_path):
    plain = runner.invoke(app, ["init", str(tmp_path / "blank")])
    assert plain.exit_code == 0, plain.output
    assert runner.invoke(app, ["validate", "-p", str(tmp_path / "blank")]).exit_code == 0
    again = runner.invoke(app, ["init", str(tmp_path / "blank")])
    assert again.exit_code == 1 and "already exists" in again.output


def test_init_synthetic_then_ingest_conserves_rows(tmp_path):
    town = tmp_path / "town"
    made = runner.invoke(app, ["init", str(town), "--synthetic", "--people", "150", "--seed", "4"])
    assert made.exit_code == 0, made.output
    assert (town / "truth" / "records.csv").exists()
    ran = runner.invoke(app, ["run", "ingest", "-p", str(town)])
    assert ran.exit_code == 0, ran.output
    report = runner.invoke(app, ["quality", "-p", str(town)])
    assert report.exit_code == 0
    assert " NO " not in report.output and "yes" in report.output


def test_synth_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    refused = runner.invoke(app, ["synth", "--people", "50", "--out", str(tmp_path / "x")])
    assert refused.exit_code == 1 and "not empty" in refused.output
    assert (tmp_path / "x" / "keep.txt").exists()


def test_reading_commands_before_any_run_give_a_clear_error(tmp_path):
    maker = ProjectMaker(tmp_path / "p")
    for command in (["review"], ["explain", "a:1", "b:2"], ["evaluate"], ["quality"],
                    ["quarantine"]):
        result = runner.invoke(app, [*command, "-p", str(maker.root)])
        assert result.exit_code == 1, command
        assert "no warehouse" in result.output and "famlink run" in result.output, command


def test_validate_names_the_key_of_a_bad_household_rule_and_keeps_brackets(tmp_path):
    maker = ProjectMaker(tmp_path / "p")
    maker.feed("claims", "source: {path: x}\ncolumns: {first_name: {from: A}, role: {from: R}}\n"
               "relationships: [{within: role, roles: [claimant], relationship: parent}]\n")
    bad = runner.invoke(app, ["validate", "-p", str(maker.root)])
    assert bad.exit_code == 1
    assert "claims.yaml" in bad.output and "relationships.0" in bad.output
    assert "roles: [role A, role B]" in bad.output
    maker.feed("claims", "source: {path: x}\ncolumns: {first_name: {from: A}}\n"
               "residence: {start: x_tenancy_start}\n")
    bad = runner.invoke(app, ["validate", "-p", str(maker.root)])
    assert bad.exit_code == 1
    assert "residence.start: 'x_tenancy_start' is not a mapped field" in " ".join(
        bad.output.split())


def test_no_publish_leaves_the_published_snapshot_alone(tmp_path):
    maker = ProjectMaker(tmp_path / "p")
    maker.file("incoming/people/a.csv", HEADER + "1,A,B,01/01/2001,,9434765919,M\n")
    held = runner.invoke(app, ["run", "ingest", "--no-publish", "-p", str(maker.root)])
    assert held.exit_code == 0, held.output
    assert "Not published" in held.output
    assert not (maker.root / "snapshots").exists()
    published = runner.invoke(app, ["run", "ingest", "-p", str(maker.root)])
    assert published.exit_code == 0, published.output
    assert (maker.root / "snapshots" / "CURRENT").exists()
