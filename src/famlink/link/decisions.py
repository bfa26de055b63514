"""Human match decisions (must-link, must-not-link), kept in the app's state database.

The state database is separate from the warehouse, so rebuilding or resetting the warehouse
never loses a decision; every link run reads the decisions and applies them as constraints.
It is SQLite in the project folder by default (``state/famlink.sqlite``) or any SQLAlchemy
URL, such as PostgreSQL, given as ``state_url`` in famlink.yaml. Decisions are appended,
never updated: the latest decision on a pair wins and the earlier ones stay as history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    func,
    select,
)

from famlink.errors import FamlinkError
from famlink.project import Project

metadata = MetaData()
match_decisions = Table(
    "match_decisions", metadata,
    Column("decision_id", Integer, primary_key=True, autoincrement=True),
    Column("record_id_l", String(200), nullable=False, index=True),
    Column("record_id_r", String(200), nullable=False, index=True),
    Column("decision", String(20), nullable=False),
    Column("decided_by", String(200), nullable=False),
    Column("decided_at", DateTime, nullable=False),
    Column("reason", String(2000), nullable=False),
)
DECISIONS = ("must_link", "must_not_link")


@dataclass(frozen=True)
class Decision:
    record_id_l: str
    record_id_r: str
    decision: str
    decided_by: str
    decided_at: dt.datetime
    reason: str


def state_url(project_root: Path, configured: str | None = None) -> str:
    if configured:
        return configured
    path = project_root / "state" / "famlink.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def project_state(project: Project) -> Engine:
    """The project's state database, created on first use."""
    return open_state(state_url(project.root, project.settings.state_url))


def open_state(url: str) -> Engine:
    engine = create_engine(url)
    metadata.create_all(engine)
    return engine


def record_decision(engine: Engine, left: str, right: str, decision: str, by: str,
                    reason: str) -> Decision:
    if decision not in DECISIONS:
        raise FamlinkError(f"decision must be must_link or must_not_link, not {decision!r}")
    if left == right:
        raise FamlinkError("a decision needs two different records")
    if not reason.strip():
        raise FamlinkError("give a reason for the decision")
    left, right = sorted((left, right))
    made = Decision(left, right, decision, by, dt.datetime.now().replace(microsecond=0),
                    reason.strip())
    with engine.begin() as conn:
        conn.execute(match_decisions.insert().values(
            record_id_l=made.record_id_l, record_id_r=made.record_id_r, decision=made.decision,
            decided_by=made.decided_by, decided_at=made.decided_at, reason=made.reason))
    return made


def current_decisions(engine: Engine) -> list[Decision]:
    """The latest decision on each pair."""
    latest = (select(func.max(match_decisions.c.decision_id))
              .group_by(match_decisions.c.record_id_l, match_decisions.c.record_id_r))
    query = (select(match_decisions.c.record_id_l, match_decisions.c.record_id_r,
                    match_decisions.c.decision, match_decisions.c.decided_by,
                    match_decisions.c.decided_at, match_decisions.c.reason)
             .where(match_decisions.c.decision_id.in_(latest))
             .order_by(match_decisions.c.record_id_l, match_decisions.c.record_id_r))
    with engine.connect() as conn:
        return [Decision(*row) for row in conn.execute(query)]
