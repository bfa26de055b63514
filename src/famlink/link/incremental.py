"""Incremental linking: score only the profiles that are new or changed since the last run.

A link run remembers its profiles (``link_profiles``: profile id and a fingerprint of its
matching values) beside the pairs it scored (``match_pairs``). The next run, if the matching
configuration is unchanged, reuses the last run's model and scores only the blocked pairs
that involve a new or changed profile: each blocking rule gets ``AND (l.is_new OR r.is_new)``
added, so those pairs (and their blocking-rule keys) are exactly the ones a full run with
the same model would find for them. The pairs between unchanged profiles are kept from the
last run, except those within ``RESCORE_MARGIN`` of a decision threshold, which are scored
again: new data moves term frequencies a little, and only there can that change a decision.
Everything is then clustered again as a whole, so an incremental run gives the same persons
as a rebuild with the same model. ``famlink run --full`` forgets the state and rebuilds.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from famlink.engine import arrow_table, scalar, table_exists
from famlink.link.settings import MatchingConfig

STATE_TABLE = "link_profiles"
# A profile's fingerprint: every matching value it carries (see stage.PROFILE_COLUMNS).
FINGERPRINT_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_link_fingerprints AS
SELECT record_id AS profile_id, md5(CAST(struct_pack({columns}) AS VARCHAR)) AS fingerprint
FROM _tmp_link_records WHERE record_id = profile_id
"""
NEW_PROFILES_SQL = f"""
SELECT f.profile_id FROM _tmp_link_fingerprints f
LEFT JOIN {STATE_TABLE} s USING (profile_id, fingerprint) WHERE s.profile_id IS NULL
"""
GONE_PROFILES_SQL = f"""
SELECT count(*) FROM {STATE_TABLE} s
LEFT JOIN _tmp_link_fingerprints f USING (profile_id, fingerprint) WHERE f.profile_id IS NULL
"""
RESCORE_MARGIN = 1.0
UNCHANGED_PAIRS_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_link_unchanged_pairs AS
SELECT q.*, coalesce({near}, false) AS rescore
FROM (SELECT q.* FROM match_pairs q
      SEMI JOIN _tmp_link_unchanged l ON l.profile_id = q.record_id_l
      SEMI JOIN _tmp_link_unchanged r ON r.profile_id = q.record_id_r) q
"""
RESCORE_SQL = """
SELECT record_id_l AS profile_id, list(record_id_r ORDER BY record_id_r) AS rescore_with
FROM _tmp_link_unchanged_pairs WHERE rescore GROUP BY record_id_l
"""


@dataclass(frozen=True)
class Increment:
    """What an incremental run has to score, against what it can keep."""
    model: dict[str, Any]
    new_profiles: int
    gone_profiles: int
    kept_profiles: int
    rescored_pairs: int

    @property
    def note(self) -> str:
        return (f"incremental: {self.new_profiles} new or changed profile(s) scored against "
                f"{self.kept_profiles} unchanged, {self.rescored_pairs} pair(s) near a "
                f"threshold scored again; {self.gone_profiles} gone; model of the last run "
                "reused (`famlink run --full` retrains and rebuilds)")


def fingerprint_profiles(con: duckdb.DuckDBPyConnection, columns: tuple[str, ...]) -> None:
    con.execute(FINGERPRINT_SQL.format(columns=", ".join(f"{c} := {c}" for c in columns)))


def plan_increment(con: duckdb.DuckDBPyConnection, config: MatchingConfig) -> Increment | None:
    """The increment to run, or None when a full run is needed (first run, new config)."""
    if not (table_exists(con, STATE_TABLE) and table_exists(con, "match_pairs")
            and table_exists(con, "link_runs")):
        return None
    last = con.execute("SELECT model_json, matching_json FROM link_runs "
                       "ORDER BY finished_at DESC LIMIT 1").fetchall()
    if not last or json.loads(last[0][1]) != json.loads(config.model_dump_json()):
        return None
    new = [r[0] for r in con.execute(NEW_PROFILES_SQL).fetchall()]
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_link_new AS SELECT unnest(?::VARCHAR[]) "
                "AS profile_id", [new])
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_link_unchanged AS SELECT profile_id "
                "FROM _tmp_link_fingerprints ANTI JOIN _tmp_link_new USING (profile_id)")
    kept = int(scalar(con, "SELECT count(*) FROM _tmp_link_unchanged") or 0)
    _mark_pairs_to_rescore(con, config)
    rescored = int(scalar(con, "SELECT count(*) FILTER (WHERE rescore) "
                               "FROM _tmp_link_unchanged_pairs") or 0)
    return Increment(json.loads(last[0][0]), len(new),
                     int(scalar(con, GONE_PROFILES_SQL) or 0), kept, rescored)


def _mark_pairs_to_rescore(con: duckdb.DuckDBPyConnection, config: MatchingConfig) -> None:
    """Kept pairs, flagged where their weight is near enough a threshold to be rescored."""
    t = config.thresholds
    bars = [b for b in (t.link, t.weak_link, t.review_low, t.link_without_address)
            if b is not None]
    near = " OR ".join(f"abs(q.match_weight - ({b})) <= {RESCORE_MARGIN}" for b in bars)
    con.execute(UNCHANGED_PAIRS_SQL.format(near=near))


def restrict_to_new(model: dict[str, Any]) -> dict[str, Any]:
    """The model with every blocking rule limited to pairs that involve a new profile."""
    out = copy.deepcopy(model)
    rules = out["blocking_rules_to_generate_predictions"]
    for rule in rules:
        rule["blocking_rule"] = (f"({rule['blocking_rule']}) AND (l.is_new OR r.is_new OR "
                                 "list_contains(l.rescore_with, r.record_id))")
    return out


def profiles_marked_new(con: duckdb.DuckDBPyConnection, profiles_sql: str) -> pa.Table:
    """Every profile, marked new or not, with the partners of its pairs to score again."""
    return arrow_table(con, f"""
        SELECT p.*, n.profile_id IS NOT NULL AS is_new,
               coalesce(s.rescore_with, []::VARCHAR[]) AS rescore_with
        FROM ({profiles_sql}) p LEFT JOIN _tmp_link_new n ON n.profile_id = p.record_id
        LEFT JOIN ({RESCORE_SQL}) s ON s.profile_id = p.record_id ORDER BY p.record_id""")


def kept_pairs(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The last run's pairs that stand as they were."""
    return arrow_table(con, "SELECT * EXCLUDE (rescore) FROM _tmp_link_unchanged_pairs "
                            "WHERE NOT rescore")


def save_state(con: duckdb.DuckDBPyConnection) -> None:
    """Remember this run's profiles for the next incremental run (inside its transaction)."""
    con.execute(f"CREATE OR REPLACE TABLE {STATE_TABLE} AS SELECT * FROM "
                "_tmp_link_fingerprints ORDER BY profile_id")


def forget_state(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {STATE_TABLE}")
