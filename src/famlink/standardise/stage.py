"""The standardise stage: raw_<feed> -> person_records, events, record_groups, addresses.

Also gazetteer_addresses (the address feeds, standardised), address_matches and
unmatched_addresses (person-record addresses matched to a UPRN; see ``address_match``).
"""

from __future__ import annotations

import datetime as dt

import duckdb

from famlink.engine import scalar, transaction
from famlink.pipeline import Progress, StageResult
from famlink.project import Project
from famlink.standardise import people
from famlink.standardise.address_match import match_addresses
from famlink.standardise.events import events_sql, record_groups_sql
from famlink.standardise.gazetteer import load_gazetteer
from famlink.standardise.sources import (
    empty_union_sql,
    is_person_feed,
    person_columns,
    union_sql,
)

ADDRESSES_SQL = """
CREATE OR REPLACE TABLE addresses AS
SELECT coalesce(uprn, address_norm || ' ' || coalesce(postcode, '')) AS address_key,
       any_value(uprn) AS uprn, any_value(address_norm) AS address_norm,
       any_value(postcode) AS postcode, count(*) AS n_records,
       list(DISTINCT feed ORDER BY feed) AS feeds
FROM person_records WHERE uprn IS NOT NULL OR address_norm IS NOT NULL
GROUP BY 1
"""


def _person_records(project: Project, con: duckdb.DuckDBPyConnection, progress: Progress,
                    today: dt.date) -> tuple[int, dict[str, int]]:
    feeds = [f for f in project.feeds.values() if is_person_feed(f)]
    sql = union_sql(con, project, feeds, person_columns()) or empty_union_sql(person_columns())
    full_name_only = {f.name for f in feeds
                      if "full_name" in f.columns and "first_name" not in f.columns}
    con.execute(f"CREATE OR REPLACE TEMP TABLE _tmp_std_source AS SELECT *, "
                f"{people.full_name_only_sql(full_name_only)} AS full_name_only, "
                f"{people.address_text_sql()} AS address_text FROM ({sql})")
    progress("standardise names and addresses", 0, 4)
    people.build_lookups(con, "_tmp_std_source")
    progress("standardise dates of birth", 1, 4)
    people.parse_loose_dates(con, "_tmp_std_source", today)
    progress("standardise person records", 2, 4)
    con.execute("CREATE OR REPLACE TABLE person_records AS "
                + people.person_records_sql("_tmp_std_source", today))
    progress("match addresses to the gazetteer", 3, 4)
    address_counts = match_addresses(con, load_gazetteer(project, con))
    progress("standardise person records", 4, 4)
    return int(scalar(con, "SELECT count(*) FROM person_records") or 0), address_counts


def _apply_min_ages(project: Project, con: duckdb.DuckDBPyConnection) -> None:
    """latest_dob: the latest birth date possible for the person on a row.

    Everyone is born by the date of an event about them (unless the feed allows unborn
    people); on an adults' feed (``min_age``) they are that many years old by then.
    """
    born = [f.name for f in project.feeds.values() if not f.events_before_birth]
    con.execute("UPDATE person_records SET latest_dob = event_date WHERE event_date IS NOT "
                "NULL AND feed IN (SELECT unnest(?))", [born])
    for feed in project.feeds.values():
        if feed.min_age is None:
            continue
        roles = [r.strip().upper() for r in feed.min_age_roles]
        role_filter = "AND upper(trim(role)) IN (SELECT unnest(?))" if roles else ""
        con.execute(f"UPDATE person_records SET latest_dob = CAST(event_date - INTERVAL "
                    f"{int(feed.min_age)} YEAR AS DATE) WHERE feed = ? AND event_date IS NOT "
                    f"NULL {role_filter}", [feed.name, *([roles] if roles else [])])


def run_standardise(project: Project, con: duckdb.DuckDBPyConnection,
                    progress: Progress) -> StageResult:
    result = StageResult("standardise")
    with transaction(con):
        n_people, address_counts = _person_records(
            project, con, progress, project.settings.reference_date or dt.date.today())
        _apply_min_ages(project, con)
        ev = events_sql(con, project)
        con.execute(f"CREATE OR REPLACE TABLE events AS {ev}" if ev else
                    "CREATE OR REPLACE TABLE events (event_id VARCHAR, record_id VARCHAR)")
        groups = record_groups_sql(project, "person_records")
        con.execute(f"CREATE OR REPLACE TABLE record_groups AS {groups}" if groups else
                    "CREATE OR REPLACE TABLE record_groups (record_id VARCHAR, group_key VARCHAR)")
        con.execute(ADDRESSES_SQL)
    result.counts = {
        "person_records": n_people,
        "events": int(scalar(con, "SELECT count(*) FROM events") or 0),
        "record_groups": int(scalar(con, "SELECT count(*) FROM record_groups") or 0),
        "addresses": int(scalar(con, "SELECT count(*) FROM addresses") or 0),
        **address_counts,
    }
    return result
