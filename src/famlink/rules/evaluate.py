"""Evaluate a rulebook at a set of checkpoints (a family and a reference date each).

``prepare`` reads the warehouse into three scratch tables (members with dates of birth,
events with their person, the rulebook's needs); ``evaluate`` then fills
``_tmp_outcomes_hits`` (every row behind every need at every checkpoint) and
``_tmp_outcomes_measures`` (one row per checkpoint, need and subject: the measured value and
whether the threshold is met). The same code gives today's flags, a case's baseline and the
checks months after closure, so they can never disagree.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from famlink.rules.compile import MEASURES_SQL, MET_SQL, hits_sql
from famlink.rules.schema import Rulebook
from famlink.rules.windows import window_start

MEMBERS_SQL = """
    CREATE OR REPLACE TEMP TABLE _tmp_outcomes_members AS
    SELECT fm.family_id, fm.person_id,
           min(fm.role) FILTER (WHERE fm.role IS NOT NULL) AS member_role,
           any_value(p.date_of_birth) AS date_of_birth
    FROM family_members fm LEFT JOIN persons p USING (person_id)
    GROUP BY fm.family_id, fm.person_id"""
EVENTS_SQL = """
    CREATE OR REPLACE TEMP TABLE _tmp_outcomes_events AS
    SELECT m.person_id, e.event_id, e.record_id, e.feed, e.source_record_id, e.event_type,
           e.event_subtype, e.role, e.category, e.status, e.reason, e.period, e.event_ref,
           e.organisation_ref, e.organisation_name, e.amount, e.sessions_possible,
           e.sessions_authorised, e.sessions_unauthorised, e.event_date, e.event_end_date
    FROM events e JOIN person_membership m USING (record_id)
    WHERE e.event_date IS NOT NULL
      AND m.person_id IN (SELECT person_id FROM _tmp_outcomes_members)"""


def store(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Write an Arrow table as the scratch table ``name``."""
    con.register("_tmp_outcomes_arrow", table)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _tmp_outcomes_arrow")
    finally:
        con.unregister("_tmp_outcomes_arrow")


def prepare(con: duckdb.DuckDBPyConnection, rulebook: Rulebook) -> None:
    con.execute(MEMBERS_SQL)
    con.execute(EVENTS_SQL)
    rows = [(n.name, n.outcome, n.scope, n.measure.kind, n.threshold.op, n.threshold.value,
             n.description, n.measure.percent) for n in rulebook.needs.values()]
    table = pa.table({k: [r[i] for r in rows] for i, k in enumerate(
        ("need", "outcome", "scope", "kind", "op", "threshold", "description", "percent"))})
    store(con, "_tmp_outcomes_needs", table)


Checkpoint = tuple[str, str, str, dt.date, dt.date | None]


def set_checkpoints(con: duckdb.DuckDBPyConnection, rows: list[Checkpoint]) -> None:
    """(checkpoint_id, family_id, label, as_of_date, floor_date) rows as
    _tmp_outcomes_checkpoints; floor_date (or None) clips every window's start."""
    table = pa.table({"checkpoint_id": [r[0] for r in rows], "family_id": [r[1] for r in rows],
                      "label": [r[2] for r in rows],
                      "as_of_date": pa.array([r[3] for r in rows], pa.date32()),
                      "floor_date": pa.array([r[4] for r in rows], pa.date32())})
    store(con, "_tmp_outcomes_checkpoints", table)


def _windows(con: duckdb.DuckDBPyConnection, rulebook: Rulebook) -> None:
    dates = [r[0] for r in con.execute(
        "SELECT DISTINCT as_of_date FROM _tmp_outcomes_checkpoints").fetchall()]
    rows = [(d, n.name, window_start(n.window, d, rulebook.calendar))
            for d in dates for n in rulebook.needs.values()]
    table = pa.table({"as_of_date": pa.array([r[0] for r in rows], pa.date32()),
                      "need": [r[1] for r in rows],
                      "window_start": pa.array([r[2] for r in rows], pa.date32())})
    store(con, "_tmp_outcomes_windows", table)


def evaluate(con: duckdb.DuckDBPyConnection, rulebook: Rulebook) -> None:
    """Hits and measures of every need at every checkpoint (prepare and set_checkpoints
    first)."""
    _windows(con, rulebook)
    union = "\nUNION ALL\n".join(hits_sql(n) for n in rulebook.needs.values())
    con.execute(f"CREATE OR REPLACE TEMP TABLE _tmp_outcomes_hits AS {union}")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _tmp_outcomes_measures AS
        SELECT x.*, n.outcome, coalesce({MET_SQL}, FALSE) AS is_met
        FROM ({MEASURES_SQL}) x JOIN _tmp_outcomes_needs n USING (need)""")
