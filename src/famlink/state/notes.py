"""Centralised notes on a person or family, for handovers, each visible to the roles the
author chose (always including the author's own)."""

from __future__ import annotations

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.orm import Session

from famlink.errors import FamlinkError
from famlink.state.accounts import now
from famlink.state.models import Note

KINDS = ("person", "family")
MAX_NOTE = 5000


def add_note(engine: Engine, kind: str, subject_id: str, body: str, author: str, role: str,
             visible_to: list[str]) -> Note:
    if kind not in KINDS:
        raise FamlinkError(f"notes are on a person or a family, not {kind!r}")
    body = body.strip()
    if not body:
        raise FamlinkError("the note is empty: write what the next person needs to know")
    if len(body) > MAX_NOTE:
        raise FamlinkError(f"the note is longer than {MAX_NOTE} characters")
    roles = sorted({role, *visible_to})
    with Session(engine, expire_on_commit=False) as db, db.begin():
        note = Note(subject_kind=kind, subject_id=subject_id, body=body, author=author,
                    author_role=role, visible_to=",".join(roles), created_at=now())
        db.add(note)
    return note


def notes_for(engine: Engine, kind: str, subject_id: str, role: str) -> list[Note]:
    """The notes on a subject that ``role`` may read, newest first (read without an ORM
    session: every person and family page asks, and most subjects have none)."""
    with engine.connect() as conn:
        rows = conn.execute(_NOTES, {"kind": kind, "subject": subject_id}).all()
    return [Note(**row._mapping) for row in rows if role in row.visible_to.split(",")]


_TABLE = Note.__table__
_NOTES = (select(_TABLE).where(_TABLE.c.subject_kind == bindparam("kind"),
                               _TABLE.c.subject_id == bindparam("subject"))
          .order_by(_TABLE.c.created_at.desc(), _TABLE.c.note_id.desc()))  # built once
