"""One small seeded town, generated and run through the whole pipeline once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from famlink.engine import connect
from famlink.pipeline import run_stages
from famlink.project import Project, load_project
from famlink.snapshot import publish
from famlink.synthetic.town import generate_town

PEOPLE, SEED = 1500, 11


def _quiet(what: str, done: int, total: int) -> None:
    pass


@pytest.fixture(scope="session")
def town_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("town") / "town"
    generate_town(out, people=PEOPLE, seed=SEED)
    return out


@pytest.fixture(scope="session")
def linked_town(town_dir: Path) -> Project:
    project = load_project(town_dir)
    con = connect(project.warehouse_path)
    try:
        run_stages(project, con, None, _quiet)
    finally:
        con.close()
    return project


@pytest.fixture
def town_copy(linked_town: Project, tmp_path: Path) -> Project:
    """A private copy of the linked town, for tests that change it."""
    target = tmp_path / "town"
    shutil.copytree(linked_town.root, target)
    return load_project(target)


@pytest.fixture(scope="session")
def published_town(linked_town: Project, tmp_path_factory) -> Project:
    """A copy of the linked town with its snapshot published (serving tables built)."""
    target = tmp_path_factory.mktemp("published") / "town"
    shutil.copytree(linked_town.root, target)
    project = load_project(target)
    publish(project)
    return project
