"""App-state databases for tests: SQLite in a temporary folder, and PostgreSQL (when
FAMLINK_TEST_POSTGRES_URL is set) in a fresh schema per test, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

POSTGRES = os.environ.get("FAMLINK_TEST_POSTGRES_URL")
KINDS = ["sqlite", "postgres"]


def database_url(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'state.sqlite'}"
        return
    if not POSTGRES:
        pytest.skip("PostgreSQL tests need FAMLINK_TEST_POSTGRES_URL (CI sets it)")
    admin = sa.create_engine(POSTGRES.replace("postgresql://", "postgresql+psycopg://", 1))
    schema = f"famlink_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    joiner = "&" if "?" in POSTGRES else "?"
    try:
        yield f"{POSTGRES}{joiner}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
