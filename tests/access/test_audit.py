"""The audit log's hash chain: intact when untouched; an edited, deleted or inserted entry is
detected, by ``verify`` and by ``famlink audit verify`` (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from famlink.access import audit


def _fill(state, n: int = 5) -> None:
    for i in range(n):
        audit.append(state, username="alice", role="early_help", action="view_person",
                     subject_kind="person", subject_id=f"P{i}", detail={"terms": {"name": "Zoë"}},
                     reason="home visit" if i % 2 else "")


def test_an_untouched_log_verifies(state):
    _fill(state)
    check = audit.verify(state)
    assert check.ok and check.entries == 5
    assert audit.head(state)[0] == 5


def test_an_edited_entry_is_detected(state):
    _fill(state)
    with state.begin() as conn:
        conn.execute(sa.text("UPDATE audit_log SET username = 'mallory' WHERE seq = 3"))
    check = audit.verify(state)
    assert not check.ok and check.bad_seq == 3 and "changed" in (check.problem or "")


def test_an_edit_that_recomputes_its_own_hash_breaks_the_next_link(state):
    _fill(state)
    with state.begin() as conn:
        row = conn.execute(sa.text("SELECT * FROM audit_log WHERE seq = 2")).mappings().one()
        at = row["at"] if isinstance(row["at"], dt.datetime) else \
            dt.datetime.fromisoformat(row["at"])
        forged = audit.entry_hash(2, at, "mallory", row["role"], row["action"],
                                  row["subject_kind"], row["subject_id"], row["detail"],
                                  row["reason"], row["prev_hash"])
        conn.execute(sa.text("UPDATE audit_log SET username = 'mallory', entry_hash = :h "
                             "WHERE seq = 2"), {"h": forged})
    check = audit.verify(state)
    assert not check.ok and check.bad_seq == 3


def test_a_deleted_entry_is_detected(state):
    _fill(state)
    with state.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_log WHERE seq = 2"))
    check = audit.verify(state)
    assert not check.ok and check.bad_seq == 2 and "deleted" in (check.problem or "")


def test_entries_are_found_by_subject_and_user(state):
    _fill(state)
    audit.append(state, username="bob", role="police", action="search")
    assert [e.subject_id for e in audit.entries(state, subject_id="P1")] == ["P1"]
    assert [e.action for e in audit.entries(state, username="bob")] == ["search"]
    assert audit.count(state) == 6
