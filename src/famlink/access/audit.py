"""The audit log: every view, search, export and change, appended with who, role, when,
subject and reason, and hash-chained so that editing or deleting an entry is detected.

Each entry's hash is SHA-256 over its own fields and the previous entry's hash; ``seq``
counts up from 1 with no gaps. ``verify`` recomputes the chain: a changed field breaks that
entry's hash, a deleted entry breaks the sequence or the link to the next one.

Appending is one INSERT: each process remembers the last entry it wrote or read (per
database) and computes the next link itself, under a lock for its own threads. ``seq`` is
the primary key, so when another process (a second server worker, the CLI) has appended in
the meantime the INSERT fails, the head is read again and the entry is chained after it:
the chain stays one line however many processes write to it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from famlink.state.models import AuditEntry

GENESIS = "0" * 64
ATTEMPTS = 50  # other processes appending at the same moment: read the head and try again
_lock = threading.Lock()
_heads: weakref.WeakKeyDictionary[Engine, tuple[int, str]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class AuditCheck:
    ok: bool
    entries: int
    bad_seq: int | None = None
    problem: str | None = None


def entry_hash(seq: int, at: dt.datetime, username: str, role: str, action: str,
               subject_kind: str | None, subject_id: str | None, detail: str, reason: str,
               prev_hash: str) -> str:
    fields = [seq, at.isoformat(timespec="microseconds"), username, role, action, subject_kind,
              subject_id, detail, reason, prev_hash]
    blob = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _hash_of(e: AuditEntry) -> str:
    return entry_hash(e.seq, e.at, e.username, e.role, e.action, e.subject_kind, e.subject_id,
                      e.detail, e.reason, e.prev_hash)


def _read_head(engine: Engine) -> tuple[int, str]:
    with engine.connect() as conn:
        last = conn.execute(select(AuditEntry.seq, AuditEntry.entry_hash)
                            .order_by(AuditEntry.seq.desc()).limit(1)).first()
    return (int(last[0]), str(last[1])) if last else (0, GENESIS)


_INSERT = insert(AuditEntry)  # built once: every page appends an entry


def _insert_after(engine: Engine, head: tuple[int, str], values: dict[str, Any]) -> AuditEntry:
    row = {"seq": head[0] + 1, "prev_hash": head[1], **values}
    row["entry_hash"] = entry_hash(row["seq"], row["at"], row["username"], row["role"],
                                   row["action"], row["subject_kind"], row["subject_id"],
                                   row["detail"], row["reason"], row["prev_hash"])
    with engine.begin() as conn:
        conn.execute(_INSERT, row)
    return AuditEntry(**row)


def append(engine: Engine, *, username: str, role: str, action: str,
           subject_kind: str | None = None, subject_id: str | None = None,
           detail: dict[str, Any] | None = None, reason: str = "",
           at: dt.datetime | None = None) -> AuditEntry:
    """Add one entry at the end of the chain (reading the head again if another process got
    there first)."""
    values = {"at": (at or dt.datetime.now(dt.UTC).replace(tzinfo=None)), "username": username,
              "role": role, "action": action, "subject_kind": subject_kind,
              "subject_id": subject_id, "reason": reason.strip(),
              "detail": json.dumps(detail or {}, sort_keys=True, ensure_ascii=False,
                                   default=str)}
    with _lock:
        for attempt in range(ATTEMPTS):
            head = _heads.get(engine) or _read_head(engine)
            try:
                entry = _insert_after(engine, head, values)
            except IntegrityError:
                _heads.pop(engine, None)
                if attempt == ATTEMPTS - 1:
                    raise
                continue
            _heads[engine] = (entry.seq, entry.entry_hash)
            return entry
    raise AssertionError("unreachable")


def verify(engine: Engine, batch: int = 5000) -> AuditCheck:
    """Recompute the whole chain; the first broken entry is named."""
    prev, expected, count = GENESIS, 1, 0
    with Session(engine) as session:
        while True:
            rows = session.scalars(select(AuditEntry).where(AuditEntry.seq >= expected)
                                   .order_by(AuditEntry.seq).limit(batch)).all()
            for e in rows:
                if e.seq != expected:
                    return AuditCheck(False, count, expected, f"entry {expected} is missing "
                                      f"(the next entry is {e.seq}): entries were deleted")
                if e.prev_hash != prev:
                    return AuditCheck(False, count, e.seq, f"entry {e.seq} does not follow "
                                      "entry before it: an entry was deleted or replaced")
                if _hash_of(e) != e.entry_hash:
                    return AuditCheck(False, count, e.seq, f"entry {e.seq} was changed after "
                                      "it was written: its hash does not match its fields")
                prev, expected, count = e.entry_hash, expected + 1, count + 1
            if len(rows) < batch:
                return AuditCheck(True, count)


def head(engine: Engine) -> tuple[int, str]:
    """The number of entries and the last hash: note it down to detect later truncation."""
    with Session(engine) as session:
        last = session.execute(select(AuditEntry.seq, AuditEntry.entry_hash)
                               .order_by(AuditEntry.seq.desc()).limit(1)).first()
    return (last[0], last[1]) if last else (0, GENESIS)


def entries(engine: Engine, *, subject_id: str | None = None, username: str | None = None,
            action: str | None = None, limit: int = 200) -> list[AuditEntry]:
    """Newest first, optionally about one subject, by one user or of one action."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if subject_id:
        query = query.where(AuditEntry.subject_id == subject_id)
    if username:
        query = query.where(AuditEntry.username == username)
    if action:
        query = query.where(AuditEntry.action == action)
    with Session(engine) as session:
        found = list(session.scalars(query).all())
        session.expunge_all()
    return found


def count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
