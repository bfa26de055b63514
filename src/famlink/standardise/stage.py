"""The standardise stage: raw_<feed> -> person_records, events, record_groups, addresses.

Also gazetteer_addresses (the address feeds, standardised), address_matches and
unmatched_addresses (person-record addresses matched to a UPRN; see ``address_match``).
After a first run, only the load batches not standardised yet are (see ``incremental``).
"""

from __future__ import annotations

import datetime as dt

import duckdb

from famlink.engine import scalar, transaction
from famlink.pipeline import Progress, StageResult
from famlink.project import Project
from famlink.standardise import incremental, people
from famlink.standardise.address_match import (
    match_addresses,
    match_counts,
    match_new_addresses,
    recount_addresses,
    with_matches_sql,
)
from famlink.standardise.events import empty_events_sql, events_sql, record_groups_sql
from famlink.standardise.gazetteer import load_gazetteer
from famlink.standardise.sources import (
    empty_union_sql,
    is_person_feed,
    person_columns,
    union_sql,
)

ADDRESS_KEY = "coalesce(uprn, address_norm || ' ' || coalesce(postcode, ''))"
ADDRESSES_SQL = f"""
SELECT {ADDRESS_KEY} AS address_key,
       any_value(uprn) AS uprn, any_value(address_norm) AS address_norm,
       any_value(postcode) AS postcode, count(*) AS n_records,
       list(DISTINCT feed ORDER BY feed) AS feeds
FROM person_records WHERE (uprn IS NOT NULL OR address_norm IS NOT NULL) {{within}}
GROUP BY 1
"""


def _standardised_rows(project: Project, con: duckdb.DuckDBPyConnection, progress: Progress,
                       today: dt.date, into: str, batches: str | None = None,
                       temp: bool = False) -> None:
    """Table ``into`` (a temp table if ``temp``): the person rows (of ``batches`` only, when
    given), standardised."""
    feeds = [f for f in project.feeds.values() if is_person_feed(f)]
    sql = (union_sql(con, project, feeds, person_columns(), batches)
           or empty_union_sql(person_columns()))
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
    con.execute(f"CREATE OR REPLACE {'TEMP ' if temp else ''}TABLE {into} AS "
                + people.person_records_sql("_tmp_std_source", today))
    _apply_min_ages(project, con, into)
    progress("match addresses to the gazetteer", 3, 4)


def _full(project: Project, con: duckdb.DuckDBPyConnection, progress: Progress,
          today: dt.date) -> dict[str, int]:
    _standardised_rows(project, con, progress, today, "person_records")
    address_counts = match_addresses(con, load_gazetteer(project, con))
    ev = events_sql(con, project)
    con.execute(f"CREATE OR REPLACE TABLE events AS {ev or empty_events_sql()}")
    groups = record_groups_sql(project, "person_records")
    con.execute(f"CREATE OR REPLACE TABLE record_groups AS {groups}" if groups else
                "CREATE OR REPLACE TABLE record_groups (record_id VARCHAR, group_key VARCHAR)")
    con.execute("CREATE OR REPLACE TABLE addresses AS " + ADDRESSES_SQL.format(within=""))
    return address_counts


def _increment(project: Project, con: duckdb.DuckDBPyConnection, progress: Progress,
               today: dt.date) -> dict[str, int]:
    """Standardise the rows of the new batches and merge them in; a record delivered again
    replaces its earlier row (and events), its cannot-link groups add to the earlier ones."""
    new = incremental.NEW_BATCHES
    _standardised_rows(project, con, progress, today, "_tmp_std_new", new, temp=True)
    gazetteer = int(scalar(con, "SELECT count(*) FROM gazetteer_addresses") or 0)
    match_new_addresses(con, "_tmp_std_new", gazetteer)
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_std_new_rows AS "
                + with_matches_sql("_tmp_std_new"))
    keys = "uprn AS feed_uprn, address_norm, postcode_key AS postcode, " + ADDRESS_KEY
    replaced = "record_id IN (SELECT record_id FROM _tmp_std_new_rows)"
    con.execute(f"CREATE OR REPLACE TEMP TABLE _tmp_std_touched AS SELECT DISTINCT {keys} AS "
                f"address_key FROM (SELECT * FROM person_records WHERE {replaced} UNION ALL BY "
                f"NAME SELECT * FROM _tmp_std_new_rows)")
    con.execute(f"DELETE FROM person_records WHERE {replaced}")
    con.execute("INSERT INTO person_records BY NAME SELECT * FROM _tmp_std_new_rows")
    recount_addresses(con, "_tmp_std_touched")
    touched = "address_key IN (SELECT address_key FROM _tmp_std_touched)"
    con.execute(f"DELETE FROM addresses WHERE {touched}")
    con.execute("INSERT INTO addresses BY NAME "
                + ADDRESSES_SQL.format(within=f"AND {ADDRESS_KEY} IN (SELECT address_key "
                                              "FROM _tmp_std_touched)"))
    ev = events_sql(con, project, new)
    if ev:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _tmp_std_events AS {ev}")
        con.execute("DELETE FROM events WHERE record_id IN (SELECT record_id FROM "
                    "_tmp_std_events)")
        con.execute("INSERT INTO events BY NAME SELECT * FROM _tmp_std_events")
    groups = record_groups_sql(project, "_tmp_std_new_rows", new)
    if groups:
        con.execute(f"INSERT INTO record_groups SELECT DISTINCT n.record_id, n.group_key FROM "
                    f"({groups}) n ANTI JOIN record_groups g USING (record_id, group_key)")
    return match_counts(con, gazetteer)


def _apply_min_ages(project: Project, con: duckdb.DuckDBPyConnection,
                    table: str = "person_records") -> None:
    """latest_dob and earliest_dob: the range of birth dates possible for the person on a row.

    Everyone is born by the date of an event about them (unless the feed allows unborn
    people); on an adults' feed (``min_age``) they are that many years old by then; in a
    child's role (``max_age``) no older than that.
    """
    born = [f.name for f in project.feeds.values() if not f.events_before_birth]
    con.execute(f"UPDATE {table} SET latest_dob = event_date WHERE event_date IS NOT "
                "NULL AND feed IN (SELECT unnest(?))", [born])
    for feed in project.feeds.values():
        bounds = [("latest_dob", feed.min_age, 0, feed.min_age_roles),
                  ("earliest_dob", feed.max_age, 1, feed.max_age_roles)]
        for column, age, plus, role_names in bounds:
            if age is None:
                continue
            roles = [r.strip().upper() for r in role_names]
            role_filter = "AND upper(trim(role)) IN (SELECT unnest(?))" if roles else ""
            # born by event_date - min_age years; after event_date - (max_age + 1) years
            con.execute(f"UPDATE {table} SET {column} = CAST(event_date - INTERVAL "
                        f"{int(age) + plus} YEAR + INTERVAL {plus} DAY AS DATE) WHERE feed = ? "
                        f"AND event_date IS NOT NULL {role_filter}",
                        [feed.name, *([roles] if roles else [])])


def run_standardise(project: Project, con: duckdb.DuckDBPyConnection,
                    progress: Progress) -> StageResult:
    result = StageResult("standardise")
    today = project.settings.reference_date or dt.date.today()
    plan = incremental.plan(project, con)
    with transaction(con):
        if plan.full:
            address_counts = _full(project, con, progress, today)
        elif plan.new_batches:
            address_counts = _increment(project, con, progress, today)
        else:
            address_counts = match_counts(con, int(scalar(
                con, "SELECT count(*) FROM gazetteer_addresses") or 0))
        incremental.save_state(con, plan.fingerprint)
    progress("standardise person records", 4, 4)
    result.details.append(f"full run ({plan.why})" if plan.full else
                          f"incremental: {plan.new_batches} new load batch(es)")
    result.counts = {
        "person_records": int(scalar(con, "SELECT count(*) FROM person_records") or 0),
        "events": int(scalar(con, "SELECT count(*) FROM events") or 0),
        "record_groups": int(scalar(con, "SELECT count(*) FROM record_groups") or 0),
        "addresses": int(scalar(con, "SELECT count(*) FROM addresses") or 0),
        **address_counts,
    }
    return result
