"""Gather the current rows of every feed into one shape, ready to standardise.

Each ``raw_<feed>`` table has only the fields its mapping fills; ``union_sql`` selects a
common set of columns from all of them (NULL where a feed lacks one) and keeps, for each
record id, the row from the newest load batch.
"""

from __future__ import annotations

import duckdb

from famlink.engine import table_columns, table_exists
from famlink.ingest.load import raw_table
from famlink.ingest.mapping import ident
from famlink.project import Feed, Project

NAME_FIELDS = ("first_name", "middle_names", "surname", "full_name", "former_surname",
               "preferred_name")
IDENTITY_FIELDS = (*NAME_FIELDS, "date_of_birth", "nhs_number", "upn", "ni_number")
ADDRESS_FIELDS = ("uprn", "address", "address_line_1", "address_line_2", "address_line_3",
                  "address_line_4", "town", "postcode")


def is_person_feed(feed: Feed) -> bool:
    """A feed whose rows name a person (by name, date of birth or identifier)."""
    return feed.kind != "address" and any(f in feed.columns for f in IDENTITY_FIELDS)


def _column(have: dict[str, str], name: str, sql_type: str) -> str:
    if name in have:
        return f"CAST({ident(name)} AS {sql_type}) AS {ident(name)}"
    return f"CAST(NULL AS {sql_type}) AS {ident(name)}"


def union_sql(con: duckdb.DuckDBPyConnection, project: Project, feeds: list[Feed],
              columns: dict[str, str], batches: str | None = None) -> str | None:
    """SELECT ... UNION ALL ... over the current rows of ``feeds``; None when none is loaded.

    ``batches``: a table of ``load_batch_id`` to read rows from (the newest row of each
    record among those batches); default every batch.
    """
    within = newest_rows_sql(batches)
    parts = []
    for feed in feeds:
        table = raw_table(feed.name)
        if not table_exists(con, table):
            continue
        have = table_columns(con, table)
        cols = ", ".join(_column(have, n, t) for n, t in columns.items())
        parts.append(
            f"SELECT r.record_id, r.feed, r.source_record_id, r.load_batch_id, "
            f"r.source_row_number, CAST({feed.reliability} AS DOUBLE) AS feed_reliability, "
            f"'{feed.person_ref_system or feed.name}' AS person_ref_system, {cols} "
            f"FROM {ident(table)} r {within}")
    return "\nUNION ALL\n".join(parts) if parts else None


def newest_rows_sql(batches: str | None = None) -> str:
    """The JOIN ... QUALIFY that keeps, for each record id of a raw table aliased ``r``, only
    its row from the newest load batch (among ``batches`` when given)."""
    where = (f"WHERE r.load_batch_id IN (SELECT load_batch_id FROM {batches}) "
             if batches else "")
    return (f"JOIN load_batches b USING (load_batch_id) {where}"
            "QUALIFY row_number() OVER (PARTITION BY r.record_id "
            "ORDER BY b.loaded_at DESC, b.load_batch_id DESC) = 1")


def empty_union_sql(columns: dict[str, str]) -> str:
    """The shape ``union_sql`` returns, with no rows (no person feed loaded yet)."""
    lineage = ("CAST(NULL AS VARCHAR) AS record_id, CAST(NULL AS VARCHAR) AS feed, "
               "CAST(NULL AS VARCHAR) AS source_record_id, CAST(NULL AS VARCHAR) AS "
               "load_batch_id, CAST(NULL AS BIGINT) AS source_row_number, "
               "CAST(NULL AS DOUBLE) AS feed_reliability, "
               "CAST(NULL AS VARCHAR) AS person_ref_system")
    cols = ", ".join(f"CAST(NULL AS {t}) AS {ident(n)}" for n, t in columns.items())
    return f"SELECT {lineage}, {cols} WHERE false"


def person_columns() -> dict[str, str]:
    """The canonical columns the person standardiser reads, with their warehouse types."""
    cols: dict[str, str] = {}
    for name in (*IDENTITY_FIELDS, "former_upn", "sex", "title", "person_ref", *ADDRESS_FIELDS,
                 "event_ref", "event_type", "event_date", "role"):
        cols[name] = "DATE" if name in ("date_of_birth", "event_date") else "VARCHAR"
    cols["date_of_birth_raw"] = "VARCHAR"
    return cols
