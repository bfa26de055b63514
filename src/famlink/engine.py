"""The warehouse connection: the one place that opens DuckDB."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT, or ROLLBACK on any error so the warehouse is left as it was."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> Any:
    """The single value a query returns (the whole result is fetched, as DuckDB 2 wants)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def arrow_table(con: duckdb.DuckDBPyConnection, sql: str,
                params: list | None = None) -> pa.Table:
    """The whole result of a query as an Arrow table."""
    result = con.sql(sql, params=params or None).to_arrow_table()
    if result is None:  # pragma: no cover - DuckDB returns a table for every query
        raise RuntimeError(f"no result for {sql[:80]}")
    return result


_IN_DATABASE = ("table_catalog IN (SELECT coalesce(?, d) FROM (VALUES (current_database()), "
                "('temp')) v(d))")


def table_exists(con: duckdb.DuckDBPyConnection, name: str,
                 database: str | None = None) -> bool:
    """Table ``name`` is in ``database`` (an attached one; default the connection's own,
    temp tables included)."""
    return bool(scalar(con, f"SELECT count(*) FROM information_schema.tables WHERE "
                            f"table_name = ? AND {_IN_DATABASE}", [name, database]))


def table_columns(con: duckdb.DuckDBPyConnection, name: str,
                  database: str | None = None) -> dict[str, str]:
    rows = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                       f"WHERE table_name = ? AND {_IN_DATABASE} "
                       "ORDER BY ordinal_position", [name, database]).fetchall()
    return {r[0]: r[1] for r in rows}


def create_temp_table(con: duckdb.DuckDBPyConnection, name: str,
                      columns: dict[str, list[Any]]) -> None:
    """A temp table from Python columns, in one go (executemany inserts row by row)."""
    view = f"_tmp_arrow_{name}"
    con.register(view, pa.table(columns))
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {view}")
    finally:
        con.unregister(view)


def create_temp_mapping(con: duckdb.DuckDBPyConnection, name: str, key: str, value: str,
                        mapping: dict[str, str]) -> None:
    """A two-column text temp table (key -> value) from a dict, such as record -> person."""
    create_temp_table(con, name, {key: pa.array(list(mapping), pa.string()),
                                  value: pa.array(list(mapping.values()), pa.string())})
