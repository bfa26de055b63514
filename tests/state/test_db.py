"""Migrations bring a fresh database to head, run again harmlessly, and keep the match
decisions the link stage reads working (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa

from famlink.link.decisions import current_decisions, open_state, record_decision
from famlink.state.db import current_revision, head_revision, open_app_state, upgrade

TABLES = {"users", "sessions", "login_attempts", "notes", "alert_acks", "alert_notices",
          "audit_log", "match_decisions", "alembic_version"}


def test_migrations_create_every_table(state):
    assert set(sa.inspect(state).get_table_names()) >= TABLES
    assert current_revision(state) == head_revision() == "0002"


def test_upgrading_again_changes_nothing(state):
    record_decision(state, "a:1", "b:2", "must_link", "tester", "same NHS number")
    assert upgrade(state) == head_revision()
    assert [d.decision for d in current_decisions(state)] == ["must_link"]


def test_decisions_made_before_the_web_app_survive_its_first_start(state_url):
    before = open_state(state_url.replace("postgresql://", "postgresql+psycopg://", 1))
    record_decision(before, "a:1", "b:2", "must_not_link", "tester", "twins")
    before.dispose()
    engine = open_app_state(state_url)
    assert [(d.record_id_l, d.decision) for d in current_decisions(engine)] == [
        ("a:1", "must_not_link")]
    assert current_revision(engine) == "0002"
    engine.dispose()


def test_sqlite_state_uses_wal_without_an_fsync_per_commit(tmp_path):
    # a SQLite setting, so this test runs on SQLite alone (not a skip on PostgreSQL)
    state = open_app_state(f"sqlite:///{tmp_path / 'state.sqlite'}")
    try:
        with state.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    finally:
        state.dispose()
