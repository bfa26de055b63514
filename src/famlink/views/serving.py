"""Serving tables: what a published snapshot adds so that the views read a few rows by key.

``prepare_serving`` runs on the snapshot copy when it is published (never on the live
warehouse). It adds an ART index on each key the views look up (a person's chronology,
addresses, households, relationships, families...) and builds:

- ``serve_person_records``: each person's records with the columns the person view shows,
  joined to their person ID once (the warehouse needs a join of two whole tables for this);
- ``serve_search``: one row per person and distinct name / date of birth / postcode, the
  candidates of ``search_persons``; ``serve_search_keys``: the same rows under each of
  their (surname, forename) keys and dates of birth, as JSON text, and
  ``serve_name_forenames`` the name keys of each surname;
  ``serve_identifiers``: identifier -> person;
  ``serve_name_words``: the distinct forenames and surnames, scanned for close spellings;
- ``serve_person_pages``, ``serve_family_pages`` (``famlink.views.pages``): each person's
  and family's view but for the chronology, as one row, when the households stage has run;
- ``serve_info``: when the tables were built and the names of all the snapshot's tables;
  its presence tells the views to use the serving tables.

Every serving table is sorted by its key before it is indexed, so a lookup that the index
does not serve still skips most of the table through DuckDB's zone maps.
See docs/serving.md for the measurements behind these choices.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb

from famlink.engine import table_columns, table_exists
from famlink.views import page_delta, pages

MARKER = "serve_info"
VERSION = 1

# (table, key column): an ART index on each, where the table exists.
INDEXES = (
    ("persons", "person_id"), ("person_id_history", "person_id"),
    ("chronology", "person_id"), ("address_history", "person_id"),
    ("current_addresses", "person_id"), ("families", "family_id"),
    ("family_members", "person_id"), ("family_members", "family_id"),
    ("households", "household_id"), ("household_members", "person_id"),
    ("household_members", "household_id"), ("person_relationships", "person_id_a"),
    ("person_relationships", "person_id_b"), ("person_membership", "person_id"),
    # the outcomes tables the family and person pages read
    ("family_flags", "family_id"), ("family_flags", "person_id"),
    ("flag_evidence", "family_id"), ("flag_evidence", "person_id"),
    ("eligibility", "family_id"), ("family_scores", "family_id"), ("claims", "family_id"),
    ("family_progress", "family_id"), ("claim_evidence", "family_id"),
)
RECORD_COLUMNS = (
    "record_id", "feed", "first_name", "middle_names", "surname", "date_of_birth",
    "dob_quality", "sex", "nhs_number", "upn", "former_upn", "ni_number", "orig_name",
    "orig_date_of_birth", "orig_nhs_number", "orig_upn", "orig_ni_number", "uprn", "postcode",
    "postcode_key", "address_norm", "flat", "house_number", "house_name", "event_date")
SEARCH_COLUMNS = (
    "first_name", "first_name_canon", "first_name_metaphone", "middle_names", "surname",
    "surname_metaphone", "former_surname", "date_of_birth", "postcode")
IDENTIFIER_KINDS = ("nhs_number", "upn", "former_upn", "ni_number")


def records_sql(columns: tuple[str, ...] = RECORD_COLUMNS) -> str:
    """Each linked record with its person ID (the join that serve_person_records stores)."""
    cols = ", ".join(f"p.{c}" for c in columns)
    return (f"SELECT m.person_id, {cols} FROM person_records p "
            "JOIN person_membership m USING (record_id)")


# What a hit shows of its person (their usual name, date of birth, sex and feeds), carried
# on every search row so that a search needs no look-up of the persons it found.
HIT_SQL = ("coalesce(nullif(trim(concat_ws(' ', p.first_name, p.surname)), ''), p.person_id) "
           "AS person_name, p.date_of_birth AS person_date_of_birth, p.sex AS person_sex, "
           "CAST(to_json(p.feeds) AS VARCHAR) AS person_feeds")
# A two-word name's keys: surname and forename as recorded, or with the canonical forename
# (a nickname's full form); the same with the former surname. A search for similar names
# looks up the few keys its similar spellings make, by index, instead of filtering rows.
NAME_KEYS = {"S": ("surname", "first_name"), "C": ("surname", "first_name_canon"),
             "FS": ("former_surname", "first_name"), "FC": ("former_surname", "first_name_canon")}
# The columns of a search row as serve_search_keys holds them (a JSON array each).
KEYED_COLUMNS = ("person_id", "first_name", "first_name_canon", "surname", "former_surname",
                 "date_of_birth", "postcode", "n_person", "person_name", "person_date_of_birth",
                 "person_sex", "person_feeds")


def name_key(kind: str, surname: str, forename: str) -> str:
    """The key of ``serve_search_keys`` for a (surname, forename) pair of one kind (the
    standardised names are capital letters and spaces, so '|' separates the parts)."""
    return f"{kind}|{surname}|{forename}"


def dob_key(date_of_birth: dt.date) -> str:
    """The key of ``serve_search_keys`` for a date of birth."""
    return f"D|{date_of_birth.isoformat()}"


def search_rows_sql() -> str:
    """One row per person and distinct (names, date of birth, postcode) among their records,
    with the person's number of records (``n_person``: ties are ranked by it) and what a hit
    shows of the person."""
    cols = ", ".join(SEARCH_COLUMNS)
    return (f"SELECT s.*, left(s.postcode, length(s.postcode) - 2) AS postcode_sector, "
            f"p.n_records AS n_person, {HIT_SQL} FROM (SELECT DISTINCT person_id, {cols} "
            f"FROM ({records_sql(SEARCH_COLUMNS)})) s JOIN persons p USING (person_id)")


def name_forenames_sql(search: str) -> str:
    """Per surname (or former surname), the name keys its rows in ``search`` have, as JSON
    text: [[kind, forename], ...]."""
    return ("SELECT split_part(name_key, '|', 2) AS surname, CAST(to_json(list(DISTINCT "
            "[split_part(name_key, '|', 1), split_part(name_key, '|', 3)])) AS VARCHAR) "
            f"AS forenames FROM ({search_names_sql(search)}) GROUP BY 1")


def search_names_sql(search: str) -> str:
    """The rows of ``search`` once under each of their name keys (``NAME_KEYS``)."""
    return " UNION ALL ".join(
        f"SELECT '{kind}|' || {surname} || '|' || {forename} AS name_key, * FROM {search} "
        f"WHERE {surname} IS NOT NULL AND {forename} IS NOT NULL"
        for kind, (surname, forename) in NAME_KEYS.items())


def search_keys_sql(search: str) -> str:
    """Each name key and date of birth with the distinct rows of ``search`` under it, as
    JSON text (arrays of ``KEYED_COLUMNS``): one small text per key is much cheaper to read
    than the rows themselves (fetching rows by index costs per row and column)."""
    keyed = (f"{search_names_sql(search)} UNION ALL SELECT 'D|' || "
             f"strftime(date_of_birth, '%Y-%m-%d'), * FROM {search} "
             "WHERE date_of_birth IS NOT NULL")
    return (f"SELECT name_key AS key, CAST(to_json(list(DISTINCT json_array("
            f"{', '.join(KEYED_COLUMNS)}))) AS VARCHAR) AS rows FROM ({keyed}) GROUP BY 1")


def identifiers_sql() -> str:
    """identifier value -> kind and person, one row each."""
    parts = " UNION ".join(
        f"SELECT p.{k} AS value, '{k}' AS kind, m.person_id FROM person_records p "
        f"JOIN person_membership m USING (record_id) WHERE p.{k} IS NOT NULL"
        for k in IDENTIFIER_KINDS)
    return f"SELECT DISTINCT * FROM ({parts})"


def name_words_sql(search: str) -> str:
    """The distinct forenames and surnames of ``search`` (a table or a subquery)."""
    return (f"SELECT DISTINCT 'forename' AS kind, first_name AS word, first_name_metaphone AS "
            f"metaphone FROM {search} WHERE first_name IS NOT NULL UNION SELECT DISTINCT "
            f"'surname', surname, surname_metaphone FROM {search} WHERE surname IS NOT NULL")


def is_prepared(con: duckdb.DuckDBPyConnection) -> bool:
    return table_exists(con, MARKER)


def prepare_serving(con: duckdb.DuckDBPyConnection,
                    previous: Path | None = None) -> dict[str, int]:
    """Build the serving tables and indexes in ``con`` (a read-write snapshot copy).

    Returns the rows of each serving table built. Tables whose sources are missing (a
    warehouse before the link stage) are left out; the views then fall back to the warehouse.
    With ``previous`` (the snapshot published before), pages that cannot have changed are
    taken from it rather than built again (``page_delta``).
    """
    built: dict[str, int] = {}
    con.execute("SET enable_progress_bar = false")  # publishing prints its own summary
    for table, column in INDEXES:
        if table_exists(con, table) and column in table_columns(con, table):
            con.execute(f"CREATE INDEX IF NOT EXISTS {table}_{column}_idx ON {table} ({column})")
    if _has_records(con, RECORD_COLUMNS):
        built.update(_build(con, "serve_person_records",
                            f"{records_sql()} ORDER BY m.person_id, p.record_id", ("person_id",)))
    if has_search_columns(con):
        built.update(_build_search_tables(con))
    if all(table_exists(con, t) for t in pages.NEEDS):
        with _attached(con, previous) as prev:
            rebuilt = pages.build_pages(
                con, prev if prev and page_delta.comparable(con, prev) else None)
        built.update({t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0])
                      for t in ("serve_person_pages", "serve_family_pages")})
        built.update({f"{t} built": n for t, n in rebuilt.items()})
    # The snapshot's table names, so that a view reads one small row rather than the catalog.
    con.execute(f"CREATE OR REPLACE TABLE {MARKER} AS SELECT {VERSION} AS version, "
                "CAST(? AS TIMESTAMP) AS built_at, list_append(list(table_name), ?) AS tables "
                "FROM duckdb_tables() WHERE table_name <> ? AND NOT temporary AND "
                "database_name = current_database()", [dt.datetime.now(), MARKER, MARKER])
    return built


@contextlib.contextmanager
def _attached(con: duckdb.DuckDBPyConnection, path: Path | None) -> Iterator[str | None]:
    """The snapshot at ``path`` attached read-only as ``previous`` (None if there is none or
    it was prepared by another version of this module)."""
    if path is None or not path.exists():
        yield None
        return
    con.execute("ATTACH ? AS previous (READ_ONLY)", [str(path)])
    try:
        same = (table_exists(con, MARKER, "previous") and
                con.execute(f"SELECT version FROM previous.{MARKER}").fetchall() == [(VERSION,)])
        yield "previous" if same else None
    finally:
        con.execute("DETACH previous")


def has_search_columns(con: duckdb.DuckDBPyConnection) -> bool:
    """The records carry the standardised name keys that search reads."""
    return _has_records(con, (*SEARCH_COLUMNS, *IDENTIFIER_KINDS))


def _has_records(con: duckdb.DuckDBPyConnection, columns: tuple[str, ...]) -> bool:
    if not (table_exists(con, "person_records") and table_exists(con, "person_membership")):
        return False
    have = table_columns(con, "person_records")
    return all(c in have for c in columns)


def _build(con: duckdb.DuckDBPyConnection, name: str, sql: str,
           keys: tuple[str, ...]) -> dict[str, int]:
    """One serving table, sorted by its first key, with an ART index on each key."""
    con.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")
    for key in keys:
        con.execute(f"CREATE INDEX {name}_{key}_idx ON {name} ({key})")
    return {name: int(con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0])}


def _build_search_tables(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    built = _build(con, "serve_search",
                   f"{search_rows_sql()} ORDER BY surname, first_name, person_id",
                   ("person_id", "surname", "former_surname", "first_name_canon",
                    "date_of_birth", "postcode", "postcode_sector"))
    built.update(_build(con, "serve_identifiers", f"{identifiers_sql()} ORDER BY value",
                        ("value",)))
    built.update(_build(con, "serve_name_words",
                        f"{name_words_sql('serve_search')} ORDER BY kind, word", ()))
    built.update(_build(con, "serve_search_keys",
                        f"{search_keys_sql('serve_search')} ORDER BY key", ("key",)))
    built.update(_build(con, "serve_name_forenames",
                        f"{name_forenames_sql('serve_search')} ORDER BY surname", ("surname",)))
    return built
