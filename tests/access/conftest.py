"""The app-state database fixtures (SQLite and PostgreSQL), shared with tests/state."""

from tests.state.conftest import state, state_url  # noqa: F401
