"""Taking a delivery: files go to their feeds' folders, and a bad delivery moves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from famlink.errors import FamlinkError
from famlink.ingest import deliveries
from tests.ingest.conftest import PEOPLE_FEED, ProjectMaker


def _drop(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def project(maker: ProjectMaker):
    maker.feed("health_ed", PEOPLE_FEED.replace("incoming/people/*.csv",
                                                "incoming/health_ed/ecds_*.csv")
               % {"encoding": "utf-8"})
    maker.file("incoming/health_ed/ecds_2023-2026.csv", "ID\n")
    return maker.load()


def test_files_move_to_their_feed_folders_in_name_order(project, tmp_path: Path) -> None:
    drops = tmp_path / "drops"
    _drop(drops / "2026-08-02", {"people/p-2026-08-02.csv": "ID\n"})
    _drop(drops / "2026-08-01", {"health_ed/ecds_2026-08-01.csv": "a\n",
                                 "people/p-2026-08-01.csv": "ID\n"})
    first, second = deliveries.pending(drops)
    assert first.name == "2026-08-01"
    moved = deliveries.take(project, first)
    incoming = project.root / "incoming"
    assert sorted(moved) == sorted([incoming / "health_ed/ecds_2026-08-01.csv",
                                    incoming / "people/p-2026-08-01.csv"])
    assert all(p.exists() for p in moved)
    assert not first.exists()
    assert deliveries.pending(drops) == [second]


@pytest.mark.parametrize(("files", "message"), [
    ({"no_such_feed/x.csv": "a\n"}, "no feed called 'no_such_feed'"),
    ({"stray.csv": "a\n", "health_ed/ecds_x.csv": "a\n"}, "files outside a feed folder"),
    ({"health_ed/attendances.csv": "a\n"}, "does not match"),
    ({"health_ed/ecds_2023-2026.csv": "a\n"}, "already exists"),
])
def test_a_bad_delivery_names_the_file_and_moves_nothing(project, tmp_path: Path,
                                                          files: dict[str, str],
                                                          message: str) -> None:
    delivery = _drop(tmp_path / "drops" / "2026-08-01",
                     {"health_ed/ecds_2026-08-01.csv": "a\n", **files})
    before_drop, before_incoming = _snapshot(delivery), _snapshot(project.root / "incoming")
    with pytest.raises(FamlinkError, match=message):
        deliveries.take(project, delivery)
    assert _snapshot(delivery) == before_drop
    assert _snapshot(project.root / "incoming") == before_incoming
