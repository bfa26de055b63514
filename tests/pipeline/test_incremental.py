"""Incremental runs: three weekly deliveries linked one by one give the same persons as one
rebuild of everything with the same model, and person IDs stay stable along the way."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from famlink.engine import connect
from famlink.ingest import deliveries
from famlink.link.incremental import forget_state
from famlink.pipeline import StageResult, run_stages
from famlink.project import Project, load_project
from famlink.standardise import incremental as standardise_increment
from famlink.synthetic.town import generate_town

LINKING = ["ingest", "standardise", "link"]


def _quiet(what: str, done: int, total: int) -> None:
    pass


def _run(project: Project, stages: list[str] = LINKING) -> list[StageResult]:
    con = connect(project.warehouse_path)
    try:
        return run_stages(project, con, stages, _quiet)
    finally:
        con.close()


def _membership(project: Project) -> dict[str, str]:
    con = connect(project.warehouse_path, read_only=True)
    try:
        return dict(con.execute("SELECT record_id, person_id FROM person_membership").fetchall())
    finally:
        con.close()


def _weekly(daily: Path, into: Path) -> list[Path]:
    """The daily deliveries regrouped into three weekly ones (fewer runs, same records)."""
    days = deliveries.pending(daily)
    weeks = [days[i::3] for i in range(3)]
    out = []
    for n, week in enumerate(weeks, 1):
        target = into / f"week-{n}"
        for day in week:
            for feed_dir in day.iterdir():
                (target / feed_dir.name).mkdir(parents=True, exist_ok=True)
                for f in feed_dir.iterdir():
                    shutil.move(f, target / feed_dir.name / f.name)
        out.append(target)
    return out


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, list[dict[str, str]], list]:
    root = tmp_path_factory.mktemp("incremental") / "town"
    generate_town(root, people=1500, seed=23, daily_days=45)
    weekly = _weekly(root / "daily", tmp_path_factory.mktemp("drops"))
    project = load_project(root)
    _run(project)
    states, notes = [_membership(project)], []
    for delivery in weekly:
        assert deliveries.take(project, delivery)
        results = _run(project)
        notes.append([d for r in results for d in r.details])
        states.append(_membership(project))
    return project, states, notes


def test_each_delivery_is_linked_incrementally(week) -> None:
    _, states, notes = week
    for before, after, note in zip(states, states[1:], notes, strict=False):
        new_records = set(after) - set(before)
        assert new_records, "every weekly delivery brings new records"
        assert sum("incremental:" in str(n) for n in note) == 2, note  # standardise, link


def test_ids_are_stable_across_the_deliveries(week) -> None:
    _, states, _ = week
    for before, after in itertools.pairwise(states):
        kept = sum(after[r] == p for r, p in before.items())
        assert kept / len(before) > 0.999  # only merges/splits caused by new evidence move


def test_incremental_equals_a_rebuild_with_the_same_model(week, tmp_path: Path) -> None:
    project, states, _ = week
    copy = tmp_path / "rebuild"
    shutil.copytree(project.root, copy)
    first_model = sorted((copy / "models").glob("link-*.json"))[0]
    (copy / "matching.yaml").write_text(f"model: models/{first_model.name}\n")
    rebuilt = load_project(copy)
    con = connect(rebuilt.warehouse_path)
    try:
        forget_state(con)
        con.execute("DROP TABLE person_membership")  # no memory of earlier IDs either
    finally:
        con.close()
    [result] = _run(rebuilt, ["link"])
    assert "full run" in str(result.details)
    incremental, rebuild = states[-1], _membership(rebuilt)
    assert set(incremental) == set(rebuild)
    assert _partition(incremental) == _partition(rebuild)


def test_standardising_each_delivery_equals_standardising_everything(week,
                                                                      tmp_path: Path) -> None:
    project, _, _ = week
    copy = tmp_path / "restandardise"
    shutil.copytree(project.root, copy)
    rebuilt = load_project(copy)
    con = connect(rebuilt.warehouse_path)
    try:
        standardise_increment.forget_state(con)
    finally:
        con.close()
    [result] = _run(rebuilt, ["standardise"])
    assert result.details[0].startswith("full run")
    assert _standardised(rebuilt) == _standardised(project)


def _standardised(project: Project) -> dict[str, str]:
    """A digest of each standardised table's rows, in any order."""
    tables = {"person_records": "person_records", "events": "events",
              "record_groups": "record_groups",
              "addresses": "(SELECT address_key, uprn, n_records, feeds FROM addresses)",
              "address_matches": "(SELECT * EXCLUDE (address_id) FROM address_matches)"}
    con = connect(project.warehouse_path, read_only=True)
    try:
        return {name: str(con.execute(f"SELECT count(*), bit_xor(hash(t)) FROM {sql} t"
                                      ).fetchall()) for name, sql in tables.items()}
    finally:
        con.close()


def _partition(membership: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for record, person in membership.items():
        groups.setdefault(person, set()).add(record)
    return {frozenset(g) for g in groups.values()}
