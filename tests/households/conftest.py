"""A hand-made street: linked persons and their rows, built straight into the warehouse tables
the households stage reads, so each test states exactly who lived where and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from famlink.households.stage import run_households
from famlink.pipeline import StageResult
from famlink.project import Feed, Project, ProjectSettings

AS_OF = dt.date(2026, 7, 31)
COLS = {"first_name": {"from": "f"}, "event_date": {"from": "d"}, "event_end_date": {"from": "e"},
        "role": {"from": "r"}, "event_ref": {"from": "ref"}, "person_ref": {"from": "p"},
        "related_person_ref": {"from": "rp"}, "relationship": {"from": "rel"}}
FEEDS = {
    "council_tax": {"reliability": 0.5, "min_age": 18, "residence": {"end": "event_end_date"}},
    "housing": {"reliability": 0.8, "residence": {"end": "event_end_date"}},
    "census": {"reliability": 0.9},
    "ed": {"reliability": 0.9},
    "claims": {"reliability": 0.6, "residence": {"end": "event_end_date"}, "relationships": [
        {"within": "event_ref", "roles": ["claimant", "partner"], "relationship": "partner"},
        {"within": "event_ref", "roles": ["claimant", "dependant"], "relationship": "parent"}]},
    "social": {"reliability": 0.7, "relationships": [
        {"map": {"Mother": "parent", "Father": "parent", "Son": "child"}}]},
}


def feeds() -> dict[str, Feed]:
    out = {}
    for name, extra in FEEDS.items():
        feed = Feed.model_validate({"source": {"path": f"{name}.csv"}, "columns": COLS, **extra})
        feed.name = name
        out[name] = feed
    return out


@dataclass
class Street:
    con: duckdb.DuckDBPyConnection
    project: Project
    people: dict[str, tuple[dt.date | None, str, str]] = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)

    def person(self, pid: str, dob: str | None, surname: str = "SMITH",
               first_name: str | None = None) -> str:
        self.people[pid] = (dt.date.fromisoformat(dob) if dob else None, surname,
                            first_name or pid)
        return pid

    def row(self, pid: str, feed: str, date: str | None, uprn: str | None = None, *,
            end: str | None = None, role: str | None = None, ref: str | None = None,
            person_ref: str | None = None, related: str | None = None,
            relationship: str | None = None, postcode: str | None = None,
            first_name: str | None = None) -> str:
        rid = f"{feed}:{len(self.rows) + 1}"
        self.rows.append({"record_id": rid, "pid": pid, "feed": feed, "uprn": uprn,
                          "postcode": postcode, "first_name": first_name,
                          "d": dt.date.fromisoformat(date) if date else None,
                          "e": dt.date.fromisoformat(end) if end else None, "r": role,
                          "ref": ref, "p": person_ref, "rp": related, "rel": relationship})
        return rid

    def _tables(self) -> None:
        con = self.con
        con.execute("CREATE OR REPLACE TABLE persons (person_id VARCHAR, date_of_birth DATE, "
                    "surname VARCHAR)")
        con.executemany("INSERT INTO persons VALUES (?, ?, ?)",
                        [(p, dob, sn) for p, (dob, sn, _) in self.people.items()])
        con.execute("CREATE OR REPLACE TABLE person_membership (record_id VARCHAR, "
                    "person_id VARCHAR, profile_id VARCHAR)")
        con.execute("CREATE OR REPLACE TABLE person_records (record_id VARCHAR, feed VARCHAR, "
                    "feed_reliability DOUBLE, uprn VARCHAR, address_norm VARCHAR, "
                    "postcode VARCHAR, event_date DATE, latest_dob DATE, date_of_birth DATE, "
                    "first_name VARCHAR, surname VARCHAR)")
        for name in FEEDS:
            con.execute(f"CREATE OR REPLACE TABLE raw_{name} (record_id VARCHAR, d DATE, e DATE, "
                        "event_date DATE, event_end_date DATE, role VARCHAR, event_ref VARCHAR, "
                        "person_ref VARCHAR, related_person_ref VARCHAR, relationship VARCHAR)")
        for r in self.rows:
            dob, surname, first = self.people[r["pid"]]
            if r["first_name"]:  # a row that gives an initial and no date of birth
                first, dob = r["first_name"], None
            feed = self.project.feeds[r["feed"]]
            latest = r["d"].replace(year=r["d"].year - 18) if feed.min_age and r["d"] else r["d"]
            con.execute("INSERT INTO person_membership VALUES (?, ?, ?)",
                        [r["record_id"], r["pid"], r["record_id"]])
            con.execute("INSERT INTO person_records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [r["record_id"], r["feed"], feed.reliability, r["uprn"],
                         f"{r['uprn']} STREET" if r["uprn"] else None, r["postcode"], r["d"],
                         latest, dob, first, surname])
            con.execute(f"INSERT INTO raw_{r['feed']} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [r["record_id"], r["d"], r["e"], r["d"], r["e"], r["r"], r["ref"],
                         r["p"], r["rp"], r["rel"]])

    def run(self) -> StageResult:
        self._tables()
        return run_households(self.project, self.con, lambda *a: None)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def household_of(self, pid: str, on: dt.date = AS_OF) -> set[str]:
        return {p for (p,) in self.query(
            "SELECT person_id FROM household_members WHERE household_id IN ("
            "SELECT household_id FROM household_members WHERE person_id = ? AND start_date <= ? "
            "AND (end_date IS NULL OR end_date >= ?)) AND start_date <= ? "
            "AND (end_date IS NULL OR end_date >= ?)", [pid, on, on, on, on])}

    def family_of(self, pid: str) -> dict[str, str]:
        return dict(self.query(
            "SELECT person_id, role FROM family_members WHERE family_id IN (SELECT family_id "
            "FROM family_members WHERE person_id = ? AND role <> 'parent_elsewhere')", [pid]))

    def current(self, pid: str) -> tuple:
        rows = self.query("SELECT uprn, reason FROM current_addresses WHERE person_id = ?", [pid])
        return rows[0] if rows else (None, None)


@pytest.fixture
def street(tmp_path: Path) -> Street:
    settings = ProjectSettings(reference_date=AS_OF)
    project = Project(root=tmp_path, settings=settings, feeds=feeds())
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield Street(con, project)
    con.close()
