"""Synthetic towns shared by the tests in this folder (small, so the suite stays fast)."""

from __future__ import annotations

from pathlib import Path

import pytest

from famlink.project import Feed, load_project
from famlink.synthetic.corruption import ErrorRates
from famlink.synthetic.town import TownSummary, generate_town

PEOPLE = 1500
SEED = 7


@pytest.fixture(scope="session")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, TownSummary]:
    out = tmp_path_factory.mktemp("town")
    return out, generate_town(out, people=PEOPLE, seed=SEED)


@pytest.fixture(scope="session")
def clean_town(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, TownSummary]:
    out = tmp_path_factory.mktemp("clean")
    return out, generate_town(out, people=PEOPLE, seed=SEED, errors=ErrorRates(scale=0))


@pytest.fixture(scope="session")
def project_feeds(town: tuple[Path, TownSummary]) -> dict[str, Feed]:
    return load_project(town[0]).feeds
