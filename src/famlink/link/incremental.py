"""Incremental linking: score only the profiles that are new or changed since the last run.

A link run remembers its profiles (``link_profiles``: profile id and a fingerprint of its
matching values) beside the pairs it scored (``match_pairs``). The next run, if the matching
configuration is unchanged, reuses the last run's model and scores only the blocked pairs
that involve a new or changed profile: each blocking rule gets ``AND (l.is_new OR r.is_new)``
added, so those pairs (and their blocking-rule keys) are exactly the ones a full run with
the same model would find for them. The pairs between unchanged profiles are kept from the
last run, except those within ``RESCORE_MARGIN`` of a decision threshold, which are scored
again: new data moves term frequencies a little, and only there can that change a decision.
A pair scored again takes its new weight only where that weight falls on the other side of
a threshold; otherwise it stands as it was (weights move by thousandths, and keeping them
means the clusters around it need not be worked out again). What changed, and so what has to
be clustered again (``famlink.link.touched``), is ``_tmp_link_stale`` (the last run's pairs
that no longer stand) and ``_tmp_link_fresh`` (this run's pairs that are new or changed).
``famlink run --full`` forgets the state and rebuilds.
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
BATCHES_TABLE = "link_batches"  # the load batches linked, and the standardising they had
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
    near = " OR ".join(f"abs(q.match_weight - ({b})) <= {RESCORE_MARGIN}"
                       for b in _bars(config))
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


def _bars(config: MatchingConfig) -> list[float]:
    t = config.thresholds
    return [b for b in (t.link, t.weak_link, t.review_low, t.link_without_address)
            if b is not None]


# The last run's pairs that stand: not scored again, or scored again to the same side of
# every threshold (then the last run's row stands, weight and all).
KEPT_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_link_kept AS
SELECT o.* EXCLUDE (rescore) FROM _tmp_link_unchanged_pairs o WHERE NOT o.rescore
UNION ALL
SELECT o.* EXCLUDE (rescore) FROM _tmp_link_unchanged_pairs o
JOIN _tmp_link_scored_now n USING (record_id_l, record_id_r)
WHERE o.rescore AND {same_side}
"""
FRESH_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_link_fresh AS
SELECT n.* FROM _tmp_link_scored_now n ANTI JOIN _tmp_link_kept USING (record_id_l, record_id_r)
"""
STALE_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_link_stale AS
SELECT q.* FROM match_pairs q ANTI JOIN _tmp_link_kept USING (record_id_l, record_id_r)
"""


def merge_pairs(con: duckdb.DuckDBPyConnection, scored: pa.Table | None,
                config: MatchingConfig) -> pa.Table:
    """This run's pairs: the last run's that stand, and the ``scored`` ones (new profiles'
    pairs and those scored again) that are new or changed; leaves ``_tmp_link_kept``,
    ``_tmp_link_fresh`` and ``_tmp_link_stale`` (the last run's pairs that no longer stand)."""
    same_side = " AND ".join(f"((o.match_weight >= {b}) = (n.match_weight >= {b}))"
                             for b in _bars(config))
    schema = arrow_table(con, "SELECT * EXCLUDE (rescore) FROM _tmp_link_unchanged_pairs "
                              "LIMIT 0").schema
    con.register("_tmp_link_scored_now",
                 schema.empty_table() if scored is None else scored.cast(schema))
    try:
        con.execute(KEPT_SQL.format(same_side=same_side))
        con.execute(FRESH_SQL)
    finally:
        con.unregister("_tmp_link_scored_now")
    con.execute(STALE_SQL)
    return arrow_table(con, "SELECT * FROM _tmp_link_kept UNION ALL BY NAME "
                            "SELECT * FROM _tmp_link_fresh ORDER BY record_id_l, record_id_r")


def save_state(con: duckdb.DuckDBPyConnection, part: bool = False) -> None:
    """Remember this run's profiles, with their cluster, and the load batches and the
    standardising they came from, for the next incremental run (inside its transaction).
    After clustering part (``part``), only the rows of the profiles clustered again (every
    new or changed one among them) and of those gone change."""
    if part:
        con.execute(f"""
            DELETE FROM {STATE_TABLE} WHERE profile_id IN (
                SELECT profile_id FROM {STATE_TABLE} ANTI JOIN _tmp_link_fingerprints
                USING (profile_id)
                UNION ALL SELECT profile_id FROM _tmp_link_touched)""")
        con.execute(f"INSERT INTO {STATE_TABLE} SELECT f.*, l.cluster FROM "
                    "_tmp_link_fingerprints f JOIN _tmp_link_labels_touched l "
                    "USING (profile_id) ORDER BY profile_id")
    else:
        con.execute(f"CREATE OR REPLACE TABLE {STATE_TABLE} AS SELECT f.*, l.cluster FROM "
                    "_tmp_link_fingerprints f JOIN _tmp_link_clusters l USING (profile_id) "
                    "ORDER BY profile_id")
    standardised = ("(SELECT any_value(fingerprint) FROM standardise_state)"
                    if table_exists(con, "standardise_state") else "NULL")
    con.execute(f"CREATE OR REPLACE TABLE {BATCHES_TABLE} AS SELECT DISTINCT load_batch_id, "
                f"{standardised} AS standardised_as FROM person_records")


def forget_state(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {STATE_TABLE}")
    con.execute(f"DROP TABLE IF EXISTS {BATCHES_TABLE}")
