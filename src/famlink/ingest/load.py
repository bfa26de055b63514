"""Load feed files into the warehouse: one transaction per file, every row accounted for.

For each file: checksum it (a file already loaded adds nothing), read it, check the header
against the mapping, type every mapped field, then in one transaction insert the good rows
into ``raw_<feed>``, the bad ones into ``quarantine`` and a row into ``load_batches``. The
counts are taken again from the tables and must satisfy rows read = loaded + quarantined;
otherwise, or on any error, the transaction rolls back and the warehouse is as it was.
"""

from __future__ import annotations

import datetime as dt
import difflib
import glob
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from famlink.canonical import LINEAGE_COLUMNS
from famlink.engine import table_columns, table_exists, transaction
from famlink.errors import ConservationError, FamlinkError, FileLoadError
from famlink.ingest import batches
from famlink.ingest.mapping import ident, mapped_select
from famlink.ingest.readers import ReadResult, Reject, read_file
from famlink.project import Feed, Project


@dataclass
class FileOutcome:
    feed: str
    path: str
    status: str  # loaded | unchanged | failed
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    blank_lines: int = 0
    message: str = ""


def raw_table(feed: str) -> str:
    return f"raw_{feed}"


def feed_files(project: Project, feed: Feed) -> list[Path]:
    pattern = str(project.root / feed.source.path)
    return sorted(Path(p) for p in glob.glob(pattern, recursive=True) if Path(p).is_file())


def _resolve_header(path: Path, feed: Feed, header: list[str]) -> dict[str, int]:
    """Position of every source column the mapping reads; exact names first, then any case."""
    positions: dict[str, int] = {}
    lowered = [h.lower() for h in header]
    for name in feed.source_columns():
        hits = [i for i, h in enumerate(header) if h == name] or \
               [i for i, h in enumerate(lowered) if h == name.lower()]
        field = next((f for f, c in feed.columns.items() if c.source == name), "record_id")
        if not hits:
            close = difflib.get_close_matches(name, header, n=2)
            hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
            raise FileLoadError(path, f"mapped column {name!r} is not in the header "
                                f"({len(header)} columns){hint}. Fix the file or feeds/"
                                f"{feed.name}.yaml columns.{field}.from", field=field)
        if len(hits) > 1:
            cols = ", ".join(str(i + 1) for i in hits)
            raise FileLoadError(path, f"mapped column {name!r} appears {len(hits)} times in the "
                                f"header (columns {cols}); which one is meant is unclear",
                                field=field)
        positions[name] = hits[0]
    return positions


def _staging(result: ReadResult, positions: dict[str, int], feed: Feed,
             file_name: str) -> pa.Table:
    data: dict[str, pa.Array] = {
        "_row": pa.array(result.row_numbers, pa.int64()),
        "_line": pa.array(result.line_numbers, pa.int64()),
        "_file": pa.array([file_name] * len(result.rows), pa.string()),
    }
    for i, name in enumerate(feed.source_columns()):
        pos = positions[name]
        data[f"s{i}"] = pa.array([r[pos] for r in result.rows], pa.string())
    return pa.table(data)


def _ensure_raw_table(con: duckdb.DuckDBPyConnection, table: str,
                      columns: list[tuple[str, str]], path: Path) -> None:
    wanted = list(LINEAGE_COLUMNS.items()) + columns
    if not table_exists(con, table):
        cols = ", ".join(f"{ident(n)} {t}" for n, t in wanted)
        con.execute(f"CREATE TABLE {ident(table)} ({cols})")
        return
    have = table_columns(con, table)
    for name, sql_type in wanted:
        if name not in have:
            con.execute(f"ALTER TABLE {ident(table)} ADD COLUMN {ident(name)} {sql_type}")
        elif have[name] != sql_type and not have[name].startswith(sql_type):
            raise FileLoadError(path, f"column {name!r} of {table} is {have[name]} but the "
                                f"mapping now makes it {sql_type}; rebuild the warehouse "
                                "(`famlink reset`) after changing a field's parse", field=name)


def _quarantine_rows(rejects: list[Reject], batch: str, feed: str, rel: str) -> list[tuple]:
    return [(batch, feed, rel, r.row_number, r.line_number, r.field, r.reason_code, r.reason,
             r.raw) for r in rejects]


def _sql_rejects(con: duckdb.DuckDBPyConnection, result: ReadResult, batch: str,
                 feed: str, rel: str) -> list[tuple]:
    rows = con.execute("SELECT _row, _line, _field, _reason_code, _reason FROM _tmp_ingest_mapped "
                       "WHERE _reason_code IS NOT NULL ORDER BY _row").fetchall()
    index = {n: i for i, n in enumerate(result.row_numbers)} if rows else {}
    out = [Reject(row, line, field, code, reason,
                  "|".join(v or "" for v in result.rows[index[row]]))
           for row, line, field, code, reason in rows]
    return _quarantine_rows(out, batch, feed, rel)


DUPLICATE_IDS_SQL = """
CREATE TEMP TABLE _tmp_ingest_mapped AS
SELECT * REPLACE (
  CASE WHEN _reason_code IS NULL AND _dup > 1 THEN 'duplicate_record_id' ELSE _reason_code END
    AS _reason_code,
  CASE WHEN _reason_code IS NULL AND _dup > 1 THEN 'record_id' ELSE _field END AS _field,
  CASE WHEN _reason_code IS NULL AND _dup > 1
    THEN 'record id ' || _source_record_id || ' already appears earlier in this file'
    ELSE _reason END AS _reason)
FROM (SELECT *, row_number() OVER (PARTITION BY _source_record_id, _reason_code IS NULL
                                   ORDER BY _row) AS _dup FROM ({mapped}))
"""


def _store(con: duckdb.DuckDBPyConnection, feed: Feed, result: ReadResult, staging: pa.Table,
           batch: str, checksum: str, rel: str, path: Path) -> FileOutcome:
    mapped, columns = mapped_select(feed, "_tmp_ingest_staging")
    table = raw_table(feed.name)
    con.execute("DROP TABLE IF EXISTS _tmp_ingest_mapped")
    con.execute(DUPLICATE_IDS_SQL.format(mapped=mapped))
    _ensure_raw_table(con, table, columns, path)
    names = [*LINEAGE_COLUMNS, *(n for n, _ in columns)]
    select = ", ".join(ident(n) for n, _ in columns)
    con.execute(
        f"INSERT INTO {ident(table)} ({', '.join(ident(n) for n in names)}) "
        f"SELECT ? || ':' || _source_record_id, ?, _source_record_id, ?, ?, _row, {select} "
        f"FROM _tmp_ingest_mapped WHERE _reason_code IS NULL ORDER BY _row",
        [feed.name, feed.name, batch, checksum])
    rejects = _quarantine_rows(result.rejects, batch, feed.name, rel) + \
        _sql_rejects(con, result, batch, feed.name, rel)
    if rejects:
        con.executemany(f"INSERT INTO quarantine ({', '.join(batches.QUARANTINE_COLUMNS)}) "
                        f"VALUES ({', '.join('?' * len(batches.QUARANTINE_COLUMNS))})",
                        rejects)
    loaded, held = batches.batch_counts(con, table, batch)
    if result.rows_read != loaded + held:
        raise ConservationError(
            f"{path}: rows read {result.rows_read} != loaded {loaded} + quarantined {held}; "
            "nothing from this file was stored")
    con.execute("INSERT INTO load_batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [batch, feed.name, rel, checksum, path.stat().st_size, result.encoding,
                 dt.datetime.now(), result.rows_read, loaded, held, result.blank_lines])
    con.execute("DROP TABLE _tmp_ingest_mapped")
    return FileOutcome(feed.name, rel, "loaded", result.rows_read, loaded, held,
                       result.blank_lines)


def load_file(con: duckdb.DuckDBPyConnection, project: Project, feed: Feed,
              path: Path) -> FileOutcome:
    rel = str(path.relative_to(project.root)) if path.is_relative_to(project.root) else str(path)
    batches.ensure_tables(con)
    try:
        if batches.untouched_since_loaded(con, feed.name, rel, path):
            return FileOutcome(feed.name, rel, "unchanged", message="already loaded")
        checksum = batches.file_checksum(path)
    except FileNotFoundError as exc:
        raise FileLoadError(path, "file not found (moved or deleted during the run?)") from exc
    if batches.already_loaded(con, feed.name, checksum):
        return FileOutcome(feed.name, rel, "unchanged", message="already loaded")
    result = read_file(path, feed.source)
    positions = _resolve_header(path, feed, result.header)
    staging = _staging(result, positions, feed, path.name)
    con.register("_tmp_ingest_staging", staging)
    try:
        with transaction(con):
            return _store(con, feed, result, staging, batches.batch_id(feed.name, checksum),
                          checksum, rel, path)
    finally:
        con.unregister("_tmp_ingest_staging")


def ingest_feed(con: duckdb.DuckDBPyConnection, project: Project, feed: Feed,
                on_file: Callable[[FileOutcome], None] | None = None) -> list[FileOutcome]:
    outcomes = []
    files = feed_files(project, feed)
    if not files:
        outcomes.append(FileOutcome(feed.name, feed.source.path, "failed",
                                    message=f"no files match {feed.source.path!r}"))
    for path in files:
        try:
            outcome = load_file(con, project, feed, path)
        except ConservationError:
            raise
        except FamlinkError as exc:
            outcome = FileOutcome(feed.name, str(path), "failed", message=str(exc))
        outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    return outcomes
