"""The ingest bookkeeping tables: load_batches and quarantine."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb

from famlink.engine import scalar

LOAD_BATCHES_DDL = """
CREATE TABLE IF NOT EXISTS load_batches (
    load_batch_id VARCHAR PRIMARY KEY,
    feed VARCHAR NOT NULL,
    file_path VARCHAR NOT NULL,
    file_checksum VARCHAR NOT NULL,
    file_bytes BIGINT NOT NULL,
    encoding VARCHAR,
    loaded_at TIMESTAMP NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    blank_lines BIGINT NOT NULL
)"""

QUARANTINE_DDL = """
CREATE TABLE IF NOT EXISTS quarantine (
    load_batch_id VARCHAR NOT NULL,
    feed VARCHAR NOT NULL,
    file_path VARCHAR NOT NULL,
    source_row_number BIGINT NOT NULL,
    line_number BIGINT,
    field VARCHAR,
    reason_code VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    raw_record VARCHAR
)"""

QUARANTINE_COLUMNS = ("load_batch_id", "feed", "file_path", "source_row_number", "line_number",
                      "field", "reason_code", "reason", "raw_record")


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(LOAD_BATCHES_DDL)
    con.execute(QUARANTINE_DDL)


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def batch_id(feed: str, checksum: str) -> str:
    return f"{feed}-{checksum[:16]}"


def already_loaded(con: duckdb.DuckDBPyConnection, feed: str, checksum: str) -> bool:
    return bool(scalar(con, "SELECT count(*) FROM load_batches "
                           "WHERE feed = ? AND file_checksum = ?", [feed, checksum]))


def untouched_since_loaded(con: duckdb.DuckDBPyConnection, feed: str, rel: str,
                           path: Path) -> bool:
    """The file at this path was loaded and has not been written or moved in since (same
    size; its content and inode last changed before the load), so it need not be read or
    even checksummed again. Anything else is checksummed as usual."""
    st = path.stat()
    changed = dt.datetime.fromtimestamp(max(st.st_mtime, st.st_ctime))
    return bool(scalar(con, "SELECT count(*) FROM load_batches WHERE feed = ? AND "
                            "file_path = ? AND file_bytes = ? AND loaded_at > ?",
                       [feed, rel, st.st_size, changed]))


def batch_counts(con: duckdb.DuckDBPyConnection, raw_table: str,
                 load_batch_id: str) -> tuple[int, int]:
    """(rows stored in the raw table, rows in quarantine) for one batch, counted afresh."""
    loaded = scalar(con, f'SELECT count(*) FROM "{raw_table}" WHERE load_batch_id = ?',
                    [load_batch_id])
    held = scalar(con, "SELECT count(*) FROM quarantine WHERE load_batch_id = ?",
                  [load_batch_id])
    return int(loaded or 0), int(held or 0)
