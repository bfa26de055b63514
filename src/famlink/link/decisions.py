"""Human match decisions (must-link, must-not-link), kept apart from the warehouse.

Decisions live in the project's state database (``state/famlink.sqlite``), so rebuilding or
resetting the warehouse never loses them; every link run reads them and applies them as
constraints. The latest decision on a pair wins; earlier ones stay as history.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from famlink.errors import FamlinkError

DECISIONS_DDL = """
CREATE TABLE IF NOT EXISTS match_decisions (
    decision_id INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id_l TEXT NOT NULL,
    record_id_r TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('must_link', 'must_not_link')),
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    reason TEXT NOT NULL
)"""


@dataclass(frozen=True)
class Decision:
    record_id_l: str
    record_id_r: str
    decision: str
    decided_by: str
    decided_at: str
    reason: str


def state_path(project_root: Path) -> Path:
    return project_root / "state" / "famlink.sqlite"


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.execute(DECISIONS_DDL)
    return con


def record_decision(path: Path, left: str, right: str, decision: str, by: str,
                    reason: str) -> Decision:
    if decision not in ("must_link", "must_not_link"):
        raise FamlinkError(f"decision must be must_link or must_not_link, not {decision!r}")
    if left == right:
        raise FamlinkError("a decision needs two different records")
    if not reason.strip():
        raise FamlinkError("give a reason for the decision")
    left, right = sorted((left, right))
    made = Decision(left, right, decision, by, dt.datetime.now().isoformat(timespec="seconds"),
                    reason)
    with _connect(path) as con:
        con.execute("INSERT INTO match_decisions (record_id_l, record_id_r, decision, "
                    "decided_by, decided_at, reason) VALUES (?, ?, ?, ?, ?, ?)",
                    (made.record_id_l, made.record_id_r, made.decision, made.decided_by,
                     made.decided_at, made.reason))
    return made


def current_decisions(path: Path) -> list[Decision]:
    """The latest decision on each pair."""
    if not path.exists():
        return []
    with _connect(path) as con:
        rows = con.execute(
            "SELECT record_id_l, record_id_r, decision, decided_by, decided_at, reason "
            "FROM match_decisions d WHERE decision_id = (SELECT max(decision_id) FROM "
            "match_decisions e WHERE e.record_id_l = d.record_id_l AND "
            "e.record_id_r = d.record_id_r) ORDER BY record_id_l, record_id_r").fetchall()
    return [Decision(*row) for row in rows]
