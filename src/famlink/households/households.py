"""Households: the people living at one dwelling over one period, with their history.

A household at a dwelling lasts while its residents' spans chain together (someone is still
living there when the next person arrives); when the dwelling empties, or everyone who lived
there has left before the next resident arrives, the next arrivals are a new household.
Members keep their own start and end dates, so a household can be shown as it was on any
date. Household IDs are stable across runs by the same rule as person IDs: a household keeps
the ID of the previous household whose members it shares most.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import duckdb

from famlink.engine import create_temp_mapping, table_exists
from famlink.ingest.mapping import q
from famlink.link.stable_ids import IdEvent, assign_cluster_ids


def _chain_sql(as_of: dt.date) -> str:
    d = q(as_of.isoformat())
    return f"""
        WITH s AS (
            SELECT *, coalesce(end_date, DATE {d}) AS until,
                   max(coalesce(end_date, DATE {d})) OVER (
                       PARTITION BY dwelling_key ORDER BY start_date, person_id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
            FROM residence_spans),
        flagged AS (
            SELECT *, CASE WHEN reach IS NULL OR start_date > reach THEN 1 ELSE 0 END AS fresh
            FROM s)
        SELECT person_id, dwelling_key, start_date, end_date,
               dwelling_key || '#' || sum(fresh) OVER (
                   PARTITION BY dwelling_key ORDER BY start_date, person_id
                   ROWS UNBOUNDED PRECEDING) AS household_key
        FROM flagged
    """


# a person's n-th spell at a dwelling: what household IDs are kept by, run to run
MEMBER_KEY = ("person_id || '|' || dwelling_key || '|' || row_number() OVER ("
              "PARTITION BY person_id, dwelling_key ORDER BY start_date)")


def _household_ids(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], list[IdEvent]]:
    """(household key -> household_id, events), from counts per household: its first member
    key and size, the member keys it shares with each household of the last run, their
    sizes (what :func:`assign_person_ids` would count from one entry per member).

    A household whose members are exactly those of one household of the last run keeps its
    ID with nothing to report, whatever else changed: no other household shares a member
    with either. Those are settled in SQL; only the rest are counted in Python."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _tmp_households_keys AS SELECT {MEMBER_KEY} "
                "AS member_key, household_key FROM _tmp_households_chain")
    if not table_exists(con, "household_members"):
        con.execute("CREATE OR REPLACE TEMP TABLE _tmp_households_was "
                    "(member_key VARCHAR, household_id VARCHAR)")
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _tmp_households_was AS SELECT {MEMBER_KEY} "
                    "AS member_key, household_id FROM household_members")
    con.execute(SAME_SQL)
    same = dict(con.execute("SELECT household_key, household_id FROM _tmp_households_same"
                            ).fetchall())
    clusters = {k: (first, n) for k, first, n in con.execute(
        "SELECT household_key, min(member_key), count(*) FROM _tmp_households_keys "
        "WHERE household_key NOT IN (SELECT household_key FROM _tmp_households_same) "
        "GROUP BY household_key").fetchall()}
    overlaps: Counter[tuple[str, str]] = Counter({(k, h): n for k, h, n in con.execute(
        "SELECT c.household_key, w.household_id, count(*) FROM _tmp_households_keys c "
        "JOIN _tmp_households_was w USING (member_key) "
        "WHERE c.household_key NOT IN (SELECT household_key FROM _tmp_households_same) "
        "GROUP BY ALL").fetchall()})
    previous: Counter[str] = Counter(dict(con.execute(
        "SELECT household_id, count(*) FROM _tmp_households_was "
        "WHERE household_id NOT IN (SELECT household_id FROM _tmp_households_same) "
        "GROUP BY ALL").fetchall()))
    ids, events = assign_cluster_ids(clusters, overlaps, previous, prefix="H",
                                     reserved=set(same.values()))
    return {**same, **ids}, events


# households whose member keys are exactly those of one household of the last run
SAME_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_households_same AS
WITH now AS (
    SELECT c.household_key, min(w.household_id) AS household_id,
           max(w.household_id) AS last_id, count(w.household_id) AS n_was, count(*) AS n
    FROM _tmp_households_keys c LEFT JOIN _tmp_households_was w USING (member_key)
    GROUP BY ALL),
was AS (SELECT household_id, count(*) AS n FROM _tmp_households_was GROUP BY ALL)
SELECT household_key, household_id FROM now JOIN was USING (household_id, n)
WHERE household_id = last_id AND n_was = n
"""


def build_households(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[IdEvent]:
    """households and household_members from residence_spans; returns the ID changes."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _tmp_households_chain AS {_chain_sql(as_of)}")
    ids, events = _household_ids(con)
    create_temp_mapping(con, "_tmp_households_ids", "household_key", "household_id", ids)
    con.execute("""
        CREATE OR REPLACE TABLE household_members AS
        SELECT i.household_id, c.person_id, c.dwelling_key, c.start_date, c.end_date
        FROM _tmp_households_chain c JOIN _tmp_households_ids i USING (household_key)
        ORDER BY i.household_id, c.start_date, c.person_id
    """)
    con.execute("""
        CREATE OR REPLACE TABLE households AS
        WITH a AS (SELECT dwelling_key, any_value(uprn) AS uprn,
                          mode(address ORDER BY address) AS address,
                          mode(postcode ORDER BY postcode) AS postcode
                   FROM address_history GROUP BY dwelling_key)
        SELECT m.household_id, m.dwelling_key, a.uprn, a.address, a.postcode,
               min(m.start_date) AS start_date,
               CASE WHEN bool_or(m.end_date IS NULL) THEN NULL ELSE max(m.end_date) END
                   AS end_date,
               count(DISTINCT m.person_id) AS n_people_ever,
               count(DISTINCT m.person_id) FILTER (WHERE m.end_date IS NULL) AS n_people_now
        FROM household_members m LEFT JOIN a USING (dwelling_key)
        GROUP BY ALL ORDER BY m.household_id
    """)
    return events

