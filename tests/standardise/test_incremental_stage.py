"""The standardise stage takes only the batches it has not standardised yet, and gives the
tables a standardising of everything would."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from famlink.engine import connect
from famlink.pipeline import StageResult, run_stages
from famlink.project import Project
from famlink.standardise import incremental
from tests.ingest.conftest import HEADER, PEOPLE_FEED, ProjectMaker

TABLES = {
    "person_records": "SELECT * FROM person_records",
    "events": "SELECT * FROM events",
    "record_groups": "SELECT * FROM record_groups",
    "addresses": "SELECT address_key, uprn, n_records, feeds FROM addresses",
    "address_matches": "SELECT * EXCLUDE (address_id) FROM address_matches",
}
FEED = PEOPLE_FEED % {"encoding": "utf-8"} + """\
  address: {from: Address}
  postcode: {from: Postcode}
  event_ref: {from: Incident}
distinct_people_within: [event_ref]
"""
ROWS_HEADER = HEADER.strip() + ",Address,Postcode,Incident\n"


def _quiet(what: str, done: int, total: int) -> None:
    pass


def _run(project: Project, stages: list[str]) -> list[StageResult]:
    con = connect(project.warehouse_path)
    try:
        return run_stages(project, con, stages, _quiet)
    finally:
        con.close()


def _tables(project: Project) -> dict[str, list[str]]:
    con = connect(project.warehouse_path, read_only=True)
    try:
        return {name: sorted(str(r) for r in con.execute(sql).fetchall())
                for name, sql in TABLES.items()}
    finally:
        con.close()


def _rows(*rows: str) -> str:
    return ROWS_HEADER + "".join(r + "\n" for r in rows)


@pytest.fixture
def town(tmp_path: Path) -> ProjectMaker:
    maker = ProjectMaker(tmp_path / "proj")
    maker.feed("people", FEED)
    maker.file("incoming/people/a.csv", _rows(
        "1,Amy,Jones,2010-03-01,2026-01-05,,F,12 High St,NB3 1AB,INC1",
        "2,Ben,Jones,2012-04-02,2026-01-05,,M,12 High St,NB3 1AB,INC1"))
    _run(maker.load(), ["ingest", "standardise"])
    return maker


def test_a_new_batch_alone_is_standardised_and_a_redelivered_record_replaces_its_row(
        town: ProjectMaker) -> None:
    town.file("incoming/people/b.csv", _rows(
        "2,Ben,Jonas,2012-04-02,2026-02-09,,M,4 Mill Lane,NB3 2AD,INC2",
        "3,Cal,Reed,1980-05-03,2026-02-09,,M,4 Mill Lane,NB3 2AD,INC2"))
    _, std = _run(town.load(), ["ingest", "standardise"])
    assert std.details == ["incremental: 1 new load batch(es)"]
    con = duckdb.connect(str(town.load().warehouse_path), read_only=True)
    try:
        rows = con.execute("SELECT record_id, surname, postcode FROM person_records "
                           "ORDER BY record_id").fetchall()
        events = con.execute("SELECT record_id, event_date FROM events ORDER BY 1").fetchall()
        groups = con.execute("SELECT record_id, group_key FROM record_groups ORDER BY 1, 2"
                             ).fetchall()
        old_address = con.execute("SELECT n_records FROM addresses WHERE address_norm LIKE "
                                  "'12 HIGH%'").fetchall()
    finally:
        con.close()
    assert rows == [("people:1", "JONES", "NB3 1AB"), ("people:2", "JONAS", "NB3 2AD"),
                    ("people:3", "REED", "NB3 2AD")]
    assert [r for r, _ in events] == ["people:1", "people:2", "people:3"]  # once each
    assert str(events[1][1]) == "2026-02-09"
    # cannot-link groups add up: Ben was on both incidents
    assert [g for r, g in groups if r == "people:2"] == ["people:event_ref:INC1",
                                                           "people:event_ref:INC2"]
    assert old_address == [(1,)]  # Ben moved away: only Amy is left at 12 High Street

    incremental_tables = _tables(town.load())
    con = connect(town.load().warehouse_path)
    try:
        incremental.forget_state(con)
    finally:
        con.close()
    [full] = _run(town.load(), ["standardise"])
    assert full.details == ["full run (first run)"]
    assert _tables(town.load()) == incremental_tables


def test_nothing_new_changes_nothing_and_a_changed_mapping_standardises_everything(
        town: ProjectMaker) -> None:
    before = _tables(town.load())
    [again] = _run(town.load(), ["standardise"])
    assert again.details == ["incremental: 0 new load batch(es)"]
    assert _tables(town.load()) == before
    town.feed("people", FEED.replace("  sex: {from: Sex, map: {M: male, F: female}}\n", ""))
    [changed] = _run(town.load(), ["standardise"])
    assert changed.details[0].startswith("full run (feed mappings")
