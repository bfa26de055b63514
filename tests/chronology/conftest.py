"""Hand-made events and persons, and the chronology stage run on them."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pytest

from famlink.chronology.stage import run_chronology
from famlink.standardise.events import EVENT_COLUMNS

EVENT_SCHEMA = {"event_id": "VARCHAR", "record_id": "VARCHAR", "feed": "VARCHAR",
                "source_record_id": "VARCHAR", "load_batch_id": "VARCHAR", **EVENT_COLUMNS,
                "details": "VARCHAR"}


def quiet(what: str, done: int, total: int) -> None:
    pass


def add_events(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    """Events (and person_membership) from dicts naming person_id and any event fields."""
    con.execute("CREATE TABLE IF NOT EXISTS events ("
                + ", ".join(f"{c} {t}" for c, t in EVENT_SCHEMA.items()) + ")")
    con.execute("CREATE TABLE IF NOT EXISTS person_membership (record_id VARCHAR, "
                "person_id VARCHAR, feed VARCHAR, profile_id VARCHAR)")
    for i, row in enumerate(rows):
        row = {"feed": "test_feed", "source_record_id": f"S{i:03d}", **row}
        rid = row.pop("record_id", f"{row['feed']}:{row['source_record_id']}")
        person = row.pop("person_id", None)
        values = {"event_id": rid, "record_id": rid, "load_batch_id": "batch-1", **row}
        cols = list(values)
        con.execute(f"INSERT INTO events ({', '.join(cols)}) VALUES "
                    f"({', '.join('?' * len(cols))})", list(values.values()))
        if person:
            con.execute("INSERT INTO person_membership VALUES (?, ?, ?, ?)",
                        [rid, person, row["feed"], rid])


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.fixture
def build(con) -> Callable:
    """Load events, run the chronology stage, return its summary counts."""

    def _build(rows: list[dict]) -> dict[str, int]:
        add_events(con, rows)
        return run_chronology(None, con, quiet).counts  # type: ignore[arg-type]

    return _build
