"""The run log: every stage of every run, with its status, counts, duration and problem.

Each stage's row is written when the stage ends, outside the stage's own transaction, so a
stage that fails (or crashes) still leaves its line. ``famlink runs`` shows the log;
``famlink run --resume`` starts again at the first stage the last run did not finish.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import duckdb

from famlink.engine import table_exists

TABLE = "run_log"
CREATE_SQL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    run_id VARCHAR, seq INTEGER, stage VARCHAR, started_at TIMESTAMP, seconds DOUBLE,
    status VARCHAR, counts_json VARCHAR, problem VARCHAR)
"""


@dataclass(frozen=True)
class StageRun:
    run_id: str
    seq: int
    stage: str
    started_at: dt.datetime
    seconds: float
    status: str  # ok | failed | crashed
    counts: dict[str, int]
    problem: str


def new_run_id(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now()).strftime("R%Y%m%dT%H%M%S%f")


def record(con: duckdb.DuckDBPyConnection, entry: StageRun) -> None:
    con.execute(CREATE_SQL)
    con.execute(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [entry.run_id, entry.seq, entry.stage, entry.started_at, entry.seconds,
                 entry.status, json.dumps(entry.counts), entry.problem])


def recent(con: duckdb.DuckDBPyConnection, runs: int = 5) -> list[StageRun]:
    """The stages of the last ``runs`` runs, newest run first, stages in order."""
    if not table_exists(con, TABLE):
        return []
    rows = con.execute(f"""
        WITH last AS (SELECT run_id, min(started_at) AS began FROM {TABLE} GROUP BY run_id
                      ORDER BY began DESC LIMIT ?)
        SELECT l.run_id, l.seq, l.stage, l.started_at, l.seconds, l.status, l.counts_json,
               l.problem FROM {TABLE} l JOIN last USING (run_id)
        ORDER BY last.began DESC, l.seq""", [runs]).fetchall()
    return [StageRun(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7] or "")
            for r in rows]


def resume_from(con: duckdb.DuckDBPyConnection, order: list[str]) -> list[str]:
    """The stages to run again: from the last run's first failed stage to the end."""
    failed = [r.stage for r in recent(con, 1) if r.status != "ok" and r.stage in order]
    return order[order.index(failed[0]):] if failed else []
