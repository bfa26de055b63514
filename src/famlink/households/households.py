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

import duckdb

from famlink.engine import table_exists
from famlink.ingest.mapping import q
from famlink.link.stable_ids import IdEvent, assign_ids_in_sql


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


def household_ids(con: duckdb.DuckDBPyConnection) -> list[IdEvent]:
    """_tmp_households_ids (cluster: the household key -> id), kept from the last run's
    households by their member keys; returns the ID changes."""
    before = (f"SELECT {MEMBER_KEY} AS member, household_id AS id FROM household_members"
              if table_exists(con, "household_members") else None)
    return assign_ids_in_sql(
        con, f"SELECT {MEMBER_KEY} AS member, household_key AS cluster "
             "FROM _tmp_households_chain", before, "_tmp_households_ids", prefix="H")


def build_households(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[IdEvent]:
    """households and household_members from residence_spans; returns the ID changes."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _tmp_households_chain AS {_chain_sql(as_of)}")
    events = household_ids(con)
    con.execute("""
        CREATE OR REPLACE TABLE household_members AS
        SELECT i.id AS household_id, c.person_id, c.dwelling_key, c.start_date, c.end_date
        FROM _tmp_households_chain c JOIN _tmp_households_ids i ON i.cluster = c.household_key
        ORDER BY i.id, c.start_date, c.person_id
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

