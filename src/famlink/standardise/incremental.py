"""Incremental standardising: only the load batches not standardised yet.

Every row is standardised on its own (names and addresses value by value, dates, identifiers
and the address's gazetteer match independently of other rows), so the rows of new batches
can be standardised alone and merged in: a record delivered again replaces its earlier row.
The stage remembers which batches it has standardised (``standardised_batches``) and under
what (``standardise_state``: a fingerprint of the feed mappings, the reference date, the
address feeds' batches and the standardiser's own code). When the fingerprint changes, or
``famlink run --full`` forgets the state, everything is standardised again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from famlink.engine import scalar, table_exists
from famlink.project import Project

STATE_TABLE = "standardise_state"
BATCHES_TABLE = "standardised_batches"
NEW_BATCHES = "_tmp_std_new_batches"
OUTPUTS = ("person_records", "events", "record_groups", "addresses", "address_matches")
_CODE = Path(__file__).parent


@dataclass(frozen=True)
class Plan:
    full: bool
    fingerprint: str
    new_batches: int = 0
    why: str = ""


def _code_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(_CODE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".csv", ".txt", ".yaml", ".json"):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(project: Project, con: duckdb.DuckDBPyConnection) -> str:
    """What the standardised rows depend on besides their own values."""
    address_feeds = sorted(f.name for f in project.feeds.values() if f.kind == "address")
    gazetteer = [r[0] for r in con.execute(
        "SELECT load_batch_id FROM load_batches WHERE feed IN (SELECT unnest(?)) "
        "ORDER BY load_batch_id", [address_feeds]).fetchall()] if address_feeds else []
    facts = {
        "feeds": {n: f.model_dump(mode="json") for n, f in sorted(project.feeds.items())},
        "reference_date": str(project.settings.reference_date),
        "gazetteer": gazetteer,
        "code": _code_digest(),
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def plan(project: Project, con: duckdb.DuckDBPyConnection) -> Plan:
    """A full run, or the batches still to standardise (in temp table ``NEW_BATCHES``)."""
    print_ = fingerprint(project, con)
    if not all(table_exists(con, t) for t in (STATE_TABLE, BATCHES_TABLE, *OUTPUTS)):
        return Plan(True, print_, why="first run")
    if scalar(con, f"SELECT fingerprint FROM {STATE_TABLE}") != print_:
        return Plan(True, print_, why="feed mappings, gazetteer or standardiser changed")
    address_feeds = [f.name for f in project.feeds.values() if f.kind == "address"]
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {NEW_BATCHES} AS
        SELECT load_batch_id FROM load_batches
        WHERE feed NOT IN (SELECT unnest(?::VARCHAR[]))
          AND load_batch_id NOT IN (SELECT load_batch_id FROM {BATCHES_TABLE})""",
                [address_feeds])
    return Plan(False, print_, int(scalar(con, f"SELECT count(*) FROM {NEW_BATCHES}") or 0))


def save_state(con: duckdb.DuckDBPyConnection, fingerprint_: str) -> None:
    """Every loaded batch is now standardised (inside the stage's transaction)."""
    con.execute(f"CREATE OR REPLACE TABLE {STATE_TABLE} AS SELECT ? AS fingerprint",
                [fingerprint_])
    con.execute(f"CREATE OR REPLACE TABLE {BATCHES_TABLE} AS SELECT load_batch_id "
                "FROM load_batches ORDER BY load_batch_id")


def forget_state(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {STATE_TABLE}")
    con.execute(f"DROP TABLE IF EXISTS {BATCHES_TABLE}")
