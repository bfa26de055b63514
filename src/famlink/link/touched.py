"""Clustering again only the parts of the pair graph that a run touches.

The clustering (:func:`famlink.link.clusters.cluster_columns`) only ever merges two profiles
along a chain of usable pairs and human must-links, and whether a merge happens depends only
on the groups being merged: so each connected component of that graph is clustered the same
whether it is clustered alone or with everything else. An incremental run therefore clusters
again only the components that hold a *seed*, and every other profile keeps the cluster it
had in the last run (``link_profiles.cluster``):

- a new or changed profile (``_tmp_link_new``);
- both profiles of a pair of the last run that no longer stands and could have joined them
  (``_tmp_link_stale`` at or above the lowest linking bar), and of a pair between unchanged
  profiles whose weight moved across a threshold;
- the profiles, now and in the last run, of every record of a load batch not linked before
  (a record delivered again brings its cannot-link groups, and can move between profiles),
  and the last run's profiles of records gone;
- the profiles named in a human decision;
- the profiles of the last run's joins by name (``name_only_joins``), whose pairs were added
  to ``match_pairs`` after that run's clustering.

A weak profile and any other with its name at its address count as connected, as if by a
pair: whether the weak one may join anyone depends on its namesakes.

A component without a seed has the same profiles, pairs and constraints as in the last run,
so the same clusters. When the standardising changed (``standardise_state``), or the last
run left no clusters behind, every profile is clustered again.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from famlink.engine import arrow_table, create_temp_table, scalar, table_columns, table_exists
from famlink.link.incremental import BATCHES_TABLE, STATE_TABLE
from famlink.link.record_columns import STRONG_SQL, names_sql
from famlink.link.settings import Thresholds

# A weak profile and any other that shares a name at a place with it: whether the weak one
# may join a person depends on its namesakes too (link/clusters.py), so for the touched parts
# they are connected as if by a pair.
NAMESAKE_LINKS_SQL = f"""
WITH named AS (
    SELECT profile_id, {STRONG_SQL.format(p="r")} AS strong,
           unnest({names_sql("r", STRONG_SQL.format(p="r"))}) AS code
    FROM _tmp_link_records r WHERE record_id = profile_id)
SELECT DISTINCT w.profile_id AS record_id_l, s.profile_id AS record_id_r
FROM named w JOIN named s ON s.code = w.code AND NOT w.strong AND s.profile_id <> w.profile_id
"""

SEEDS_SQL = f"""
CREATE OR REPLACE TEMP TABLE _tmp_link_seeds AS
WITH changed AS (
    SELECT record_id FROM person_records
    WHERE load_batch_id NOT IN (SELECT load_batch_id FROM {BATCHES_TABLE})
    UNION ALL
    SELECT record_id FROM person_membership ANTI JOIN _tmp_link_records USING (record_id))
SELECT profile_id FROM _tmp_link_new
UNION SELECT unnest([record_id_l, record_id_r]) FROM _tmp_link_stale
      WHERE match_weight >= {{lowest_bar}}
UNION SELECT unnest([record_id_l, record_id_r]) FROM _tmp_link_fresh
      SEMI JOIN _tmp_link_unchanged l ON l.profile_id = record_id_l
      SEMI JOIN _tmp_link_unchanged r ON r.profile_id = record_id_r
UNION SELECT profile_id FROM _tmp_link_records SEMI JOIN changed USING (record_id)
UNION SELECT profile_id FROM person_membership SEMI JOIN changed USING (record_id)
UNION SELECT unnest(?::VARCHAR[])
"""


def lowest_bar(t: Thresholds) -> float:
    """The lowest weight at which a pair can join two profiles."""
    return min(b for b in (t.link, t.weak_link, t.link_without_address) if b is not None)


def can_cluster_part(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the last run's clusters can stand where nothing touched them."""
    if not (table_exists(con, BATCHES_TABLE) and table_exists(con, "person_membership")
            and "cluster" in table_columns(con, STATE_TABLE)):
        return False
    standardised = (scalar(con, "SELECT any_value(fingerprint) FROM standardise_state")
                    if table_exists(con, "standardise_state") else None)
    before = {r[0] for r in con.execute(
        f"SELECT DISTINCT standardised_as FROM {BATCHES_TABLE}").fetchall()}
    return before <= {standardised}


def touched_mask(n: int, left: np.ndarray, right: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Which of ``n`` nodes are in a connected component (edges ``left``-``right``, node
    indices) that holds one of ``seeds``."""
    seen = np.zeros(n, bool)
    seen[seeds] = True
    frontier = seen.copy()
    while frontier.any():
        reached = np.zeros(n, bool)
        reached[right[frontier[left]]] = True
        reached[left[frontier[right]]] = True
        frontier = reached & ~seen
        seen |= frontier
    return seen


def touched_profiles(con: duckdb.DuckDBPyConnection, edges: pa.Table,
                     must: list[tuple[str, str]], decided: list[str],
                     thresholds: Thresholds) -> pa.Array:
    """The profiles to cluster again (``edges``: this run's usable pairs); also left in
    ``_tmp_link_touched``."""
    con.execute(SEEDS_SQL.format(lowest_bar=lowest_bar(thresholds)), [decided])
    if table_exists(con, "name_only_joins"):  # their pairs joined match_pairs after clustering
        con.execute("INSERT INTO _tmp_link_seeds SELECT unnest([profile_id, joined_profile_id]) "
                    "FROM name_only_joins")
    ids = arrow_table(con, "SELECT profile_id FROM _tmp_link_fingerprints ORDER BY profile_id"
                      ).column(0).combine_chunks()
    seeds = arrow_table(con, "SELECT profile_id FROM _tmp_link_seeds").column(0)
    index = lambda values: pc.index_in(values, value_set=ids)  # noqa: E731
    namesakes = arrow_table(con, NAMESAKE_LINKS_SQL)
    left = pa.concat_arrays([index(edges.column("record_id_l")).combine_chunks(),
                             index(pa.array([m[0] for m in must], pa.string())),
                             index(namesakes.column("record_id_l")).combine_chunks()])
    right = pa.concat_arrays([index(edges.column("record_id_r")).combine_chunks(),
                              index(pa.array([m[1] for m in must], pa.string())),
                              index(namesakes.column("record_id_r")).combine_chunks()])
    both = pc.and_(pc.is_valid(left), pc.is_valid(right))
    mask = touched_mask(len(ids), np.asarray(left.filter(both).to_numpy(), np.int64),
                        np.asarray(right.filter(both).to_numpy(), np.int64),
                        np.asarray(index(seeds).drop_null().to_numpy(), np.int64))
    touched = ids.filter(pa.array(mask))
    create_temp_table(con, "_tmp_link_touched", {"profile_id": touched})
    return touched


# The records query reads the profiles from here; DuckDB does not push a filter on its
# result's profile id down through the grouping, so the touched ones are picked first.
PROFILE_SOURCE = "FROM _tmp_link_records r "
TOUCHED_SOURCE = ("FROM (SELECT * FROM _tmp_link_records SEMI JOIN _tmp_link_touched "
                  "USING (profile_id)) r ")


def records_sql(sql: str) -> str:
    """The clustering records query (one row per profile) for the touched profiles only."""
    if sql.count(PROFILE_SOURCE) == 1:
        return sql.replace(PROFILE_SOURCE, TOUCHED_SOURCE)
    return (f"SELECT * FROM ({sql}) SEMI JOIN _tmp_link_touched t ON t.profile_id = record_id "
            "ORDER BY record_id")


def keep_other_labels(con: duckdb.DuckDBPyConnection, touched: pa.Array,
                      labels: pa.Array) -> None:
    """``_tmp_link_labels``: the new cluster of each touched profile, the last run's of
    every other."""
    create_temp_table(con, "_tmp_link_labels_touched", {"profile_id": touched,
                                                        "cluster": labels})
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _tmp_link_labels AS
        SELECT profile_id, cluster FROM _tmp_link_labels_touched
        UNION ALL
        SELECT s.profile_id, s.cluster FROM {STATE_TABLE} s
        SEMI JOIN _tmp_link_fingerprints f USING (profile_id)
        ANTI JOIN _tmp_link_touched t USING (profile_id)""")
