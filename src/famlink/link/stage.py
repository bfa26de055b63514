"""The link stage: person_records -> match_pairs, persons, person_membership, review_queue.

Steps: prepare the matching columns, train the model on the data (or reuse a saved one),
score blocked pairs, cluster them under the constraints (cannot-link groups, conflicting
identifiers, human decisions), give clusters their stable person IDs, and write the tables.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from famlink.engine import arrow_table, scalar, table_exists, transaction
from famlink.link import model as splink_model
from famlink.link.clusters import Record, cluster
from famlink.link.decisions import current_decisions, state_path
from famlink.link.settings import MatchingConfig, load_matching
from famlink.link.stable_ids import IdEvent, assign_person_ids
from famlink.pipeline import Progress, StageResult
from famlink.project import Project

LINK_INPUT_SQL = """
SELECT record_id, feed, first_name, first_name_canon, first_name_metaphone, first_initial,
       coalesce(is_initial_only, false) AS is_initial_only, surname, surname_metaphone,
       list_distinct(list_concat(coalesce(surname_parts, []),
           coalesce(string_split(former_surname, ' '), []))) AS surname_all,
       strftime(date_of_birth, '%Y-%m-%d') AS dob, sex, postcode, postcode_sector, uprn,
       house_number, address_norm,
       CASE WHEN uprn IS NOT NULL THEN 'U' || uprn
            WHEN postcode IS NOT NULL AND coalesce(house_number, house_name) IS NOT NULL
            THEN concat_ws('|', coalesce(flat, ''), coalesce(house_number, house_name),
                           postcode) END AS dwelling,
       nhs_number, upn, ni_number
FROM person_records ORDER BY record_id
"""
RECORDS_SQL = """
SELECT p.record_id, p.nhs_number, p.upn, p.ni_number, p.date_of_birth, p.generation,
       p.latest_dob,
       (p.nhs_number IS NOT NULL OR p.upn IS NOT NULL OR p.ni_number IS NOT NULL OR
        (NOT coalesce(p.is_initial_only, true) AND p.surname IS NOT NULL
         AND p.date_of_birth IS NOT NULL)) AS strong,
       coalesce((SELECT list(g.group_key ORDER BY g.group_key) FROM record_groups g
                 WHERE g.record_id = p.record_id), []) AS groups
FROM person_records p ORDER BY p.record_id
"""


def _records(con: duckdb.DuckDBPyConnection, must_not: list[tuple[str, str]]) -> list[Record]:
    extra: dict[str, list[str]] = {}
    for i, (left, right) in enumerate(must_not):
        extra.setdefault(left, []).append(f"decision:{i}")
        extra.setdefault(right, []).append(f"decision:{i}")
    out = []
    for rid, nhs, upn, ni, dob, gen, latest, strong, groups in con.execute(RECORDS_SQL).fetchall():
        ids = {k: v for k, v in (("nhs_number", nhs), ("upn", upn), ("ni_number", ni)) if v}
        out.append(Record(rid, bool(strong), ids, dob, gen, (*groups, *extra.get(rid, [])),
                          latest))
    return out


def _previous_membership(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    if not table_exists(con, "person_membership"):
        return {}
    return dict(con.execute("SELECT record_id, person_id FROM person_membership").fetchall())


def _trained_model(project: Project, config: MatchingConfig, records: pa.Table,
                   progress: Progress) -> dict[str, Any]:
    if config.model:
        return json.loads((project.root / config.model).read_text())
    progress("link: training", 0, 1)
    return splink_model.train(records, config)


def _write_membership(con: duckdb.DuckDBPyConnection, ids: dict[str, str]) -> None:
    table = pa.table({"record_id": list(ids), "person_id": list(ids.values())})
    con.register("_tmp_link_ids", table)
    con.execute("CREATE OR REPLACE TABLE person_membership AS SELECT i.record_id, i.person_id, "
                "p.feed FROM _tmp_link_ids i JOIN person_records p USING (record_id) "
                "ORDER BY i.person_id, i.record_id")
    con.unregister("_tmp_link_ids")


PERSONS_SQL = """
CREATE OR REPLACE TABLE persons AS
SELECT m.person_id, count(*) AS n_records, list(DISTINCT m.feed ORDER BY m.feed) AS feeds,
       mode(p.first_name ORDER BY p.first_name) FILTER (WHERE NOT p.is_initial_only) AS first_name,
       mode(p.surname ORDER BY p.surname) AS surname,
       mode(p.date_of_birth ORDER BY p.date_of_birth) AS date_of_birth,
       mode(p.sex ORDER BY p.sex) AS sex,
       min(p.nhs_number) AS nhs_number, min(p.upn) AS upn, min(p.ni_number) AS ni_number
FROM person_membership m JOIN person_records p USING (record_id)
GROUP BY m.person_id ORDER BY m.person_id
"""
REVIEW_SQL = """
CREATE OR REPLACE TABLE review_queue AS
SELECT q.record_id_l, q.record_id_r, q.match_weight, q.match_probability,
       ml.person_id AS person_id_l, mr.person_id AS person_id_r,
       ml.person_id = mr.person_id AS same_person
FROM match_pairs q
JOIN person_membership ml ON ml.record_id = q.record_id_l
JOIN person_membership mr ON mr.record_id = q.record_id_r
WHERE q.match_weight >= {low} AND q.match_weight < {high}
ORDER BY abs(q.match_weight - {high}), q.record_id_l, q.record_id_r
"""


def _write_history(con: duckdb.DuckDBPyConnection, run_id: str, events: list[IdEvent]) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS person_id_history (run_id VARCHAR, event VARCHAR, "
                "person_id VARCHAR, other_person_id VARCHAR, records BIGINT)")
    con.executemany("INSERT INTO person_id_history VALUES (?, ?, ?, ?, ?)",
                    [(run_id, e.event, e.person_id, e.other_person_id, e.records)
                     for e in events])


def _write_run(con: duckdb.DuckDBPyConnection, run_id: str, model: dict[str, Any],
               config: MatchingConfig, counts: dict[str, int]) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS link_runs (run_id VARCHAR PRIMARY KEY, "
                "finished_at TIMESTAMP, model_json VARCHAR, matching_json VARCHAR, "
                "counts_json VARCHAR)")
    con.execute("INSERT INTO link_runs VALUES (?, ?, ?, ?, ?)",
                [run_id, dt.datetime.now(), json.dumps(model), config.model_dump_json(),
                 json.dumps(counts)])


def save_model(project: Project, run_id: str, model: dict[str, Any]) -> Path:
    path = project.root / "models" / f"link-{run_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model, indent=1))
    return path


def run_link(project: Project, con: duckdb.DuckDBPyConnection,
             progress: Progress) -> StageResult:
    config = load_matching(project.root)
    run_id = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
    records = arrow_table(con, LINK_INPUT_SQL)
    model = _trained_model(project, config, records, progress)
    progress("link: scoring pairs", 0, 1)
    pairs = splink_model.predict(records, model, config.thresholds.keep_pairs)
    decisions = current_decisions(state_path(project.root))
    must = [(d.record_id_l, d.record_id_r) for d in decisions if d.decision == "must_link"]
    must_not = [(d.record_id_l, d.record_id_r) for d in decisions if d.decision == "must_not_link"]
    progress("link: clustering", 0, 1)
    edges = zip(pairs.column("match_weight").to_pylist(), pairs.column("record_id_l").to_pylist(),
                pairs.column("record_id_r").to_pylist(), strict=True)
    t = config.thresholds
    labels = cluster(_records(con, must_not), edges, t.link, must, t.weak_margin, t.weak_link)
    ids, events = assign_person_ids(labels, _previous_membership(con))
    with transaction(con):
        con.register("_tmp_link_pairs", pairs)
        con.execute("CREATE OR REPLACE TABLE match_pairs AS SELECT * FROM _tmp_link_pairs "
                    "ORDER BY record_id_l, record_id_r")
        con.unregister("_tmp_link_pairs")
        _write_membership(con, ids)
        con.execute(PERSONS_SQL)
        con.execute(REVIEW_SQL.format(low=config.thresholds.review_low,
                                      high=config.thresholds.link))
        _write_history(con, run_id, events)
        counts = {
            "person_records": records.num_rows,
            "pairs scored": pairs.num_rows,
            "persons": int(scalar(con, "SELECT count(*) FROM persons") or 0),
            "review queue": int(scalar(con, "SELECT count(*) FROM review_queue") or 0),
            "decisions applied": len(decisions),
            "ids created": sum(e.event == "created" for e in events),
            "ids merged": sum(e.event == "merged" for e in events),
            "ids split": sum(e.event == "split" for e in events),
        }
        _write_run(con, run_id, model, config, counts)
    save_model(project, run_id, model)
    return StageResult("link", counts)
