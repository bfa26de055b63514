"""`famlink person`, `famlink family`, `famlink find` on a hand-made warehouse."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from famlink.cli.main import app
from famlink.engine import connect

from ..ingest.conftest import ProjectMaker
from ..views.warehouse import build

runner = CliRunner()


@pytest.fixture
def project(tmp_path):
    maker = ProjectMaker(tmp_path / "p")
    loaded = maker.load()
    con = connect(loaded.warehouse_path)
    try:
        build(con)
    finally:
        con.close()
    return str(maker.root)


def test_person_shows_identity_households_and_chronology(project):
    result = runner.invoke(app, ["person", "P1", "-p", project])
    assert result.exit_code == 0, result.output
    out = result.output
    for text in ("JANE SMITH", "JANE ANN SMITH", "SMITH, Jane Ann", "9434765919", "5 LOW ROAD",
                 "still open on council_tax", "H5", "partner of", "JOHN SMITH (P2)", "F1",
                 "Police incident (domestic abuse): VICTIM"):
        assert text in out, text
    assert out.index("A&E attendance") < out.index("Police incident") < out.index("Council tax")


def test_person_chronology_options(project):
    result = runner.invoke(app, ["person", "P1", "--type", "police_incident", "--from",
                                 "2021-01-01", "--to", "2021-12-31", "-p", project])
    assert result.exit_code == 0, result.output
    assert "Police incident" in result.output and "A&E attendance" not in result.output
    limited = runner.invoke(app, ["person", "P1", "--limit", "1", "-p", project])
    assert "showing 1 of 3 events" in limited.output
    assert "Council tax account" not in limited.output.split("Chronology")[1]


def test_family_shows_members_both_households_and_merged_events(project):
    result = runner.invoke(app, ["family", "F1", "-p", project])
    assert result.exit_code == 0, result.output
    for text in ("Family F1", "AMY SMITH", "child", "9 MILL LANE", "5 LOW ROAD",
                 "Police incident (domestic abuse): SUSPECT", "School census 2021/22 Spring"):
        assert text in result.output, text
    within = runner.invoke(app, ["family", "F1", "--within", "-p", project])
    assert within.exit_code == 0 and "Low Road Primary" in within.output


def test_find_lists_matching_persons(project):
    result = runner.invoke(app, ["find", "Smith", "--dob", "09/09/2012", "-p", project])
    assert result.exit_code == 0, result.output
    assert "P3" in result.output and "AMY SMITH" in result.output and "P1" not in result.output
    none = runner.invoke(app, ["find", "Zebedee", "-p", project])
    assert none.exit_code == 0 and "No persons found" in none.output


def test_unknown_ids_are_clear_errors_with_exit_code_1(project):
    person = runner.invoke(app, ["person", "P999", "-p", project])
    assert person.exit_code == 1
    assert "no person P999 in the warehouse; search with `famlink find" in person.output
    family = runner.invoke(app, ["family", "F404", "-p", project])
    assert family.exit_code == 1 and "no family F404" in family.output
    assert "Traceback" not in person.output + family.output
