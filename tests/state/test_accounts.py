"""Users, Argon2 passwords, sessions and their expiry, and the failed sign-in count that
throttling reads (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from famlink.errors import FamlinkError
from famlink.state import accounts
from famlink.state.models import Session

PASSWORD = "correct horse battery"
DAY = dt.timedelta(hours=8)
IDLE = dt.timedelta(minutes=30)


def test_password_is_stored_as_an_argon2_hash(state):
    accounts.add_user(state, "Alice", "early_help", PASSWORD)
    with state.connect() as conn:
        stored = conn.execute(sa.text("SELECT username, password_hash FROM users")).one()
    assert stored[0] == "alice"
    assert stored[1].startswith("$argon2id$") and PASSWORD not in stored[1]


def test_sign_in_needs_the_right_password_and_an_active_user(state):
    accounts.add_user(state, "alice", "early_help", PASSWORD)
    assert accounts.authenticate(state, "ALICE", PASSWORD, "1.2.3.4").role == "early_help"
    assert accounts.authenticate(state, "alice", "wrong password!", "1.2.3.4") is None
    assert accounts.authenticate(state, "nobody", PASSWORD, "1.2.3.4") is None
    accounts.set_active(state, "alice", False)
    assert accounts.authenticate(state, "alice", PASSWORD, "1.2.3.4") is None


def test_failed_attempts_are_counted_by_user_and_by_client(state):
    accounts.add_user(state, "alice", "early_help", PASSWORD)
    for _ in range(3):
        accounts.authenticate(state, "alice", "wrong password!", "10.0.0.1")
    accounts.authenticate(state, "bob", "wrong password!", "10.0.0.2")
    window = dt.timedelta(minutes=15)
    assert accounts.recent_failures(state, "alice", "10.0.0.9", window) == 3
    assert accounts.recent_failures(state, "carol", "10.0.0.2", window) == 1
    assert accounts.recent_failures(state, "carol", "10.0.0.9", window) == 0


def test_short_passwords_and_duplicate_users_are_refused(state):
    with pytest.raises(FamlinkError, match="12 characters"):
        accounts.add_user(state, "alice", "early_help", "short")
    accounts.add_user(state, "alice", "early_help", PASSWORD)
    with pytest.raises(FamlinkError, match="already exists"):
        accounts.add_user(state, "Alice", "police", PASSWORD)


def test_sessions_resume_until_idle_expired_or_ended(state):
    account = accounts.add_user(state, "alice", "early_help", PASSWORD)
    token, csrf = accounts.start_session(state, account, DAY)
    live = accounts.resume_session(state, token, IDLE)
    assert live is not None and live.account.username == "alice" and live.csrf_token == csrf
    assert accounts.resume_session(state, token + "x", IDLE) is None
    with state.begin() as conn:
        conn.execute(sa.update(Session).values(
            last_seen_at=accounts.now() - dt.timedelta(minutes=31)))
    assert accounts.resume_session(state, token, IDLE) is None
    token2, _ = accounts.start_session(state, account, DAY)
    accounts.end_session(state, token2)
    assert accounts.resume_session(state, token2, IDLE) is None


def test_use_keeps_a_session_alive_but_is_written_at_most_every_30_seconds(state):
    account = accounts.add_user(state, "alice", "early_help", PASSWORD)
    token, _ = accounts.start_session(state, account, DAY)

    def last_seen() -> dt.datetime:
        with state.connect() as conn:
            return conn.execute(sa.select(Session.last_seen_at)).scalar_one()

    recent = accounts.now() - dt.timedelta(seconds=10)
    with state.begin() as conn:
        conn.execute(sa.update(Session).values(last_seen_at=recent))
    assert accounts.resume_session(state, token, IDLE) is not None
    assert last_seen() == recent  # used 10 s ago: not written again
    with state.begin() as conn:
        conn.execute(sa.update(Session).values(
            last_seen_at=accounts.now() - dt.timedelta(minutes=29)))
    assert accounts.resume_session(state, token, IDLE) is not None
    assert accounts.now() - last_seen() < dt.timedelta(seconds=5)  # touched: idle again


def test_reset_and_disable_end_open_sessions(state):
    account = accounts.add_user(state, "alice", "early_help", PASSWORD)
    token, _ = accounts.start_session(state, account, DAY)
    accounts.reset_password(state, "alice", "another long password")
    assert accounts.resume_session(state, token, IDLE) is None
    assert accounts.authenticate(state, "alice", "another long password", "x") is not None
    token, _ = accounts.start_session(state, account, DAY)
    accounts.set_active(state, "alice", False)
    assert accounts.resume_session(state, token, IDLE) is None


def test_the_database_keeps_only_a_digest_of_the_session_token(state):
    account = accounts.add_user(state, "alice", "early_help", PASSWORD)
    token, _ = accounts.start_session(state, account, DAY)
    with state.connect() as conn:
        ids = [r[0] for r in conn.execute(sa.text("SELECT session_id FROM sessions"))]
    assert ids and token not in ids
