"""Publishing: readers see only finished runs, and a failed run leaves the last one serving."""

from __future__ import annotations

import datetime as dt

import pytest

from famlink.engine import connect, scalar
from famlink.errors import FamlinkError
from famlink.project import Project
from famlink.snapshot import KEEP, current_snapshot, open_snapshot, publish, snapshots_dir


def test_nothing_published_is_a_clear_error(town_copy: Project) -> None:
    assert current_snapshot(town_copy) is None
    with pytest.raises(FamlinkError, match="nothing published"):
        open_snapshot(town_copy)


def test_publish_switches_current_and_later_writes_stay_invisible(town_copy: Project) -> None:
    first = publish(town_copy, now=dt.datetime(2026, 1, 1, 9))
    assert current_snapshot(town_copy) == first
    persons = _count(town_copy, "persons")
    assert persons > 0
    con = connect(town_copy.warehouse_path)
    try:  # a run in progress changes the warehouse...
        con.execute("DELETE FROM persons")
    finally:
        con.close()
    assert _count(town_copy, "persons") == persons  # ...but readers still see the last run
    second = publish(town_copy, now=dt.datetime(2026, 1, 2, 9))
    assert current_snapshot(town_copy) == second
    assert _count(town_copy, "persons") == 0


def test_old_snapshots_are_pruned(town_copy: Project) -> None:
    made = [publish(town_copy, now=dt.datetime(2026, 1, day)) for day in range(1, 6)]
    kept = sorted(p.name for p in snapshots_dir(town_copy).glob("warehouse-*.duckdb"))
    assert kept == [p.name for p in made[-KEEP:]]
    assert current_snapshot(town_copy) == made[-1]


def _count(project: Project, table: str) -> int:
    con = open_snapshot(project)
    try:
        return int(scalar(con, f"SELECT count(*) FROM {table}"))
    finally:
        con.close()
