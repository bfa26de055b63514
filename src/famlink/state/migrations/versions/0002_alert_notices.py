"""E-mail addresses for users, and the record of which alerts each notice told them about.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("email", sa.String(320), nullable=True))
    op.create_table(
        "alert_notices",
        sa.Column("notice_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(200), nullable=False, index=True),
        sa.Column("alert_id", sa.String(100), nullable=False, index=True),
        sa.Column("sent_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("alert_notices")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email")
