"""Score linked persons against ground truth: pairwise and B-cubed precision/recall/F1.

Works on two tables in the warehouse: the predicted membership (record_id -> cluster) and the
truth (record_id -> true person). Counting is done in SQL from the contingency table of the
two labelings, so it scales to millions of records without listing pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

CONTINGENCY_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_eval_cells AS
SELECT p.{pred} AS pred, t.{true} AS truth, count(*) AS n
FROM {pred_table} p JOIN {true_table} t USING (record_id)
GROUP BY ALL
"""


class PairwiseScores:
    """Pairwise precision, recall and F1 from counts of true, predicted and correct pairs."""

    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores(PairwiseScores):
    records: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    bcubed_precision: float
    bcubed_recall: float
    over_merged: int  # predicted clusters holding records of more than one true person
    split: int  # true persons whose records are in more than one predicted cluster
    predicted_clusters: int
    true_persons: int
    worst_merges: list[tuple[str, int, int]] = field(default_factory=list)
    worst_splits: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def bcubed_f1(self) -> float:
        p, r = self.bcubed_precision, self.bcubed_recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(expr: str) -> str:
    return f"sum({expr} * ({expr} - 1) / 2)"


def score(con: duckdb.DuckDBPyConnection, pred_table: str, true_table: str,
          pred: str = "person_id", true: str = "true_person_id", examples: int = 10) -> Scores:
    """Compare ``pred_table(record_id, pred)`` with ``true_table(record_id, true)``."""
    con.execute(CONTINGENCY_SQL.format(pred=pred, true=true, pred_table=pred_table,
                                       true_table=true_table))
    row = con.execute(f"""
        WITH cells AS (SELECT * FROM _tmp_eval_cells),
        ps AS (SELECT pred, sum(n) AS n, count(*) AS k FROM cells GROUP BY pred),
        ts AS (SELECT truth, sum(n) AS n, count(*) AS k FROM cells GROUP BY truth)
        SELECT (SELECT sum(n) FROM cells),
               (SELECT {_pairs('n')} FROM ts), (SELECT {_pairs('n')} FROM ps),
               (SELECT {_pairs('n')} FROM cells),
               (SELECT sum(c.n * c.n / p.n) FROM cells c JOIN ps p USING (pred)),
               (SELECT sum(c.n * c.n / t.n) FROM cells c JOIN ts t USING (truth)),
               (SELECT count(*) FILTER (WHERE k > 1) FROM ps),
               (SELECT count(*) FILTER (WHERE k > 1) FROM ts),
               (SELECT count(*) FROM ps), (SELECT count(*) FROM ts)
    """).fetchall()[0]
    total = int(row[0] or 0)
    scores = Scores(total, int(row[1] or 0), int(row[2] or 0), int(row[3] or 0),
                    (row[4] or 0) / total if total else 1.0,
                    (row[5] or 0) / total if total else 1.0,
                    int(row[6] or 0), int(row[7] or 0), int(row[8] or 0), int(row[9] or 0))
    scores.worst_merges = _worst(con, "pred", "truth", examples)
    scores.worst_splits = _worst(con, "truth", "pred", examples)
    return scores


def _worst(con: duckdb.DuckDBPyConnection, group: str, other: str,
           limit: int) -> list[tuple[str, int, int]]:
    """(cluster, how many of the other labeling it mixes, records) with the most mixing."""
    return [(str(a), int(b), int(c)) for a, b, c in con.execute(
        f"SELECT {group}, count(DISTINCT {other}) AS k, sum(n) AS n FROM _tmp_eval_cells "
        f"GROUP BY {group} HAVING k > 1 ORDER BY k DESC, n DESC, {group} LIMIT {int(limit)}"
    ).fetchall()]
