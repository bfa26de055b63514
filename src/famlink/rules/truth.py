"""Score family eligibility against the needs the synthetic town planted (``truth/``).

A true family is eligible on the reference date when it has a dependent child then and at
least the rulebook's minimum of planted needs (``family_needs.csv``) active within the rule
windows: a need of kind K counts when it overlaps the widest window of the rules that name K
in their ``truth_kinds``. Each pipeline family stands for the true family most of its
members belong to (members are mapped to true persons through ``truth/records.csv``).
Precision: the share of families flagged eligible whose true family is eligible; recall:
the share of eligible true families (with a member known to the warehouse) flagged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from famlink.errors import FamlinkError
from famlink.rules.evaluate import store
from famlink.rules.schema import Rulebook, Window
from famlink.rules.windows import window_start


@dataclass(frozen=True)
class EligibilityScores:
    true_families: int
    true_eligible: int
    predicted_eligible: int
    agreed: int
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {**asdict(self), "f1": round(self.f1, 4)}


def kind_windows(rulebook: Rulebook, ref: dt.date) -> dict[str, dt.date]:
    """Per planted need kind: the earliest window start of the rules meant to find it."""
    out: dict[str, dt.date] = {}
    for need in rulebook.needs.values():
        start = window_start(need.window, ref, rulebook.calendar)
        for kind in need.truth_kinds:
            out[kind] = min(out.get(kind, start), start)
    return out


def _person_map(con: duckdb.DuckDBPyConnection, truth: Path) -> None:
    """Each linked person stands for the true person most of its records belong to."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _tmp_outcomes_eval_person AS
        SELECT person_id, arg_max(true_person_id, (n, true_person_id)) AS true_person_id FROM (
            SELECT m.person_id, t.person_id AS true_person_id, count(*) AS n
            FROM read_csv(?, all_varchar=true) t
            JOIN person_membership m ON m.record_id = t.feed || ':' || t.source_record_id
            WHERE t.person_id IS NOT NULL GROUP BY ALL) GROUP BY person_id""",
                [str(truth / "records.csv")])


def _load(con: duckdb.DuckDBPyConnection, truth: Path, rulebook: Rulebook,
          ref: dt.date) -> None:
    for name in ("records.csv", "families.csv", "family_needs.csv", "persons.csv"):
        if not (truth / name).exists():
            raise FamlinkError(f"no ground truth at {truth / name}: give --truth DIR")
    default = window_start(Window(months=12), ref, rulebook.calendar)
    windows = kind_windows(rulebook, ref)
    store(con, "_tmp_outcomes_eval_windows", pa.table({
        "kind": pa.array(list(windows), pa.string()),
        "window_start": pa.array(list(windows.values()), pa.date32())}))
    _person_map(con, truth)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _tmp_outcomes_eval_active AS
        SELECT DISTINCT n.family_id, n.need AS kind
        FROM read_csv(?, all_varchar=true) n
        LEFT JOIN _tmp_outcomes_eval_windows w ON w.kind = n.need
        WHERE CAST(n.from_date AS DATE) <= ?::DATE AND (n.to_date IS NULL OR
              CAST(n.to_date AS DATE) >= coalesce(w.window_start, ?::DATE))""",
                [str(truth / "family_needs.csv"), ref, default])
    max_age = rulebook.eligibility.dependent_child_max_age
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _tmp_outcomes_eval_true AS
        WITH members AS (
            SELECT f.family_id, f.person_id, f.role, CAST(p.dob AS DATE) AS dob
            FROM read_csv(?, all_varchar=true) f
            LEFT JOIN read_csv(?, all_varchar=true) p USING (person_id)
            WHERE CAST(f.from_date AS DATE) <= ?::DATE
              AND (f.to_date IS NULL OR CAST(f.to_date AS DATE) >= ?::DATE)),
        needs AS (
            SELECT family_id, count(DISTINCT kind) AS n_needs
            FROM _tmp_outcomes_eval_active GROUP BY family_id)
        SELECT m.family_id,
               bool_or(m.role = 'child' AND date_diff('year', m.dob, ?::DATE) -
                       CASE WHEN strftime(?::DATE, '%m%d') < strftime(m.dob, '%m%d')
                            THEN 1 ELSE 0 END <= {max_age}) AS has_child,
               any_value(coalesce(n.n_needs, 0)) AS n_needs
        FROM members m LEFT JOIN needs n USING (family_id) GROUP BY m.family_id""",
                [str(truth / "families.csv"), str(truth / "persons.csv"), ref, ref, ref, ref])
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _tmp_outcomes_eval_members AS
        SELECT DISTINCT f.family_id AS true_family_id, p.person_id
        FROM read_csv(?, all_varchar=true) f
        JOIN _tmp_outcomes_eval_person p ON p.true_person_id = f.person_id
        WHERE CAST(f.from_date AS DATE) <= ?::DATE
          AND (f.to_date IS NULL OR CAST(f.to_date AS DATE) >= ?::DATE)""",
                [str(truth / "families.csv"), ref, ref])


@dataclass(frozen=True)
class KindRecall:
    """A planted need kind: families with it active in the rule windows, and how many of
    them the rules meant to find it flagged."""

    kind: str
    active: int
    found: int

    @property
    def recall(self) -> float:
        return self.found / self.active if self.active else 0.0


MAPPED_SQL = """
    SELECT fm.family_id, arg_max(t.true_family_id, (t.n, t.true_family_id)) AS true_family_id
    FROM (SELECT DISTINCT family_id, person_id FROM family_members) fm
    JOIN (SELECT person_id, true_family_id, count(*) OVER (
              PARTITION BY true_family_id) AS n FROM _tmp_outcomes_eval_members) t
      USING (person_id)
    GROUP BY fm.family_id"""


def need_recall(con: duckdb.DuckDBPyConnection, truth: Path, rulebook: Rulebook,
                ref: dt.date) -> list[KindRecall]:
    """Per planted need kind, the share of families with it that the rules flagged."""
    _load(con, truth, rulebook, ref)
    pairs = [(k, n.name) for n in rulebook.needs.values() for k in n.truth_kinds]
    store(con, "_tmp_outcomes_eval_kinds", pa.table({
        "kind": pa.array([p[0] for p in pairs], pa.string()),
        "need": pa.array([p[1] for p in pairs], pa.string())}))
    rows = con.execute(f"""
        WITH mapped AS ({MAPPED_SQL}),
        flagged AS (SELECT DISTINCT m.true_family_id, k.kind FROM family_flags f
                    JOIN mapped m USING (family_id) JOIN _tmp_outcomes_eval_kinds k USING (need))
        SELECT a.kind, count(*), count(f.kind)
        FROM _tmp_outcomes_eval_active a LEFT JOIN flagged f
          ON f.true_family_id = a.family_id AND f.kind = a.kind
        WHERE a.family_id IN (SELECT true_family_id FROM _tmp_outcomes_eval_members)
        GROUP BY a.kind ORDER BY a.kind""").fetchall()
    return [KindRecall(k, int(a), int(f)) for k, a, f in rows]


def evaluate_eligibility(con: duckdb.DuckDBPyConnection, truth: Path, rulebook: Rulebook,
                         ref: dt.date) -> EligibilityScores:
    _load(con, truth, rulebook, ref)
    minimum = rulebook.eligibility.min_needs
    row = con.execute(f"""
        WITH mapped AS ({MAPPED_SQL}),
        truth AS (SELECT family_id AS true_family_id, has_child AND n_needs >= {minimum}
                         AS eligible FROM _tmp_outcomes_eval_true
                  WHERE family_id IN (SELECT true_family_id FROM _tmp_outcomes_eval_members)),
        pred AS (SELECT e.family_id, m.true_family_id FROM eligibility e
                 LEFT JOIN mapped m USING (family_id) WHERE e.is_eligible)
        SELECT (SELECT count(*) FROM truth), (SELECT count(*) FROM truth WHERE eligible),
               (SELECT count(*) FROM pred),
               (SELECT count(*) FROM pred JOIN truth USING (true_family_id) WHERE eligible),
               (SELECT count(*) FROM truth WHERE eligible AND true_family_id IN
                    (SELECT true_family_id FROM pred))""").fetchall()[0]
    families, true_eligible, predicted, agreed, found = (int(x) for x in row)
    return EligibilityScores(families, true_eligible, predicted, agreed,
                             agreed / predicted if predicted else 0.0,
                             found / true_eligible if true_eligible else 0.0)
