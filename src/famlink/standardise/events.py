"""events and record_groups: what happened, and which records must be different people.

``events`` has one row per source record that records something happening (any feed
mapping ``event_type`` or ``event_date``; a record delivered again counts once, as last
delivered), with the canonical event fields and the feed's own extra fields packed as JSON in
``details``.

``record_groups`` lists, for each person record, the groups it belongs to in which every
member is a different person (``distinct_people_within`` in the feed mapping): the people on
one incident, claim, tenancy or council tax account. An entry of several fields joined by
``+`` groups the rows sharing all of them, a row with any of them empty being in none (the
people listed on a tenancy: its tenancy reference with a field mapped on its household rows
only, as its later arrears rows name the tenant again). Matching never puts two records of
one group into one person.
"""

from __future__ import annotations

import duckdb

from famlink.engine import table_columns, table_exists
from famlink.ingest.load import raw_table
from famlink.ingest.mapping import ident, q
from famlink.project import Feed, Project
from famlink.standardise.sources import newest_rows_sql

EVENT_COLUMNS = {
    "event_type": "VARCHAR", "event_subtype": "VARCHAR", "event_date": "DATE",
    "event_end_date": "DATE", "event_time": "VARCHAR", "event_ref": "VARCHAR",
    "role": "VARCHAR", "summary": "VARCHAR", "status": "VARCHAR", "category": "VARCHAR",
    "reason": "VARCHAR", "amount": "DOUBLE", "organisation_ref": "VARCHAR",
    "organisation_name": "VARCHAR", "period": "VARCHAR", "sessions_possible": "BIGINT",
    "sessions_authorised": "BIGINT", "sessions_unauthorised": "BIGINT",
}


def _is_event_feed(feed: Feed) -> bool:
    return feed.kind != "address" and ("event_type" in feed.columns or
                                       "event_date" in feed.columns)


def _details(have: dict[str, str]) -> str:
    extras = [n for n in have if n.startswith("x_") and not n.endswith("_raw")]
    if not extras:
        return "CAST(NULL AS VARCHAR) AS details"
    packed = ", ".join(f"{n} := {ident(n)}" for n in extras)
    return f"CAST(to_json(struct_pack({packed})) AS VARCHAR) AS details"


def events_sql(con: duckdb.DuckDBPyConnection, project: Project,
               batches: str | None = None) -> str | None:
    """The events of every loaded event feed (of ``batches`` only, when given)."""
    within = newest_rows_sql(batches)
    parts = []
    for feed in project.feeds.values():
        table = raw_table(feed.name)
        if not _is_event_feed(feed) or not table_exists(con, table):
            continue
        have = table_columns(con, table)
        cols = ", ".join(f"CAST({ident(n) if n in have else 'NULL'} AS {t}) AS {ident(n)}"
                         for n, t in EVENT_COLUMNS.items())
        parts.append(f"SELECT r.record_id AS event_id, r.record_id, r.feed, "
                     f"r.source_record_id, r.load_batch_id, {cols}, {_details(have)} "
                     f"FROM {ident(table)} r {within}")
    return "\nUNION ALL\n".join(parts) if parts else None


def empty_events_sql() -> str:
    """The shape ``events_sql`` gives, with no rows (a project with no event feed)."""
    cols = ", ".join(f"CAST(NULL AS {t}) AS {ident(n)}" for n, t in EVENT_COLUMNS.items())
    return ("SELECT CAST(NULL AS VARCHAR) AS event_id, CAST(NULL AS VARCHAR) AS record_id, "
            "CAST(NULL AS VARCHAR) AS feed, CAST(NULL AS VARCHAR) AS source_record_id, "
            f"CAST(NULL AS VARCHAR) AS load_batch_id, {cols}, "
            "CAST(NULL AS VARCHAR) AS details WHERE false")


def record_groups_sql(project: Project, person_records: str,
                      batches: str | None = None) -> str | None:
    """(record_id, group_key) for every group whose members are different people (from the
    rows of ``batches`` only, when given)."""
    within = (f" AND load_batch_id IN (SELECT load_batch_id FROM {batches})" if batches
              else "")
    parts = []
    for feed in project.feeds.values():
        for entry in feed.distinct_people_within:
            fields = ["load_batch_id" if f == "file" else ident(f) for f in entry.split("+")]
            key = " || '|' || ".join(f"CAST({f} AS VARCHAR)" for f in fields)
            present = " AND ".join(f"{f} IS NOT NULL" for f in fields)
            parts.append(f"SELECT DISTINCT record_id, {q(feed.name + ':' + entry + ':')} || "
                         f"{key} AS group_key FROM {raw_table(feed.name)} WHERE {present} "
                         f"AND record_id IN (SELECT record_id FROM {person_records}){within}")
    return "\nUNION ALL\n".join(parts) if parts else None
