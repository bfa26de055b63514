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

# The alerts addressed to the user (``mine``) and, for a role that sees escalations, those
# overdue in its area: selected in the warehouse, so a page reads only the user's own alerts
# however many the council has raised.
ALERTS_SQL = """
SELECT alert_id, rule, urgency, recipient_role, scope_kind, scope_value, scope_label,
       deadline_at, deadline_reason, headline, message_json, event_date, raised_at, mine
FROM (SELECT *, recipient_role = $role AND CASE scope_kind
                    WHEN 'school' THEN scope_value IS NOT DISTINCT FROM $school
                    WHEN 'area' THEN $everywhere OR list_contains($districts, scope_value)
                    ELSE true END AS mine
      FROM alerts)
WHERE mine OR ($escalations AND deadline_at < $at
               AND ($everywhere OR list_contains($districts, coalesce(nullif({area}, ''),
                                                                    scope_value))))
ORDER BY deadline_at, alert_id
"""
ACK_CHUNK = 500  # alert ids per query: well within any database's limit on bound values


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


def acks(engine: Engine, alert_ids: list[str]) -> dict[str, Ack]:
    """The first acknowledgement of each alert."""
    if not alert_ids:
        return {}
    with Session(engine) as db:
        rows = [row for i in range(0, len(alert_ids), ACK_CHUNK)
                for row in db.scalars(select(AlertAck)
                                      .where(AlertAck.alert_id.in_(alert_ids[i:i + ACK_CHUNK]))
                                      .order_by(AlertAck.acknowledged_at, AlertAck.ack_id))]
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
    at = at or now()
    cursor = con.execute(ALERTS_SQL.format(area=area), {
        "role": role_name, "school": school, "everywhere": role.scope.kind == "all",
        "districts": list(role.scope.postcode_districts),
        "escalations": "see_escalations" in role.actions, "at": at})
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    done = acks(engine, [r["alert_id"] for r in rows])
    out = []
    for r in rows:
        escalated = not r["mine"]
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
