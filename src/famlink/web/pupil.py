"""The school pupil overview: the school and year, attendance by term, suspensions and
exclusions, safeguarding flags (what other services hold, as the role may see it) and whom
to contact. Built from a person view the guard has already restricted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from famlink.chronology.entries import ChronologyEntry
from famlink.views.person import PersonView

SCHOOL_FEEDS = ("school_census", "school_attendance", "school_exclusions")
EVENTS = ("FROM events e JOIN person_membership m USING (record_id) WHERE m.person_id = ? "
          "AND e.feed = ?")


@dataclass(frozen=True)
class Attendance:
    period: str | None
    school: str | None
    possible: int
    authorised: int
    unauthorised: int

    @property
    def percent(self) -> float:
        missed = self.authorised + self.unauthorised
        return 100.0 * (self.possible - missed) / self.possible if self.possible else 0.0

    @property
    def is_persistent_absence(self) -> bool:
        """Below 90% attendance: the DfE's persistent absence threshold."""
        return self.possible > 0 and self.percent < 90.0


@dataclass(frozen=True)
class Suspension:
    event_date: dt.date | None
    kind: str | None
    category: str | None
    reason: str | None
    school: str | None


@dataclass(frozen=True)
class Contact:
    who: str
    why: str


@dataclass
class PupilView:
    person: PersonView
    school: str | None
    school_ref: str | None
    year_group: str | None
    attendance: list[Attendance]
    suspensions: list[Suspension]
    flags: list[ChronologyEntry]
    contacts: list[Contact]


def _school(con: duckdb.DuckDBPyConnection, pid: str) -> tuple[str | None, str | None, str | None]:
    row = con.execute(f"SELECT e.organisation_name, e.organisation_ref, "
                      f"json_extract_string(e.details, '$.x_nc_year') {EVENTS} "
                      "ORDER BY e.event_date DESC NULLS LAST LIMIT 1",
                      [pid, "school_census"]).fetchall()
    return row[0] if row else (None, None, None)


def _attendance(con: duckdb.DuckDBPyConnection, pid: str) -> list[Attendance]:
    rows = con.execute(f"SELECT e.period, e.organisation_ref, coalesce(e.sessions_possible, 0), "
                       f"coalesce(e.sessions_authorised, 0), coalesce(e.sessions_unauthorised, 0)"
                       f" {EVENTS} ORDER BY e.event_date DESC NULLS LAST",
                       [pid, "school_attendance"]).fetchall()
    return [Attendance(*r) for r in rows]


def _suspensions(con: duckdb.DuckDBPyConnection, pid: str) -> list[Suspension]:
    rows = con.execute(f"SELECT e.event_date, e.event_type, e.category, e.reason, "
                       f"e.organisation_ref {EVENTS} ORDER BY e.event_date DESC NULLS LAST",
                       [pid, "school_exclusions"]).fetchall()
    return [Suspension(*r) for r in rows]


def pupil_view(con: duckdb.DuckDBPyConnection, person: PersonView,
               contacts_by_feed: dict[str, str], full_feeds: set[str]) -> PupilView:
    """``person`` is already restricted; ``contacts_by_feed`` names whom to call per feed;
    school feeds are read only when the role sees them in full (``full_feeds``)."""
    pid = person.person_id
    school, ref, year = _school(con, pid) if "school_census" in full_feeds else (None,) * 3
    flags = [e for e in person.chronology if e.feed not in SCHOOL_FEEDS]
    contacts = [Contact(r.other_name, "parent or carer (from the family's records)")
                for r in person.relationships if r.relation == "child of"
                and r.end_date is None]
    seen = sorted({e.feed for e in flags})
    contacts += [Contact(contacts_by_feed[f], f"holds a {f.replace('_', ' ')} record")
                 for f in seen if f in contacts_by_feed]
    attendance = _attendance(con, pid) if "school_attendance" in full_feeds else []
    suspensions = _suspensions(con, pid) if "school_exclusions" in full_feeds else []
    return PupilView(person, school, ref, year, attendance, suspensions, flags, contacts)
