"""A run that crashes part-way leaves the published snapshot, the app state and the stages
it did not finish as they were; the run log says where it stopped and --resume goes on."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from famlink import pipeline, run_log
from famlink.cli.run_cmds import _run_once
from famlink.engine import connect, transaction
from famlink.link.decisions import current_decisions, project_state, record_decision
from famlink.pipeline import Stage, StageResult
from famlink.project import Project
from famlink.snapshot import current_snapshot, publish


def _crash_in_households(project: Project, con: duckdb.DuckDBPyConnection,
                         progress: pipeline.Progress) -> StageResult:
    with transaction(con):
        con.execute("DELETE FROM households")
        raise RuntimeError("disk full while writing households")


def _rows(path: Path, table: str) -> list[tuple]:
    con = connect(path, read_only=True)
    try:
        return con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
    finally:
        con.close()


def test_a_crash_leaves_snapshot_and_state_intact_and_resume_finishes(
        town_copy: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    record_decision(project_state(town_copy), "a:1", "b:2", "must_not_link", "tester", "twins")
    published = publish(town_copy)
    households = _rows(town_copy.warehouse_path, "households")
    real = pipeline.STAGES["households"]
    monkeypatch.setitem(pipeline.STAGES, "households",
                        Stage("households", real.reads, real.writes, _crash_in_households))

    with pytest.raises(RuntimeError, match="disk full"):
        _run_once(town_copy, None, full=False, resume=False)

    assert current_snapshot(town_copy) == published
    assert _rows(town_copy.warehouse_path, "households") == households
    assert [d.reason for d in current_decisions(project_state(town_copy))] == ["twins"]
    con = connect(town_copy.warehouse_path, read_only=True)
    try:
        last = run_log.recent(con, 1)
    finally:
        con.close()
    assert [(r.stage, r.status) for r in last] == [
        ("ingest", "ok"), ("standardise", "ok"), ("link", "ok"), ("households", "crashed")]
    assert "disk full" in last[-1].problem

    monkeypatch.setitem(pipeline.STAGES, "households", real)
    assert _run_once(town_copy, None, full=False, resume=True)
    con = connect(town_copy.warehouse_path, read_only=True)
    try:
        resumed = run_log.recent(con, 1)
        assert run_log.resume_from(con, pipeline.stage_names()) == []
    finally:
        con.close()
    assert [r.stage for r in resumed] == [*pipeline.stage_names()[3:], "publish"]
    assert all(r.status == "ok" for r in resumed)
    assert resumed[-1].counts["snapshot MB"] > 0
    assert current_snapshot(town_copy) != published
