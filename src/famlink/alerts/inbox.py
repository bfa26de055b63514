"""The alerts inbox: the alerts addressed to a user's role and scope, with their status.

An alert is addressed to a role and a scope (a school, an area, or everyone in the role). A
school's safeguarding lead sees the alerts for their school; a council team those for the
postcode districts of its area. An alert whose deadline has passed with no acknowledgement
is *overdue*, and is escalated: it also appears, marked, to the roles allowed to see
escalations (``see_escalations``) whose area it falls in. Acknowledgements live in the app
state (``alert_acks``), beside who acknowledged and their note.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import duckdb
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from famlink.access.roles import RoleSpec
from famlink.engine import table_columns, table_exists
from famlink.errors import FamlinkError
from famlink.state.accounts import now
from famlink.state.models import AlertAck

ALERTS_SQL = """
SELECT alert_id, rule, urgency, recipient_role, scope_kind, scope_value, scope_label,
       deadline_at, deadline_reason, headline, message_json, event_date, raised_at,
       {area} AS area
FROM alerts ORDER BY deadline_at, alert_id
"""


@dataclass(frozen=True)
class Ack:
    username: str
    at: dt.datetime
    note: str


@dataclass(frozen=True)
class InboxAlert:
    alert_id: str
    rule: str
    urgency: str
    headline: str
    recipient: str  # role and scope, in words
    deadline_at: dt.datetime
    deadline_reason: str
    shown: dict[str, Any]
    ack: Ack | None
    is_overdue: bool
    is_escalation: bool  # shown to this user because it is overdue elsewhere

    @property
    def status(self) -> str:
        if self.ack:
            return "acknowledged"
        return "overdue" if self.is_overdue else "open"


def _addressed(row: dict[str, Any], role_name: str, role: RoleSpec, school: str | None) -> bool:
    if row["recipient_role"] != role_name:
        return False
    if row["scope_kind"] == "school":
        return row["scope_value"] == school
    if row["scope_kind"] == "area":
        return role.scope.kind == "all" or row["scope_value"] in role.scope.postcode_districts
    return True


def _in_area(row: dict[str, Any], role: RoleSpec) -> bool:
    return role.scope.kind == "all" or (row["area"] or row["scope_value"]) in \
        role.scope.postcode_districts


def acks(engine: Engine, alert_ids: list[str]) -> dict[str, Ack]:
    """The first acknowledgement of each alert."""
    if not alert_ids:
        return {}
    with Session(engine) as db:
        rows = db.scalars(select(AlertAck).where(AlertAck.alert_id.in_(alert_ids))
                          .order_by(AlertAck.acknowledged_at, AlertAck.ack_id)).all()
    out: dict[str, Ack] = {}
    for r in rows:
        out.setdefault(r.alert_id, Ack(r.username, r.acknowledged_at, r.note))
    return out


def inbox(con: duckdb.DuckDBPyConnection, engine: Engine, role_name: str, role: RoleSpec,
          school: str | None, at: dt.datetime | None = None) -> list[InboxAlert]:
    """The user's alerts: addressed to them, or escalated to them; soonest deadline first."""
    if not table_exists(con, "alerts"):
        return []
    area = "area" if "area" in table_columns(con, "alerts") else "NULL::VARCHAR"
    cursor = con.execute(ALERTS_SQL.format(area=area))
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    at = at or now()
    mine = [(r, False) for r in rows if _addressed(r, role_name, role, school)]
    if "see_escalations" in role.actions:
        seen = {r["alert_id"] for r, _ in mine}
        mine += [(r, True) for r in rows if r["alert_id"] not in seen
                 and r["deadline_at"] < at and _in_area(r, role)]
    done = acks(engine, [r["alert_id"] for r, _ in mine])
    out = []
    for r, escalated in mine:
        ack = done.get(r["alert_id"])
        if escalated and ack:
            continue  # acknowledged in time or late: no longer an escalation
        out.append(InboxAlert(
            r["alert_id"], r["rule"], r["urgency"], r["headline"],
            f"{r['recipient_role']} {r['scope_kind']} {r['scope_value']} "
            f"{r['scope_label'] or ''}".strip(), r["deadline_at"], r["deadline_reason"],
            json.loads(r["message_json"]), ack, ack is None and r["deadline_at"] < at,
            escalated))
    return out


def acknowledge(engine: Engine, alert_id: str, username: str, note: str) -> Ack:
    note = note.strip()
    if len(note) > 2000:
        raise FamlinkError("the note is longer than 2000 characters")
    with Session(engine, expire_on_commit=False) as db, db.begin():
        row = AlertAck(alert_id=alert_id, username=username, acknowledged_at=now(), note=note)
        db.add(row)
    return Ack(row.username, row.acknowledged_at, row.note)
