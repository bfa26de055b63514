"""E-mail notices: tell each user who has new alerts to sign in, and nothing more.

A notice names no child, family, school or incident: only how many alerts wait and where to
sign in, because e-mail leaves the council's control. Each alert is noticed to a user once
(``alert_notices``); every notice sent is in the audit log.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

import duckdb
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from famlink.access import audit
from famlink.access.roles import AccessConfig
from famlink.alerts.inbox import inbox
from famlink.errors import FamlinkError
from famlink.state.accounts import emails, list_users, now
from famlink.state.models import AlertNotice


@dataclass(frozen=True)
class Notice:
    username: str
    email: str
    alert_ids: list[str]
    overdue: int

    def message(self, sender: str, url: str) -> EmailMessage:
        n = len(self.alert_ids)
        msg = EmailMessage()
        msg["From"], msg["To"] = sender, self.email
        msg["Subject"] = f"famlink: {n} new alert{'s' if n != 1 else ''} for you"
        late = f" ({self.overdue} past its deadline)" if self.overdue else ""
        msg.set_content(f"You have {n} new alert{'s' if n != 1 else ''} in famlink{late}.\n"
                        f"Sign in to read and acknowledge them: {url}\n\n"
                        "This e-mail never carries personal details.\n")
        return msg


def _noticed(engine: Engine, username: str) -> set[str]:
    with Session(engine) as db:
        return set(db.scalars(select(AlertNotice.alert_id)
                              .where(AlertNotice.username == username)))


def due_notices(con: duckdb.DuckDBPyConnection, engine: Engine,
                access: AccessConfig) -> list[Notice]:
    """For each active user with an e-mail address, the open alerts not yet noticed."""
    addresses = emails(engine)
    out = []
    for account in list_users(engine):
        role = access.roles.get(account.role)
        if account.username not in addresses or role is None or not role.can("view_alerts"):
            continue
        told = _noticed(engine, account.username)
        new = [a for a in inbox(con, engine, account.role, role, account.scope_value)
               if a.ack is None and a.alert_id not in told]
        if new:
            out.append(Notice(account.username, addresses[account.username],
                              [a.alert_id for a in new], sum(a.is_overdue for a in new)))
    return out


def send_notices(con: duckdb.DuckDBPyConnection, engine: Engine, access: AccessConfig,
                 smtp: tuple[str, int], sender: str, url: str) -> list[Notice]:
    """Send the due notices through the SMTP server; record and audit each one sent."""
    notices = due_notices(con, engine, access)
    if not notices:
        return []
    try:
        with smtplib.SMTP(*smtp, timeout=30) as server:
            for notice in notices:
                _send(engine, server, notice, sender, url)
    except (OSError, smtplib.SMTPException) as exc:
        raise FamlinkError(f"SMTP server {smtp[0]}:{smtp[1]}: {exc}; the notices not sent "
                           "stay due and go with the next `famlink notify`") from exc
    return notices


def _send(engine: Engine, server: smtplib.SMTP, notice: Notice, sender: str, url: str) -> None:
    """One notice: sent, then recorded (so a failed send is tried again next time)."""
    server.send_message(notice.message(sender, url))
    with Session(engine) as db, db.begin():
        db.add_all(AlertNotice(username=notice.username, alert_id=a, sent_at=now())
                   for a in notice.alert_ids)
    audit.append(engine, username="famlink", role="system", action="notify_alerts",
                 subject_kind="user", subject_id=notice.username,
                 detail={"alerts": len(notice.alert_ids), "to": notice.email})
