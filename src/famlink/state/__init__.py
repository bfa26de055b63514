"""The app's own state (users, sessions, notes, match decisions, alert acknowledgements, the
audit log) in a SQL database through SQLAlchemy, kept up to date by Alembic migrations.

SQLite in the project folder by default (``state/famlink.sqlite``), PostgreSQL (or any
SQLAlchemy URL) by ``state_url`` in famlink.yaml. ``open_app_state`` applies the migrations
before returning the engine, so a fresh or an older database is always brought to head.
"""
