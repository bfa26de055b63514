"""Address matching scored against ground truth (the synthetic town's ``truth/records.csv``).

``address_uprn`` in records.csv is the true UPRN of the address written on a row. For each
feed, and overall: the rows carrying an address, the share matched to some UPRN, the share
of matches that are right (precision), and the share of rows with a true UPRN that got it
(recall; the figure the target is set on).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from famlink.engine import table_columns, table_exists
from famlink.errors import FamlinkError


@dataclass(frozen=True)
class AddressScore:
    feed: str  # "all" for the total
    rows: int  # rows carrying an address (text or a UPRN)
    matched: int  # of those, rows given a UPRN
    with_truth: int  # rows whose written address has a true UPRN
    right: int  # rows given their true UPRN
    wrong: int  # rows given another UPRN

    @property
    def matched_share(self) -> float:
        return self.matched / self.rows if self.rows else 0.0

    @property
    def precision(self) -> float:
        return self.right / (self.right + self.wrong) if self.right + self.wrong else 0.0

    @property
    def recall(self) -> float:
        return self.right / self.with_truth if self.with_truth else 0.0


SCORES_SQL = """
WITH t AS (SELECT feed, source_record_id, NULLIF(address_uprn, '') AS uprn
           FROM read_csv(?, all_varchar=true)),
r AS (SELECT p.feed, p.matched_uprn, t.uprn AS true_uprn
      FROM person_records p LEFT JOIN t USING (feed, source_record_id)
      WHERE p.uprn IS NOT NULL OR p.address_norm IS NOT NULL)
SELECT coalesce(feed, 'all'), count(*), count(matched_uprn), count(true_uprn),
       count(*) FILTER (WHERE matched_uprn = true_uprn),
       count(*) FILTER (WHERE matched_uprn <> true_uprn)
FROM r GROUP BY ROLLUP (feed) ORDER BY feed NULLS LAST
"""


def evaluate_addresses(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> list[AddressScore]:
    """One score per person feed with addresses, then the total (feed ``all``).

    Empty when the truth has no ``address_uprn`` column or nothing was matched (no
    gazetteer), so the caller can leave the table out.
    """
    records = truth_dir / "records.csv"
    if not records.exists():
        raise FamlinkError(f"no ground truth at {records}: give --truth DIR with records.csv")
    if not table_exists(con, "person_records") or \
            "matched_uprn" not in table_columns(con, "person_records"):
        return []
    header = records.open(encoding="utf-8").readline()
    if "address_uprn" not in header.strip().split(","):
        return []
    rows = con.execute(SCORES_SQL, [str(records)]).fetchall()
    scores = [AddressScore(str(f), int(n), int(m), int(t), int(ok), int(bad))
              for f, n, m, t, ok, bad in rows]
    return scores if any(s.matched for s in scores) else []
