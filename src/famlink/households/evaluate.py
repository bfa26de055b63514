"""Score households and families on the as-of date against ground truth (``truth/``).

Each linked person stands for the true person most of its records belong to (of two with as
many, the greater ID, so a score is the same on every run); a true person split over several
linked persons counts once, by its largest part that has a household or family. Over every
true person known to the warehouse, the pairs placed in one household (or family) are
compared with the true pairs: pairwise precision, recall and F1, and the adjusted Rand index
of the two groupings, where anyone not in a group counts as a group of one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from famlink.errors import FamlinkError
from famlink.link.evaluate import PairwiseScores


@dataclass(frozen=True)
class GroupScores(PairwiseScores):
    what: str
    people: int
    true_groups: int
    predicted_groups: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    ari: float


def _load(con: duckdb.DuckDBPyConnection, truth_dir: Path, day: dt.date) -> None:
    for name in ("records.csv", "households.csv", "families.csv"):
        if not (truth_dir / name).exists():
            raise FamlinkError(f"no ground truth at {truth_dir / name}: give --truth DIR")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _tmp_hheval_person AS
        SELECT person_id, arg_max(true_person_id, (n, true_person_id)) AS true_person_id,
               sum(n) AS n FROM (
            SELECT m.person_id, t.person_id AS true_person_id, count(*) AS n
            FROM read_csv(?, all_varchar=true) t
            JOIN person_membership m ON m.record_id = t.feed || ':' || t.source_record_id
            WHERE t.person_id IS NOT NULL GROUP BY ALL) GROUP BY person_id
    """, [str(truth_dir / "records.csv")])
    for table, name, key in (("households", "households.csv", "household_id"),
                             ("families", "families.csv", "family_id")):
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _tmp_hheval_true_{table} AS
            SELECT DISTINCT person_id AS true_person_id, {key} AS group_id
            FROM read_csv(?, all_varchar=true)
            WHERE CAST(from_date AS DATE) <= ?
              AND (to_date IS NULL OR CAST(to_date AS DATE) >= ?)
              AND person_id IN (SELECT true_person_id FROM _tmp_hheval_person)
        """, [str(truth_dir / name), day, day])


def _predicted(con: duckdb.DuckDBPyConnection, table: str, members_sql: str) -> None:
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _tmp_hheval_pred_{table} AS
        SELECT p.true_person_id, arg_max(m.group_id, (p.n, m.person_id)) AS group_id
        FROM ({members_sql}) m JOIN _tmp_hheval_person p USING (person_id)
        GROUP BY p.true_person_id
    """)


def _score(con: duckdb.DuckDBPyConnection, what: str, table: str) -> GroupScores:
    t, p = f"_tmp_hheval_true_{table}", f"_tmp_hheval_pred_{table}"
    row = con.execute(f"""
        WITH people AS (SELECT true_person_id FROM {t} UNION SELECT true_person_id FROM {p}),
        g AS (SELECT x.true_person_id, coalesce(t.group_id, 'T' || x.true_person_id) AS tg,
                     coalesce(p.group_id, 'P' || x.true_person_id) AS pg
              FROM people x LEFT JOIN (SELECT true_person_id, min(group_id) AS group_id
                                       FROM {t} GROUP BY ALL) t USING (true_person_id)
              LEFT JOIN {p} p USING (true_person_id)),
        cells AS (SELECT count(*) AS n FROM g GROUP BY tg, pg),
        rows_ AS (SELECT count(*) AS n FROM g GROUP BY tg),
        cols AS (SELECT count(*) AS n FROM g GROUP BY pg)
        SELECT (SELECT count(*) FROM g),
               (SELECT count(DISTINCT group_id) FROM {t}),
               (SELECT count(DISTINCT group_id) FROM {p}),
               (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM rows_),
               (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM cols),
               (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM cells)
    """).fetchall()[0]
    n, true_groups, pred_groups, a, b, c = (int(x) for x in row)
    total = n * (n - 1) / 2
    expected = a * b / total if total else 0.0
    top = (a + b) / 2 - expected
    ari = (c - expected) / top if top else 1.0
    return GroupScores(what, n, true_groups, pred_groups, a, b, c, ari)


def evaluate_households(con: duckdb.DuckDBPyConnection, truth_dir: Path,
                        day: dt.date) -> list[GroupScores]:
    """Household and family scores on ``day`` (the as-of date the stage was run for)."""
    _load(con, truth_dir, day)
    _predicted(con, "households", "SELECT person_id, household_id AS group_id FROM "
               f"household_members WHERE start_date <= DATE '{day}' AND "
               f"(end_date IS NULL OR end_date >= DATE '{day}')")
    _predicted(con, "families", "SELECT person_id, family_id AS group_id FROM family_members "
               "WHERE role <> 'parent_elsewhere'")
    return [_score(con, f"households on {day}", "households"),
            _score(con, f"families on {day}", "families")]
