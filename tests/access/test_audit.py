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


def test_appends_from_two_processes_keep_one_chain(state, state_url):
    """A second engine stands for a second server worker (or the CLI): each remembers the
    head it last wrote, so appends interleaved between them must re-read it, not fork."""
    from famlink.state.db import open_app_state

    other = open_app_state(state_url)
    try:
        for i in range(3):
            audit.append(state, username="alice", role="early_help", action="view_person",
                         subject_kind="person", subject_id=f"A{i}")
            audit.append(other, username="bob", role="police", action="view_person",
                         subject_kind="person", subject_id=f"B{i}")
    finally:
        other.dispose()
    check = audit.verify(state)
    assert check.ok and check.entries == 6
    assert [e.subject_id for e in reversed(audit.entries(state))] == [
        "A0", "B0", "A1", "B1", "A2", "B2"]


def test_appends_from_many_threads_keep_one_chain(state):
    from concurrent.futures import ThreadPoolExecutor

    def one(i: int) -> int:
        return audit.append(state, username="alice", role="early_help", action="search",
                            detail={"i": i}).seq

    with ThreadPoolExecutor(8) as pool:
        seqs = sorted(pool.map(one, range(40)))
    assert seqs == list(range(1, 41))
    assert audit.verify(state).ok


def test_a_truncated_log_is_not_papered_over_by_the_next_entry(state):
    """Deleting the newest entry under a running app, which appends again, leaves a gap that
    verify names (the app chains after the last entry it wrote, not after what is left)."""
    _fill(state, 3)
    with state.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_log WHERE seq = 3"))
    audit.append(state, username="bob", role="police", action="search")
    check = audit.verify(state)
    assert not check.ok and check.bad_seq == 3
