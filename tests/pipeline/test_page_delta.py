"""Publishing after a delivery builds again only the pages that can have changed, and the
result is the same as building every page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from famlink.engine import connect
from famlink.ingest import deliveries
from famlink.pipeline import run_stages
from famlink.project import Project, load_project
from famlink.snapshot import current_snapshot, publish
from famlink.synthetic.town import generate_town
from famlink.views.serving import prepare_serving

PAGES = ("serve_person_pages", "serve_family_pages")


def _quiet(what: str, done: int, total: int) -> None:
    pass


def _run(project: Project) -> None:
    con = connect(project.warehouse_path)
    try:
        run_stages(project, con, None, _quiet)
    finally:
        con.close()


def _prepared(project: Project, into: Path, previous: Path | None) -> tuple[dict, dict]:
    """The warehouse copied to ``into`` and prepared; (counts, each page table's rows)."""
    shutil.copyfile(project.warehouse_path, into)
    con = connect(into)
    try:
        built = prepare_serving(con, previous)
        rows = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall()) for t in PAGES}
    finally:
        con.close()
    return built, rows


@pytest.fixture(scope="module")
def delivered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Path]:
    root = tmp_path_factory.mktemp("pages") / "town"
    generate_town(root, people=900, seed=31, daily_days=20)
    project = load_project(root)
    _run(project)
    publish(project)
    previous = current_snapshot(project)
    assert previous is not None
    days = deliveries.pending(root / "daily")
    for day in days[: len(days) // 2]:
        assert deliveries.take(project, day)
    _run(project)
    return project, previous


def test_pages_built_from_the_previous_snapshot_equal_pages_built_afresh(
        delivered: tuple[Project, Path], tmp_path: Path) -> None:
    project, previous = delivered
    reused, reused_rows = _prepared(project, tmp_path / "reused.duckdb", previous)
    fresh, fresh_rows = _prepared(project, tmp_path / "fresh.duckdb", None)
    for table in PAGES:
        assert reused_rows[table] == fresh_rows[table], table
        assert reused[table] == fresh[table] == fresh[f"{table} built"]
        # the delivery touched some pages, not all
        assert 0 < reused[f"{table} built"] < reused[table], (table, reused)


def test_a_previous_snapshot_of_another_shape_means_every_page_is_built(
        delivered: tuple[Project, Path], tmp_path: Path) -> None:
    project, previous = delivered
    old = tmp_path / "old.duckdb"
    shutil.copyfile(previous, old)
    con = connect(old)
    try:
        con.execute("ALTER TABLE families ADD COLUMN note VARCHAR")
    finally:
        con.close()
    built, _ = _prepared(project, tmp_path / "snap.duckdb", old)
    assert built["serve_family_pages built"] == built["serve_family_pages"]
