from __future__ import annotations

import duckdb
import pytest

from .warehouse import build


@pytest.fixture
def smiths() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    build(con)
    yield con
    con.close()


@pytest.fixture
def smiths_before_households() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    build(con, households=False)
    yield con
    con.close()
