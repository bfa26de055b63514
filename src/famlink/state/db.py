"""Opening the state database and bringing it to the newest migration."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event

from famlink.link.decisions import state_url
from famlink.project import Project

MIGRATIONS = Path(__file__).parent / "migrations"
_lock = threading.Lock()


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (the driver famlink installs)."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL (readers never wait for the writer) with synchronous=NORMAL: a commit is safe from
    a crash of the app at once and from a power cut at the next checkpoint, and costs no
    fsync of its own (so the audit entry every page writes is cheap)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def upgrade(engine: Engine) -> str:
    """Apply every migration not yet applied; returns the revision now in force."""
    config = _config()
    with _lock, engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return current_revision(engine) or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head() or ""


def open_app_state(url: str) -> Engine:
    """The state database at ``url``, migrated to head."""
    engine = make_engine(url)
    upgrade(engine)
    return engine


def project_app_state(project: Project) -> Engine:
    return open_app_state(state_url(project.root, project.settings.state_url))
