"""Fixtures for the outcome rules: the default rulebook and a fresh in-memory warehouse."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import duckdb
import pytest

from famlink.rules.rulebook import load_rulebook
from famlink.rules.schema import Rulebook
from famlink.rules.stage import build_outcomes

from .warehouse import REF, Fixture


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return load_rulebook()


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.fixture
def run(con: duckdb.DuckDBPyConnection, rulebook: Rulebook
        ) -> Callable[..., duckdb.DuckDBPyConnection]:
    """Build the fixture into the warehouse and run the outcomes stage on it."""

    def go(fx: Fixture, book: Rulebook | None = None, **kwargs: object
           ) -> duckdb.DuckDBPyConnection:
        fx.build(con)
        build_outcomes(con, book or rulebook, kwargs.pop("ref", REF), **kwargs)  # type: ignore[arg-type]
        return con

    return go
