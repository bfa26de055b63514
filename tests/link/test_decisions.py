"""The decisions store on SQLite (always) and PostgreSQL (when FAMLINK_TEST_POSTGRES_URL)."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from famlink.errors import FamlinkError
from famlink.link.decisions import current_decisions, open_state, record_decision

POSTGRES = os.environ.get("FAMLINK_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", "postgres"])
def state(request, tmp_path):
    if request.param == "sqlite":
        yield open_state(f"sqlite:///{tmp_path / 'state.sqlite'}")
        return
    if not POSTGRES:
        pytest.skip("PostgreSQL tests need FAMLINK_TEST_POSTGRES_URL (CI sets it)")
    url = POSTGRES.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = open_state(f"{url}?options=-csearch_path%3D{schema}")
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def test_latest_decision_on_a_pair_wins_and_history_is_kept(state):
    record_decision(state, "b:2", "a:1", "must_link", "ana", "same NHS number on paper")
    record_decision(state, "a:1", "b:2", "must_not_link", "ben", "mother and daughter")
    record_decision(state, "c:3", "d:4", "must_link", "ana", "confirmed by the family")
    current = current_decisions(state)
    assert [(d.record_id_l, d.record_id_r, d.decision, d.decided_by) for d in current] == [
        ("a:1", "b:2", "must_not_link", "ben"), ("c:3", "d:4", "must_link", "ana")]
    with state.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM match_decisions")).scalar() == 3


@pytest.mark.parametrize(("left", "right", "decision", "reason", "message"), [
    ("a", "a", "must_link", "x", "two different records"),
    ("a", "b", "maybe", "x", "must_link or must_not_link"),
    ("a", "b", "must_link", "  ", "give a reason"),
])
def test_bad_decisions_are_refused_and_nothing_is_stored(state, left, right, decision, reason,
                                                         message):
    with pytest.raises(FamlinkError, match=message):
        record_decision(state, left, right, decision, "ana", reason)
    assert current_decisions(state) == []
