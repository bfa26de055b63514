"""Evaluate linked persons against a ground-truth folder (the synthetic town's ``truth/``).

Reads ``records.csv`` (feed, source_record_id, person_id) and ``persons.csv`` (twin_of,
same_name_father_of) and reports: pairwise and B-cubed scores, the hard cases (twins and
same-name fathers and sons wrongly merged), and recall by kind of difference between the two
records of a true pair: how many such pairs were scored at all (blocked and scoring above
``keep_pairs``, or identical in every matching value) and how many ended in one person.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from famlink.errors import FamlinkError
from famlink.link.evaluate import Scores, score

DIFFERENCE_KINDS = {
    "identical name and date of birth": "l.first_name = r.first_name AND l.surname = r.surname "
                                        "AND l.date_of_birth = r.date_of_birth",
    "forename differs (nickname, typo)": "l.first_name <> r.first_name AND NOT l.is_initial_only "
                                         "AND NOT r.is_initial_only",
    "initial only": "l.is_initial_only OR r.is_initial_only",
    "surname differs (marriage, typo)": "l.surname <> r.surname",
    "forename and surname swapped": "l.first_name = r.surname AND l.surname = r.first_name",
    "date of birth differs": "l.date_of_birth <> r.date_of_birth",
    "date of birth missing": "l.date_of_birth IS NULL OR r.date_of_birth IS NULL",
    "different postcode (moved, stale)": "l.postcode <> r.postcode",
}


@dataclass
class Evaluation:
    scores: Scores
    hard_cases: list[tuple[str, int, int]]  # (kind, true pairs present, wrongly merged)
    by_kind: list[tuple[str, int, int, int]]  # (kind, true pairs, scored, linked)


def load_truth(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> None:
    records = truth_dir / "records.csv"
    if not records.exists():
        raise FamlinkError(f"no ground truth at {records}: give --truth DIR with records.csv")
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_truth AS SELECT feed || ':' || "
                "source_record_id AS record_id, person_id AS true_person_id FROM "
                "read_csv(?, all_varchar=true) WHERE person_id IS NOT NULL", [str(records)])
    persons = truth_dir / "persons.csv"
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_truth_hard "
                "(kind VARCHAR, a VARCHAR, b VARCHAR)")
    if persons.exists():
        con.execute("""
            INSERT INTO _tmp_truth_hard
            SELECT 'twins', least(person_id, twin_of), greatest(person_id, twin_of)
            FROM read_csv(?, all_varchar=true) WHERE twin_of IS NOT NULL
            UNION
            SELECT 'father and son with the same name', person_id, same_name_father_of
            FROM read_csv(?, all_varchar=true) WHERE same_name_father_of IS NOT NULL
        """, [str(persons), str(persons)])


def _hard_cases(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, int]]:
    rows = con.execute("""
        WITH m AS (SELECT t.true_person_id, m.person_id FROM _tmp_truth t
                   JOIN person_membership m USING (record_id)),
        pairs AS (SELECT DISTINCT h.kind, h.a, h.b FROM _tmp_truth_hard h
                  WHERE h.a IN (SELECT true_person_id FROM m)
                    AND h.b IN (SELECT true_person_id FROM m)),
        merged AS (SELECT DISTINCT p.kind, p.a, p.b FROM pairs p
                   JOIN m ma ON ma.true_person_id = p.a
                   JOIN m mb ON mb.true_person_id = p.b AND ma.person_id = mb.person_id)
        SELECT p.kind, count(*), (SELECT count(*) FROM merged g WHERE g.kind = p.kind)
        FROM pairs p GROUP BY p.kind ORDER BY p.kind
    """).fetchall()
    return [(str(k), int(n), int(w)) for k, n, w in rows]


def _by_kind(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, int, int]]:
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _tmp_true_pairs AS
        SELECT a.record_id AS l_id, b.record_id AS r_id FROM _tmp_truth a
        JOIN _tmp_truth b ON a.true_person_id = b.true_person_id AND a.record_id < b.record_id
        WHERE a.record_id IN (SELECT record_id FROM person_records)
          AND b.record_id IN (SELECT record_id FROM person_records)
    """)
    out = []
    for kind, cond in DIFFERENCE_KINDS.items():
        n, scored, linked = con.execute(f"""
            SELECT count(*),
                   count(*) FILTER (WHERE ml.profile_id = mr.profile_id
                                    OR q.record_id_l IS NOT NULL),
                   count(*) FILTER (WHERE ml.person_id = mr.person_id)
            FROM _tmp_true_pairs t
            JOIN person_records l ON l.record_id = t.l_id
            JOIN person_records r ON r.record_id = t.r_id
            JOIN person_membership ml ON ml.record_id = t.l_id
            JOIN person_membership mr ON mr.record_id = t.r_id
            LEFT JOIN match_pairs q ON q.record_id_l = least(ml.profile_id, mr.profile_id)
                                   AND q.record_id_r = greatest(ml.profile_id, mr.profile_id)
            WHERE coalesce({cond}, false)
        """).fetchall()[0]
        out.append((kind, int(n), int(scored), int(linked)))
    return out


def evaluate(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> Evaluation:
    load_truth(con, truth_dir)
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_eval_truth AS SELECT * FROM _tmp_truth "
                "WHERE record_id IN (SELECT record_id FROM person_membership)")
    scores = score(con, "person_membership", "_tmp_eval_truth")
    return Evaluation(scores, _hard_cases(con), _by_kind(con))
