"""person_records: one standardised row per source row that names a person.

Names and addresses are standardised in Python (``names``, ``addresses``), once per
distinct value, so a child seen in thirty termly returns costs one call; everything else
(dates of birth, identifiers, postcodes, sex) is plain SQL over the whole table. Original
values are kept beside the standardised ones (``orig_*``). An identifier that fails its
check is kept in ``orig_*`` only, so it is never match evidence; a date of birth that is a
placeholder, in the future or implausible is kept as text and flagged in ``dob_quality``.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import duckdb
import pyarrow as pa

from famlink.ingest.mapping import q
from famlink.standardise import addresses, dates, names
from famlink.standardise.identifier_sql import nhs_valid_sql, ni_valid_sql, squashed, upn_valid_sql
from famlink.standardise.postcodes import POSTCODE_PATTERN

NAME_KEYS = ("full_name_only", "first_name", "middle_names", "surname", "full_name",
             "former_surname")
NAME_SCHEMA = pa.schema([
    ("k", pa.int64()), ("first_name", pa.string()), ("first_name_canon", pa.string()),
    ("first_name_metaphone", pa.string()), ("first_initial", pa.string()),
    ("middle_names", pa.string()), ("surname", pa.string()),
    ("surname_parts", pa.list_(pa.string())), ("surname_metaphone", pa.string()),
    ("former_surname", pa.string()), ("generation", pa.string()),
    ("is_initial_only", pa.bool_()),
])
ADDRESS_SCHEMA = pa.schema([
    ("k", pa.int64()), ("address_norm", pa.string()), ("flat", pa.string()),
    ("house_number", pa.string()), ("house_name", pa.string()), ("street", pa.string()),
    ("address_tokens", pa.list_(pa.string())), ("found_postcode", pa.string()),
])
PARALLEL_FROM = 20_000  # distinct values; below this a second process costs more than it saves


def _name_parts(row: dict[str, Any]) -> names.NameParts:
    if row["full_name_only"] or not (row["first_name"] or row["surname"]):
        return names.parse_full_name(row["full_name"] or "")
    given = names.standardise_forename(row["first_name"]).split()
    middle = " ".join([*given[1:], names.standardise_forename(row["middle_names"])]).strip()
    whole = names.parse_full_name(f"{row['first_name'] or 'X'} {row['surname'] or ''}")
    return names.NameParts(
        first_name=given[0] if given else None,
        middle_names=middle or None,
        surname=names.standardise_surname(row["surname"]) or None,
        generation=whole.generation,
        is_initial_only=bool(given) and len(given[0]) == 1,
    )


def standardise_name(row: dict[str, Any]) -> dict[str, Any]:
    parts = _name_parts(row)
    first = parts.first_name or ""
    surname = parts.surname or ""
    return {
        "first_name": first or None,
        "first_name_canon": names.canonical_forename(first) or None,
        "first_name_metaphone": names.phonetic_key(first) or None,
        "first_initial": first[:1] or None,
        "middle_names": parts.middle_names,
        "surname": surname or None,
        "surname_parts": names.surname_parts(surname) or None,
        "surname_metaphone": names.phonetic_key(surname) or None,
        "former_surname": names.standardise_surname(row["former_surname"]) or None,
        "generation": parts.generation,
        "is_initial_only": parts.is_initial_only,
    }


def standardise_address(text: str) -> dict[str, Any]:
    parsed = addresses.parse_address(text)
    return {
        "address_norm": addresses.normalise_address(text) or None,
        "flat": parsed.flat, "house_number": parsed.house_number,
        "house_name": parsed.house_name, "street": parsed.street,
        "address_tokens": list(parsed.tokens) or None, "found_postcode": parsed.postcode,
    }


def standardise_address_row(row: dict[str, Any]) -> dict[str, Any]:
    return standardise_address(row["address_text"])


def _apply(fn: Any, cols: list[str], rows: list[tuple], schema: pa.Schema) -> pa.Table:
    """``fn`` over each row, as a table (built where the work is done: a worker hands back
    Arrow buffers, which cross the process boundary far cheaper than Python objects)."""
    out = [{"k": r[0], **fn(dict(zip(cols, r, strict=True)))} for r in rows]
    return pa.Table.from_pylist(out, schema=schema)


def parallel_apply(fn: Any, cols: list[str], rows: list[tuple], schema: pa.Schema) -> pa.Table:
    """``_apply`` split over the machine's cores (forked workers) when there is enough work."""
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(rows) < PARALLEL_FROM:
        return _apply(fn, cols, rows, schema)
    size = -(-len(rows) // workers)
    chunks = [rows[i:i + size] for i in range(0, len(rows), size)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        n = len(chunks)
        return pa.concat_tables(pool.map(_apply, [fn] * n, [cols] * n, chunks, [schema] * n))


def python_table(con: duckdb.DuckDBPyConnection, name: str, source_sql: str,
                  fn: Any, schema: pa.Schema) -> None:
    """Run ``fn`` over each distinct row of ``source_sql`` (which has a key ``k``)."""
    rows = con.execute(source_sql).fetchall()
    cols = [d[0] for d in con.description or []]
    table = parallel_apply(fn, cols, rows, schema)
    con.register("_tmp_std_arrow", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _tmp_std_arrow")
    con.unregister("_tmp_std_arrow")


def _key(cols: Iterable[str]) -> str:
    return ", ".join(f"coalesce(CAST({c} AS VARCHAR), '\\x00')" for c in cols)


def build_lookups(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """_tmp_std_names and _tmp_std_addresses: one standardised row per distinct value."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _tmp_std_name_keys AS SELECT row_number() OVER () "
                f"AS k, * FROM (SELECT DISTINCT {', '.join(NAME_KEYS)} FROM {source})")
    python_table(con, "_tmp_std_names", "SELECT * FROM _tmp_std_name_keys", standardise_name,
                  NAME_SCHEMA)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _tmp_std_address_keys AS SELECT row_number() "
                f"OVER () AS k, address_text FROM (SELECT DISTINCT address_text FROM {source} "
                f"WHERE address_text IS NOT NULL)")
    python_table(con, "_tmp_std_address_rows", "SELECT * FROM _tmp_std_address_keys",
                  standardise_address_row, ADDRESS_SCHEMA)
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_std_addresses AS SELECT k.address_text, "
                "a.* EXCLUDE (k) FROM _tmp_std_address_keys k JOIN _tmp_std_address_rows a "
                "USING (k)")


def parse_loose_dates(con: duckdb.DuckDBPyConnection, source: str, today: dt.date) -> None:
    """Dates of birth ingest could not read with the feed's formats, tried again in Python."""
    raws = [r[0] for r in con.execute(
        f"SELECT DISTINCT date_of_birth_raw FROM {source} WHERE date_of_birth IS NULL "
        f"AND date_of_birth_raw IS NOT NULL").fetchall()]
    table = pa.table({"raw": pa.array(raws, pa.string()),
                      "parsed": pa.array([dates.parse_date(r, reference_date=today)
                                          for r in raws], pa.date32())})
    con.register("_tmp_std_arrow", table)
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_std_dates AS SELECT * FROM _tmp_std_arrow")
    con.unregister("_tmp_std_arrow")


def _dob_quality_sql(dob: str, today: dt.date) -> str:
    placeholders = ", ".join(f"DATE '{d.isoformat()}'" for d in sorted(dates.PLACEHOLDER_DATES))
    today_sql = f"DATE '{today.isoformat()}'"
    return (f"CASE WHEN {dob} IS NULL THEN 'missing' WHEN {dob} IN ({placeholders}) "
            f"THEN 'placeholder' WHEN {dob} > {today_sql} THEN 'future' "
            f"WHEN {dob} < {today_sql} - INTERVAL {dates.MAX_PLAUSIBLE_AGE + 1} YEAR "
            f"THEN 'implausible' ELSE 'ok' END")


TITLE_WORD = ("upper(regexp_extract(coalesce(s.title, s.full_name, s.first_name), "
              "'^\\s*([A-Za-z]+)', 1))")
SEX_SQL = ("CASE WHEN upper(trim(s.sex)) IN ('M', 'MALE', 'MAN', 'BOY', '1') THEN 'M' "
           "WHEN upper(trim(s.sex)) IN ('F', 'FEMALE', 'WOMAN', 'GIRL', '2') THEN 'F' "
           f"WHEN {TITLE_WORD} IN ('MR', 'MASTER') THEN 'M' "
           f"WHEN {TITLE_WORD} IN ('MRS', 'MISS', 'MS') THEN 'F' END")


def squashed_postcode_sql(value: str) -> str:
    return f"upper(regexp_replace({value}, '[^0-9A-Za-z]', '', 'g'))"


def valid_postcode_sql(squashed: str) -> str:
    """'NB12AB' -> 'NB1 2AB' when it is a UK postcode, else NULL."""
    return (f"CASE WHEN regexp_full_match({squashed}, '{POSTCODE_PATTERN}') THEN "
            f"substr({squashed}, 1, length({squashed}) - 3) || ' ' || right({squashed}, 3) END")


def valid_uprn_sql(value: str) -> str:
    """The UPRN without leading zeros or a trailing '.0', when it is 1-12 digits; else NULL."""
    uprn = f"ltrim(regexp_replace(trim({value}), '\\.0$', ''), '0')"
    return f"CASE WHEN regexp_full_match({uprn}, '[0-9]{{1,12}}') THEN {uprn} END"


def _valid_id(column: str, check: str) -> str:
    return f"CASE WHEN {check} THEN {squashed(column)} END"


# person_ref as match evidence: cleaned like other identifiers and prefixed by its numbering
# (the feed's person_ref_system, default the feed), so only one system's numbers compare
PERSON_KEY_SQL = ("CASE WHEN length(regexp_replace(s.person_ref, '[^A-Za-z0-9]', '', 'g')) > 0 "
                  "THEN s.person_ref_system || ':' || "
                  "upper(regexp_replace(s.person_ref, '[^A-Za-z0-9]', '', 'g')) END")


def person_records_sql(source: str, today: dt.date) -> str:
    dob = "coalesce(s.date_of_birth, d.parsed)"
    pc = squashed_postcode_sql("coalesce(s.postcode, s.found_postcode)")
    # postcode: a valid UK postcode, normalised; postcode_key: that, or the text as given
    # (squashed) when it is not one (a typo, or a foreign postcode), for comparison only
    postcode = valid_postcode_sql(pc)
    quality = _dob_quality_sql(dob, today)
    return f"""
    WITH s0 AS (SELECT src.*, a.* EXCLUDE (address_text)
                FROM {source} src LEFT JOIN _tmp_std_addresses a USING (address_text)),
    s AS (SELECT s0.*, {postcode.replace("s.", "s0.")} AS pc_norm FROM s0)
    SELECT s.record_id, s.feed, s.source_record_id, s.load_batch_id, s.source_row_number,
           s.feed_reliability,
           n.first_name, n.first_name_canon, n.first_name_metaphone, n.first_initial,
           n.middle_names, n.surname, n.surname_parts, n.surname_metaphone, n.former_surname,
           n.generation, n.is_initial_only,
           CASE WHEN {quality} = 'ok' THEN {dob} END AS date_of_birth,
           {quality} AS dob_quality, {SEX_SQL} AS sex,
           {_valid_id('s.nhs_number', nhs_valid_sql('s.nhs_number'))} AS nhs_number,
           {_valid_id('s.upn', upn_valid_sql('s.upn'))} AS upn,
           {_valid_id('s.former_upn', upn_valid_sql('s.former_upn'))} AS former_upn,
           {_valid_id('s.ni_number', ni_valid_sql('s.ni_number'))} AS ni_number,
           {valid_uprn_sql('s.uprn')} AS uprn,
           s.pc_norm AS postcode,
           coalesce(s.pc_norm, CASE WHEN length({pc}) >= 3 THEN {pc} END) AS postcode_key,
           split_part(s.pc_norm, ' ', 1) AS postcode_outward,
           left(s.pc_norm, length(s.pc_norm) - 2) AS postcode_sector,
           s.address_norm, s.flat, s.house_number, s.house_name, s.street, s.address_tokens,
           s.person_ref, {PERSON_KEY_SQL} AS person_key,
           s.event_ref, s.event_type, s.event_date, s.role,
           CAST(NULL AS DATE) AS latest_dob, CAST(NULL AS DATE) AS earliest_dob,
           coalesce(NULLIF(concat_ws(' ', s.first_name, s.middle_names, s.surname), ''),
                    s.full_name) AS orig_name,
           s.date_of_birth_raw AS orig_date_of_birth, s.nhs_number AS orig_nhs_number,
           s.upn AS orig_upn, s.ni_number AS orig_ni_number, s.postcode AS orig_postcode,
           s.address_text AS orig_address
    FROM s
    JOIN _tmp_std_name_keys nk ON ({_key('s.' + c for c in NAME_KEYS)}) =
                                  ({_key('nk.' + c for c in NAME_KEYS)})
    JOIN _tmp_std_names n ON n.k = nk.k
    LEFT JOIN _tmp_std_dates d ON d.raw = s.date_of_birth_raw
    ORDER BY s.record_id
    """


def address_text_sql() -> str:
    lines = ", ".join(["address", "address_line_1", "address_line_2", "address_line_3",
                       "address_line_4", "town"])
    return f"NULLIF(concat_ws(', ', {lines}), '')"


def full_name_only_sql(feeds: set[str]) -> str:
    if not feeds:
        return "false"
    return "feed IN (" + ", ".join(q(f) for f in sorted(feeds)) + ")"
