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


def _merged_or_split(project: Project) -> set[str]:
    """The person IDs in a merge or split logged by the latest link run."""
    con = connect(project.warehouse_path, read_only=True)
    try:
        rows = con.execute("SELECT person_id, other_person_id FROM person_id_history WHERE "
                           "event IN ('merged', 'split') AND run_id = (SELECT max(run_id) "
                           "FROM link_runs)").fetchall()
    finally:
        con.close()
    return {p for row in rows for p in row if p}


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
def week(tmp_path_factory: pytest.TempPathFactory
         ) -> tuple[Project, list[dict[str, str]], list, list[set[str]]]:
    root = tmp_path_factory.mktemp("incremental") / "town"
    generate_town(root, people=1500, seed=23, daily_days=45)
    weekly = _weekly(root / "daily", tmp_path_factory.mktemp("drops"))
    project = load_project(root)
    _run(project)
    states, notes, changes = [_membership(project)], [], []
    for delivery in weekly:
        assert deliveries.take(project, delivery)
        results = _run(project)
        notes.append([d for r in results for d in r.details])
        states.append(_membership(project))
        changes.append(_merged_or_split(project))
    return project, states, notes, changes


def test_each_delivery_is_linked_incrementally(week) -> None:
    _, states, notes, _ = week
    for before, after, note in zip(states, states[1:], notes, strict=False):
        new_records = set(after) - set(before)
        assert new_records, "every weekly delivery brings new records"
        assert sum("incremental:" in str(n) for n in note) == 2, note  # standardise, link


def test_ids_are_stable_across_the_deliveries(week) -> None:
    _, states, _, changes = week
    for (before, after), changed in zip(itertools.pairwise(states), changes, strict=True):
        moved = {r: (p, after[r]) for r, p in before.items() if after[r] != p}
        assert len(moved) / len(before) < 0.01
        # a record changes ID only with a merge or split of its person, logged in the run
        assert all(old in changed or new in changed for old, new in moved.values()), moved


def test_incremental_equals_a_rebuild_with_the_same_model(week, tmp_path: Path) -> None:
    project, states, _, _ = week
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
    project, _, _, _ = week
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
