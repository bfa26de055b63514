"""A project whose feeds record no events still runs through the chronology (empty)."""

from __future__ import annotations

from pathlib import Path

from famlink.engine import connect
from famlink.pipeline import run_stages
from tests.ingest.conftest import ProjectMaker

FEED = """\
source: {path: "incoming/people/*.csv"}
kind: person
record_id: ID
columns:
  first_name: {from: Forename}
  surname: {from: Surname}
  date_of_birth: {from: DOB}
"""


def _quiet(what: str, done: int, total: int) -> None:
    pass


def test_no_event_feed_gives_an_empty_chronology(tmp_path: Path) -> None:
    maker = ProjectMaker(tmp_path / "proj")
    maker.feed("people", FEED)
    names = [("Amy", "Jones"), ("Ben", "Reed"), ("Cal", "Shaw"), ("Dee", "Wood"),
             ("Eve", "Hall"), ("Fay", "Kerr"), ("Gus", "Lamb"), ("Hal", "Moss")]
    rows = [f"{n},{first},{last},19{60 + n % 40}-0{1 + n % 9}-1{n % 10}"
            for n, (first, last) in enumerate(names * 6)]
    maker.file("incoming/people/a.csv", "ID,Forename,Surname,DOB\n" + "\n".join(rows) + "\n")
    project = maker.load()
    con = connect(project.warehouse_path)
    try:
        assert all(r.ok for r in run_stages(project, con, ["ingest", "standardise"], _quiet))
        # each record its own person, as a link run on so little data would leave them
        con.execute("CREATE TABLE person_membership AS SELECT record_id, "
                    "'P' || record_id AS person_id, feed FROM person_records")
        assert all(r.ok for r in run_stages(project, con, ["chronology"], _quiet))
        assert con.execute("SELECT count(*) FROM events").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM chronology").fetchall() == [(0,)]
    finally:
        con.close()
