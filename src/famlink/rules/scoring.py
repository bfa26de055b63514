"""Scoring scenarios: each team ranks families by its own weights per need.

A family's score in a scenario is the sum of the weights of the distinct needs it has (a
need found for two children counts once); the explanation spells the sum out, so every
score shows how it was made. Ties rank by the number of needs, then the family ID.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from famlink.rules.evaluate import store
from famlink.rules.schema import Rulebook


def _weights(con: duckdb.DuckDBPyConnection, rulebook: Rulebook) -> None:
    rows = [(name, need, sc.weights.get(need, sc.default_weight), sc.eligible_only)
            for name, sc in rulebook.scenarios.items() for need in rulebook.needs]
    store(con, "_tmp_outcomes_weights", pa.table({
        "scenario": pa.array([r[0] for r in rows], pa.string()),
        "need": pa.array([r[1] for r in rows], pa.string()),
        "weight": pa.array([float(r[2]) for r in rows], pa.float64()),
        "eligible_only": pa.array([r[3] for r in rows], pa.bool_())}))


def write_scores(con: duckdb.DuckDBPyConnection, rulebook: Rulebook) -> None:
    _weights(con, rulebook)
    con.execute("""
        CREATE OR REPLACE TABLE family_scores AS
        WITH needs AS (SELECT DISTINCT family_id, need FROM family_flags),
        parts AS (SELECT w.scenario, n.family_id, n.need, w.weight
                  FROM needs n JOIN _tmp_outcomes_weights w USING (need)),
        sums AS (SELECT p.scenario, p.family_id, sum(p.weight) AS score,
                        count(*) AS n_needs,
                        string_agg(printf('%s %g', p.need, p.weight), ' + '
                                   ORDER BY p.weight DESC, p.need) AS parts
                 FROM parts p GROUP BY ALL)
        SELECT s.scenario, s.family_id, s.score,
               row_number() OVER (PARTITION BY s.scenario
                                  ORDER BY s.score DESC, s.n_needs DESC, s.family_id) AS rank,
               s.n_needs, e.is_eligible,
               printf('%s = %g', s.parts, s.score) AS explanation
        FROM sums s JOIN eligibility e USING (family_id)
        WHERE s.score > 0 AND (e.is_eligible OR NOT (SELECT bool_or(eligible_only)
                               FROM _tmp_outcomes_weights w WHERE w.scenario = s.scenario))
        ORDER BY s.scenario, rank""")
