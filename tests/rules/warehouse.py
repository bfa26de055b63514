"""Hand-built warehouses for the outcome rules: families, members with dates of birth, and
the events the rules read, written straight into the tables the outcomes stage reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb

REF = dt.date(2026, 7, 31)
EVENT_COLUMNS = {
    "event_id": "VARCHAR", "record_id": "VARCHAR", "feed": "VARCHAR",
    "source_record_id": "VARCHAR", "load_batch_id": "VARCHAR", "event_type": "VARCHAR",
    "event_subtype": "VARCHAR", "event_date": "DATE", "event_end_date": "DATE",
    "event_time": "VARCHAR", "event_ref": "VARCHAR", "role": "VARCHAR", "summary": "VARCHAR",
    "status": "VARCHAR", "category": "VARCHAR", "reason": "VARCHAR", "amount": "DOUBLE",
    "organisation_ref": "VARCHAR", "organisation_name": "VARCHAR", "period": "VARCHAR",
    "sessions_possible": "BIGINT", "sessions_authorised": "BIGINT",
    "sessions_unauthorised": "BIGINT", "details": "VARCHAR",
}


def years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years)


@dataclass
class Fixture:
    """Families, people and events, built into a DuckDB warehouse by ``build``."""

    people: list[tuple[str, str, str, dt.date, str]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def person(self, person_id: str, *, family: str = "F1", role: str = "child",
               age: int = 10, postcode: str = "NB1 1AA") -> str:
        self.people.append((family, person_id, role, years_before(REF, age) -
                            dt.timedelta(days=30), postcode))
        return person_id

    def event(self, person_id: str, event_type: str, day: dt.date, **fields: Any) -> str:
        n = len(self.events) + 1
        feed = fields.pop("feed", "test_feed")
        row = {"event_id": f"{feed}:E{n}", "record_id": f"{feed}:E{n}", "feed": feed,
               "source_record_id": f"E{n}", "event_type": event_type, "event_date": day,
               "person_id": person_id, **fields}
        self.events.append(row)
        return row["event_id"]

    def family(self, family_id: str = "F1", *, children: int = 1, adults: int = 2) -> list[str]:
        ids = [self.person(f"{family_id}A{i}", family=family_id, role="parent", age=35 + i)
               for i in range(adults)]
        ids += [self.person(f"{family_id}C{i}", family=family_id, role="child", age=8 + i)
                for i in range(children)]
        return ids

    def build(self, con: duckdb.DuckDBPyConnection) -> None:
        families = sorted({p[0] for p in self.people})
        con.execute("CREATE OR REPLACE TABLE families (family_id VARCHAR, start_date DATE, "
                    "end_date DATE, n_members BIGINT, n_children BIGINT, "
                    "household_ids VARCHAR[])")
        con.executemany("INSERT INTO families VALUES (?, DATE '2019-01-01', NULL, 0, 0, [])",
                        [[f] for f in families])
        con.execute("CREATE OR REPLACE TABLE family_members (family_id VARCHAR, person_id "
                    "VARCHAR, role VARCHAR, household_id VARCHAR, start_date DATE, "
                    "end_date DATE)")
        con.executemany("INSERT INTO family_members VALUES (?, ?, ?, 'H' || ?, "
                        "DATE '2019-01-01', NULL)",
                        [[f, p, r, f] for f, p, r, _, _ in self.people])
        con.execute("CREATE OR REPLACE TABLE persons (person_id VARCHAR, first_name VARCHAR, "
                    "surname VARCHAR, date_of_birth DATE)")
        con.executemany("INSERT INTO persons VALUES (?, 'TEST', ?, ?)",
                        [[p, p, dob] for _, p, _, dob, _ in self.people])
        con.execute("CREATE OR REPLACE TABLE current_addresses (person_id VARCHAR, "
                    "postcode VARCHAR)")
        con.executemany("INSERT INTO current_addresses VALUES (?, ?)",
                        [[p, pc] for _, p, _, _, pc in self.people])
        self._events(con)

    def _events(self, con: duckdb.DuckDBPyConnection) -> None:
        cols = ", ".join(f"{k} {v}" for k, v in EVENT_COLUMNS.items())
        con.execute(f"CREATE OR REPLACE TABLE events ({cols})")
        con.execute("CREATE OR REPLACE TABLE person_membership (record_id VARCHAR, "
                    "person_id VARCHAR, feed VARCHAR, profile_id VARCHAR)")
        con.execute("CREATE OR REPLACE TABLE chronology (person_id VARCHAR, event_id VARCHAR, "
                    "summary VARCHAR)")
        names = list(EVENT_COLUMNS)
        marks = ", ".join("?" for _ in names)
        for e in self.events:
            con.execute(f"INSERT INTO events VALUES ({marks})", [e.get(k) for k in names])
            con.execute("INSERT INTO person_membership VALUES (?, ?, ?, NULL)",
                        [e["record_id"], e["person_id"], e["feed"]])
            con.execute("INSERT INTO chronology VALUES (?, ?, ?)",
                        [e["person_id"], e["event_id"], f"{e['event_type']} on {e['event_date']}"])
