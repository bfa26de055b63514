from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from famlink.state.db import open_app_state
from tests.state.databases import KINDS, database_url


@pytest.fixture(params=KINDS)
def state_url(request, tmp_path) -> Iterator[str]:
    yield from database_url(request.param, tmp_path)


@pytest.fixture
def state(state_url) -> Iterator[Engine]:
    engine = open_app_state(state_url)
    yield engine
    engine.dispose()
