"""The array-based clustering gives the same labels as the object-per-record reference
(``reference_clusters``), on random records and on the real scored pairs of a small town."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from famlink.engine import arrow_table, connect
from famlink.link import stage
from famlink.link.clusters import Record, cluster
from famlink.link.settings import load_matching
from famlink.link.stable_ids import assign_person_ids
from famlink.pipeline import run_stages
from famlink.project import load_project
from famlink.synthetic.town import generate_town

from . import reference_clusters as ref

KINDS = ("nhs_number", "upn", "ni_number")


def _random_case(seed: int) -> tuple[list[Record], list[tuple[float, str, str]], dict]:
    rng = random.Random(seed)
    ids = [f"r{rng.randrange(10**6):06d}" for _ in range(rng.randrange(5, 60))]
    ids = list(dict.fromkeys(ids))
    rng.shuffle(ids)  # input order is not record-id order
    base = dt.date(1990, 1, 1)
    records = [Record(
        rid, rng.random() < 0.5,
        {k: rng.choice(["1", "2", ""]) for k in KINDS if rng.random() < 0.3},
        rng.choice([None, base, base + dt.timedelta(days=400), dt.date(2012, 1, 1),
                    dt.date(1990, 3, 5), dt.date(1990, 5, 3)]),
        rng.choice([None, None, "JR", "SR", "III"]),
        tuple(rng.sample(["g1", "g2", "g3", "decision:0"], rng.randrange(3)) if
              rng.random() < 0.3 else ()),
        rng.choice([None, None, dt.date(1995, 1, 1), dt.date(1970, 1, 1)]),
        tuple(rng.sample(["nhs:1|A", "nhs:2|A", "ni:1|B"], rng.randrange(3))
              if rng.random() < 0.3 else ()),
        tuple(rng.sample(["F:JOHN SMITH@A1", "I:J SMITH@A1", "I:J SMITH@B2"], rng.randrange(3))
              if rng.random() < 0.5 else ()),
        rng.choice([None, None, None, dt.date(1989, 6, 1), dt.date(2005, 1, 1)]))
        for rid in ids]
    names = [*ids, "unknown"]
    edges = [(float(rng.choice([2, 4, 5, 6, 6, 8, 9.5, 12])), rng.choice(names),
              rng.choice(names)) for _ in range(rng.randrange(len(ids) * 3))]
    params = {"threshold": rng.choice([5.0, 6.0, 8.0]),
              "must_link": [(rng.choice(names), rng.choice(names)) for _ in range(2)],
              "margin": rng.choice([0.0, 1.0, 2.0]),
              "weak_threshold": rng.choice([None, 3.0, 9.0]),
              "dob_years": rng.choice([None, 2.0])}
    return records, edges, params


def _ref_records(records: list[Record]) -> list[ref.Record]:
    return [ref.Record(**dataclasses.asdict(r)) for r in records]


@pytest.mark.parametrize("seed", range(200))
def test_random_records_get_the_reference_labels(seed: int) -> None:
    records, edges, params = _random_case(seed)
    expected = ref.cluster(_ref_records(records), edges, **params)
    assert cluster(records, edges, **params) == expected
    assert cluster(records, list(reversed(edges)), **params) == expected


def _quiet(what: str, done: int, total: int) -> None:
    pass


@pytest.fixture(scope="module")
def town_con(tmp_path_factory: pytest.TempPathFactory,
             ) -> Iterator[tuple[Path, duckdb.DuckDBPyConnection]]:
    root = tmp_path_factory.mktemp("cluster-town") / "town"
    generate_town(root, people=1200, seed=5)
    project = load_project(root)
    con = connect(project.warehouse_path)
    run_stages(project, con, ["ingest", "standardise", "link"], _quiet)
    con.execute(stage.LINK_RECORDS_SQL)
    yield root, con
    con.close()


def _reference_labels(con: duckdb.DuckDBPyConnection, config, must, must_not) -> dict[str, str]:
    """Profile labels as the link stage computed them before (its old ``_records``)."""
    extra: dict[str, list[str]] = {}
    for i, (left, right) in enumerate(must_not):
        extra.setdefault(left, []).append(f"decision:{i}")
        extra.setdefault(right, []).append(f"decision:{i}")
    stage._record_columns(con, [])  # leaves no decision groups in the records' SQL
    records = []
    for rid, nhs, upn, ni, dob, gen, latest, earliest, strong, groups, keys, names in \
            con.execute(stage.RECORDS_SQL).fetchall():
        ids = {k: v for k, v in zip(KINDS, (nhs, upn, ni), strict=True) if v}
        records.append(ref.Record(rid, bool(strong), ids, dob, gen,
                                  (*groups, *extra.get(rid, [])), latest, tuple(keys),
                                  tuple(names), earliest))
    pairs = arrow_table(con, "SELECT * FROM match_pairs")
    t = config.thresholds
    usable = pairs.filter(stage._clusterable(pairs, t, config.constraints.forenames_must_agree))
    edges = zip(usable.column("match_weight").to_pylist(),
                usable.column("record_id_l").to_pylist(),
                usable.column("record_id_r").to_pylist(), strict=True)
    return ref.cluster(records, edges, t.link, must, t.weak_margin, t.weak_link,
                       config.constraints.dob_years_apart)


def _decisions(con: duckdb.DuckDBPyConnection) -> tuple[list, list]:
    """Must-link the best pairs below the bar, must-not-link the best pairs above it."""
    low = con.execute("SELECT record_id_l, record_id_r FROM match_pairs WHERE match_weight "
                      "BETWEEN 0 AND 6 ORDER BY match_weight DESC, record_id_l LIMIT 5").fetchall()
    high = con.execute("SELECT record_id_l, record_id_r FROM match_pairs ORDER BY "
                       "match_weight DESC, record_id_l LIMIT 5").fetchall()
    return low, high


@pytest.mark.parametrize("variant", ["as configured", "with decisions", "loose"])
def test_town_pairs_get_the_reference_labels(town_con, variant: str) -> None:
    root, con = town_con
    config = load_matching(root)
    must, must_not = _decisions(con) if variant == "with decisions" else ([], [])
    if variant == "loose":  # more weak attachments and ties: no margin, a lower bar
        thresholds = config.thresholds.model_copy(
            update={"weak_margin": 0.0, "weak_link": config.thresholds.weak_link - 4})
        config = config.model_copy(update={"thresholds": thresholds})
    expected = _reference_labels(con, config, must, must_not)
    pairs = arrow_table(con, "SELECT * FROM match_pairs")
    stage._cluster_profiles(con, pairs, config, must, must_not)
    got = dict(con.execute("SELECT profile_id, cluster FROM _tmp_link_labels").fetchall())
    assert got == expected
    merged = sum(k != v for k, v in got.items())
    assert merged > 100  # the town's pairs really merge records

    # stable IDs from counts per cluster, against the per-record reference (with the
    # previous run's membership as the previous IDs)
    record_labels = {rid: expected[p] for rid, p in con.execute(
        "SELECT record_id, profile_id FROM _tmp_link_records").fetchall()}
    previous = dict(con.execute("SELECT record_id, person_id FROM person_membership").fetchall())
    want_ids, want_events = assign_person_ids(record_labels, previous)
    events = stage._person_ids(con)
    cluster_ids = dict(con.execute("SELECT cluster, id FROM _tmp_link_ids").fetchall())
    assert events == want_events
    assert {rid: cluster_ids[c] for rid, c in record_labels.items()} == want_ids
