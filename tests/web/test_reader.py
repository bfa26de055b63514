"""The app reads only the published snapshot, and moves to a new one as soon as a run
publishes it (requests already running keep their cursor)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from famlink.errors import FamlinkError
from famlink.project import load_project
from famlink.snapshot import publish
from famlink.web.reader import SnapshotReader


def test_the_reader_follows_current(web_town, tmp_path: Path):
    copy = tmp_path / "town"
    shutil.copytree(web_town.root, copy, ignore=shutil.ignore_patterns("state"))
    project = load_project(copy)
    reader = SnapshotReader(project)
    first, cursor = reader.cursor()
    before = cursor.execute("SELECT count(*) FROM persons").fetchall()[0][0]
    second_path = publish(project)
    second, cursor2 = reader.cursor()
    assert first != second == second_path
    assert cursor.execute("SELECT count(*) FROM persons").fetchall()[0][0] == before
    assert cursor2.execute("SELECT count(*) FROM persons").fetchall()[0][0] == before
    reader.close()


def test_nothing_published_is_a_clear_error(tmp_path: Path, web_town):
    copy = tmp_path / "town"
    shutil.copytree(web_town.root, copy, ignore=shutil.ignore_patterns("state", "snapshots"))
    with pytest.raises(FamlinkError, match="nothing published"):
        SnapshotReader(load_project(copy)).cursor()


def test_pages_before_anything_is_published_say_so(tmp_path: Path, web_town, schools):
    from tests.web.conftest import new_app, sign_in

    copy = tmp_path / "town"
    shutil.copytree(web_town.root, copy, ignore=shutil.ignore_patterns("state", "snapshots"))
    app = new_app(load_project(copy), f"sqlite:///{tmp_path / 's.sqlite'}", schools.mine,
                  schools.other)
    with sign_in(app, "data_team") as team:
        page = team.get("/search", params={"name": "smith"})
        assert page.status_code == 503 and "famlink run" in page.text
