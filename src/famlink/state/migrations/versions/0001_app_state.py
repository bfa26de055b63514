"""App state: users, sessions, login attempts, notes, alert acknowledgements, the audit log,
and the match decisions the link stage applies.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _match_decisions() -> None:
    """Created here unless ``famlink decide`` made it before the web app's first start."""
    if sa.inspect(op.get_bind()).has_table("match_decisions"):
        return
    op.create_table(
        "match_decisions",
        sa.Column("decision_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id_l", sa.String(200), nullable=False, index=True),
        sa.Column("record_id_r", sa.String(200), nullable=False, index=True),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("decided_at", sa.DateTime, nullable=False),
        sa.Column("reason", sa.String(2000), nullable=False),
    )


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("user_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(200), nullable=False, unique=True),
        sa.Column("role", sa.String(100), nullable=False),
        sa.Column("scope_value", sa.String(200)),
        sa.Column("password_hash", sa.String(500), nullable=False),
        sa.Column("is_active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("password_set_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("session_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.user_id"), nullable=False,
                  index=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime),
    )
    op.create_table(
        "login_attempts",
        sa.Column("attempt_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(200), nullable=False, index=True),
        sa.Column("client", sa.String(100), nullable=False, index=True),
        sa.Column("attempted_at", sa.DateTime, nullable=False, index=True),
        sa.Column("is_success", sa.Boolean, nullable=False),
    )
    op.create_table(
        "notes",
        sa.Column("note_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subject_kind", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.String(100), nullable=False, index=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("author_role", sa.String(100), nullable=False),
        sa.Column("visible_to", sa.String(1000), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "alert_acks",
        sa.Column("ack_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.String(100), nullable=False, index=True),
        sa.Column("username", sa.String(200), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.DateTime, nullable=False, index=True),
        sa.Column("username", sa.String(200), nullable=False),
        sa.Column("role", sa.String(100), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("subject_kind", sa.String(20)),
        sa.Column("subject_id", sa.String(200), index=True),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
    )
    _match_decisions()


def downgrade() -> None:
    for table in ("audit_log", "alert_acks", "notes", "login_attempts", "sessions", "users"):
        op.drop_table(table)
