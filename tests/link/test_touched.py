"""Clustering only the components a change touches gives what clustering everything gives:
on random records (any seeds, the rest of the graph left as it was clustered), and on a town
whose new deliveries are linked with human decisions in force, table for table against the
same run clustering every profile."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from famlink.engine import connect
from famlink.ingest import deliveries
from famlink.link import stage
from famlink.link.clusters import cluster_columns
from famlink.link.decisions import project_state, record_decision
from famlink.link.incremental import BATCHES_TABLE
from famlink.link.record_columns import GROUPS_VIEW_SQL, RecordColumns
from famlink.link.touched import records_sql, touched_mask
from famlink.pipeline import StageResult, run_stages
from famlink.project import Project, load_project
from famlink.synthetic.town import generate_town

from .test_cluster_equivalence import _random_case


def _labels(records, edges, params, only: np.ndarray | None = None) -> dict[str, str]:
    """Record -> cluster, clustering all records or only the indices in ``only``."""
    if only is not None:
        records = [records[i] for i in only]
    cols = RecordColumns.from_records(records)
    weight = np.array([e[0] for e in edges], np.float64)
    left, right = (cols.indices(pa.array([e[k] for e in edges], pa.string())) for k in (1, 2))
    must = tuple(cols.indices(pa.array([m[k] for m in params["must_link"]], pa.string()))
                 for k in (0, 1))
    labels = cluster_columns(cols, weight, left, right, params["threshold"],
                             (must[0], must[1]), params["margin"], params["weak_threshold"],
                             params["dob_years"])
    ids = cols.ids.to_pylist()
    return {ids[i]: ids[j] for i, j in enumerate(labels)}


@pytest.mark.parametrize("seed", range(150))
def test_touched_components_cluster_as_everything_does(seed: int) -> None:
    records, edges, params = _random_case(seed)
    everything = _labels(records, edges, params)
    rng = random.Random(seed)
    ids = [r.record_id for r in records]
    index = {rid: i for i, rid in enumerate(ids)}
    links = [(index[a], index[b]) for _, a, b in edges if a in index and b in index]
    links += [(index[a], index[b]) for a, b in params["must_link"]
              if a in index and b in index]
    named_at: dict[str, list[int]] = {}  # namesakes: connected as by a pair
    for i, r in enumerate(records):
        for code in r.names:
            named_at.setdefault(code, []).append(i)
    links += [(i, j) for i, r in enumerate(records) if not r.strong
              for code in r.names for j in named_at[code] if j != i]
    seeds = np.array(rng.sample(range(len(ids)), rng.randrange(1, 4)), np.int64)
    mask = touched_mask(len(ids), np.array([x for x, _ in links], np.int64),
                        np.array([y for _, y in links], np.int64), seeds)
    assert mask[seeds].all()
    part = _labels(records, edges, params, np.flatnonzero(mask))
    assert part == {rid: label for rid, label in everything.items() if rid in part}
    # nothing outside the touched components is joined to anything inside them
    assert not {everything[ids[i]] for i in np.flatnonzero(~mask)} & set(part.values())


def _quiet(what: str, done: int, total: int) -> None:
    pass


def _link(project: Project, stages: list[str]) -> list[StageResult]:
    con = connect(project.warehouse_path)
    try:
        return run_stages(project, con, stages, _quiet)
    finally:
        con.close()


def _decide(project: Project) -> None:
    """Must-link good pairs below the bar, must-not-link the best pairs above it."""
    con = connect(project.warehouse_path, read_only=True)
    try:
        low = con.execute("SELECT record_id_l, record_id_r FROM match_pairs WHERE match_weight "
                          "BETWEEN 0 AND 6 ORDER BY match_weight DESC, record_id_l LIMIT 4"
                          ).fetchall()
        high = con.execute("SELECT record_id_l, record_id_r FROM match_pairs ORDER BY "
                           "match_weight DESC, record_id_l LIMIT 4").fetchall()
    finally:
        con.close()
    state = project_state(project)
    for (left, right), decision in [*((p, "must_link") for p in low),
                                    *((p, "must_not_link") for p in high)]:
        record_decision(state, left, right, decision, "reviewer", "checked by hand")


TABLES = {
    "person_membership": "SELECT record_id, person_id, feed, profile_id FROM person_membership",
    "persons": "SELECT * FROM persons",
    "match_pairs": "SELECT * FROM match_pairs",
    "review_queue": "SELECT * FROM review_queue",
    "id events": "SELECT event, person_id, other_person_id, records FROM person_id_history "
                 "WHERE run_id = (SELECT max(run_id) FROM person_id_history)",
    "link_profiles": "SELECT * FROM link_profiles",
    "name_only_joins": "SELECT * FROM name_only_joins",
}


def _tables(project: Project) -> dict[str, list[tuple]]:
    con = connect(project.warehouse_path, read_only=True)
    try:
        return {name: sorted(con.execute(sql).fetchall(), key=repr)
                for name, sql in TABLES.items()}
    finally:
        con.close()


def _redeliver(folder: Path) -> None:
    """Some liabilities sent again, corrected: two of them with their names swapped."""
    [loaded] = folder.glob("*.parquet")  # the file of the first run
    rows = pq.read_table(loaded).slice(0, 6)
    names = rows.column("party_name").to_pylist()
    names[0], names[1] = names[1], names[0]
    rows = rows.set_column(rows.schema.get_field_index("party_name"), "party_name",
                           pa.array(names, rows.schema.field("party_name").type))
    pq.write_table(rows, folder / "corrections.parquet")


@pytest.fixture(scope="module")
def linked_twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Project, list]:
    """A town linked, decisions made, its held-back days delivered; then the same run made
    clustering part (``part``) and clustering everything (``whole``)."""
    root = tmp_path_factory.mktemp("touched") / "part"
    generate_town(root, people=1200, seed=31, daily_days=30)
    part = load_project(root)
    _link(part, ["ingest", "standardise", "link"])
    _decide(part)
    _redeliver(root / "incoming" / "council_tax")
    for day in deliveries.pending(root / "daily"):
        assert deliveries.take(part, day)
    shutil.copytree(root, root.with_name("whole"))
    whole = load_project(root.with_name("whole"))
    con = connect(whole.warehouse_path)
    try:  # without the batches linked, an incremental run clusters every profile
        con.execute(f"DROP TABLE {BATCHES_TABLE}")
    finally:
        con.close()
    notes = []
    for project in (part, whole):
        results = _link(project, ["ingest", "standardise", "link"])
        notes.append([str(d) for r in results for d in r.details if r.stage == "link"])
    return part, whole, notes


def test_the_run_clusters_part_of_the_town(linked_twice) -> None:
    _, _, (part_notes, whole_notes) = linked_twice
    assert any("incremental:" in n for n in part_notes)
    assert any("clustered again: only" in n for n in part_notes), part_notes
    assert any("clustered again: every profile" in n for n in whole_notes), whole_notes


def test_the_corrected_records_replace_their_earlier_rows(linked_twice) -> None:
    part, _, _ = linked_twice
    con = connect(part.warehouse_path, read_only=True)
    try:
        corrected = con.execute(
            "SELECT count(*) FROM person_records WHERE load_batch_id IN (SELECT load_batch_id "
            "FROM load_batches WHERE file_path LIKE '%corrections.parquet')").fetchall()
    finally:
        con.close()
    assert corrected == [(6,)]


def test_part_and_whole_clustering_write_the_same_tables(linked_twice) -> None:
    part, whole, _ = linked_twice
    got, want = _tables(part), _tables(whole)
    assert len(want["id events"]) > 0 and len(want["persons"]) > 1000
    for name in TABLES:
        assert got[name] == want[name], name


def test_the_touched_profiles_records_are_those_of_the_whole_query(linked_twice) -> None:
    part, _, _ = linked_twice
    con = connect(part.warehouse_path)
    try:
        con.execute(stage.LINK_RECORDS_SQL)
        con.execute("CREATE TEMP TABLE _tmp_link_decision_groups (record_id VARCHAR, "
                    "group_key VARCHAR)")
        con.execute(GROUPS_VIEW_SQL)
        con.execute("CREATE TEMP TABLE _tmp_link_touched AS SELECT DISTINCT profile_id "
                    "FROM _tmp_link_records WHERE hash(profile_id) % 5 = 0")
        picked = con.execute(records_sql(stage.RECORDS_SQL)).fetchall()
        whole = con.execute(stage.RECORDS_SQL).fetchall()
        wanted = {r[0] for r in con.execute("SELECT profile_id FROM _tmp_link_touched")
                  .fetchall()}
    finally:
        con.close()
    assert len(picked) == len(wanted) > 50
    assert picked == [r for r in whole if r[0] in wanted]
    assert records_sql("SELECT 'x' AS record_id").startswith("SELECT * FROM (SELECT 'x'")
