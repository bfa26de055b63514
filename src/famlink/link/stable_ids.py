"""Stable person IDs across runs, with every merge and split recorded.

Each new cluster takes the ID of the previous person it shares the most records with (one
cluster per previous ID, largest overlap first; ties go to the smaller ID). A cluster that
overlaps no previous person gets a new ID derived from its smallest record id, so a rerun
from scratch on the same data yields the same IDs. Changes are reported as events:
``created``, ``merged`` (a previous person's records now sit in another person's cluster),
``split`` (a previous person's records now sit in several clusters) and ``retired``.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass

import duckdb
import pyarrow as pa


@dataclass(frozen=True)
class IdEvent:
    event: str  # created | merged | split | retired
    person_id: str
    other_person_id: str | None
    records: int


def event_columns(events: list[IdEvent]) -> dict[str, pa.Array]:
    """The ID changes as columns (event, id, other_id, members), ready for a table."""
    return {"event": pa.array([e.event for e in events], pa.string()),
            "id": pa.array([e.person_id for e in events], pa.string()),
            "other_id": pa.array([e.other_person_id for e in events], pa.string()),
            "members": pa.array([e.records for e in events], pa.int64())}


def new_person_id(first_record_id: str, prefix: str = "P") -> str:
    return prefix + hashlib.sha1(first_record_id.encode("utf-8")).hexdigest()[:12].upper()


def _overlaps(labels: dict[str, str], previous: dict[str, str]) -> Counter[tuple[str, str]]:
    return Counter((cluster, previous[rid]) for rid, cluster in labels.items() if rid in previous)


def _assign(overlaps: Counter[tuple[str, str]]) -> dict[str, str]:
    """cluster -> previous person id, one to one, largest overlap first."""
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    for (cluster, old), _ in sorted(overlaps.items(), key=lambda kv: (-kv[1], kv[0][1],
                                                                        kv[0][0])):
        if cluster not in chosen and old not in taken:
            chosen[cluster] = old
            taken.add(old)
    return chosen


def _unique_new_id(first: str, used: set[str], prefix: str) -> str:
    candidate, n = new_person_id(first, prefix), 1
    while candidate in used:
        candidate, n = new_person_id(f"{first}#{n}", prefix), n + 1
    return candidate


def assign_person_ids(labels: dict[str, str], previous: dict[str, str] | None = None,
                      prefix: str = "P") -> tuple[dict[str, str], list[IdEvent]]:
    """(record_id -> person_id, events) for clusters given as record_id -> cluster key."""
    previous = previous or {}
    members: dict[str, list[str]] = defaultdict(list)
    for rid, cluster in labels.items():
        members[cluster].append(rid)
    clusters = {c: (min(rids), len(rids)) for c, rids in members.items()}
    ids, events = assign_cluster_ids(clusters, _overlaps(labels, previous),
                                     Counter(previous.values()), prefix)
    return {rid: ids[cluster] for rid, cluster in labels.items()}, events


def assign_cluster_ids(clusters: dict[str, tuple[str, int]],
                       overlaps: Counter[tuple[str, str]], previous_sizes: Counter[str],
                       prefix: str = "P", reserved: set[str] | None = None
                       ) -> tuple[dict[str, str], list[IdEvent]]:
    """(cluster key -> person_id, events), from each cluster's smallest record id and size,
    the records each (cluster, previous person id) share, and each previous person's size.

    The same result as :func:`assign_person_ids` without a Python object per record, so
    the counts can come from SQL. ``reserved``: IDs kept elsewhere (clusters settled
    without counting), never given to a new cluster.
    """
    kept = _assign(overlaps)
    used = set(previous_sizes) | set(kept.values()) | (reserved or set())
    ids: dict[str, str] = {}
    events: list[IdEvent] = []
    for cluster, (first, size) in sorted(clusters.items(), key=lambda kv: kv[1][0]):
        if cluster in kept:
            ids[cluster] = kept[cluster]
        else:
            ids[cluster] = _unique_new_id(first, used, prefix)
            used.add(ids[cluster])
            events.append(IdEvent("created", ids[cluster], None, size))
    events += _changes(overlaps, ids, kept)
    remaining = {old for _, old in overlaps}
    events += [IdEvent("retired", pid, None, n) for pid, n in sorted(previous_sizes.items())
               if pid not in remaining]
    return ids, events


def _changes(overlaps: Counter[tuple[str, str]], ids: dict[str, str],
             kept: dict[str, str]) -> list[IdEvent]:
    events = []
    by_old: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (cluster, old), n in sorted(overlaps.items()):
        by_old[old].append((ids[cluster], n))
    survivors = set(kept.values())
    for old, targets in sorted(by_old.items()):
        if len(targets) > 1:
            for target, n in targets:
                if target != old:
                    events.append(IdEvent("split", old, target, n))
        if old not in survivors:
            target, n = max(targets, key=lambda t: (t[1], t[0]))
            events.append(IdEvent("merged", old, target, n))
    return events


# clusters whose members are exactly those of one ID of the last run
_SAME_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_ids_same AS
WITH now AS (
    SELECT n.cluster, min(w.id) AS id, max(w.id) AS last_id, count(w.id) AS n_was,
           count(*) AS n
    FROM _tmp_ids_now n LEFT JOIN _tmp_ids_was w USING (member) GROUP BY ALL),
was AS (SELECT id, count(*) AS n FROM _tmp_ids_was GROUP BY ALL)
SELECT cluster, id FROM now JOIN was USING (id, n) WHERE id = last_id AND n_was = n
"""


def assign_ids_in_sql(con: duckdb.DuckDBPyConnection, now: str, before: str | None,
                      into: str, prefix: str = "P") -> list[IdEvent]:
    """Stable IDs for the clusters of the query ``now`` (columns ``member``, ``cluster``),
    against the IDs of the last run, the query ``before`` (``member``, ``id``; None on a
    first run), written to the temp table ``into`` (``cluster``, ``id``); returns the events.

    A cluster whose members are exactly those of one ID of the last run keeps that ID with
    nothing to report (no other cluster shares a member with either, so counting would give
    the same): those are settled in SQL, and only the others are counted in Python by
    :func:`assign_cluster_ids`, with the same result as counting every cluster.
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE _tmp_ids_now AS SELECT member, cluster "
                f"FROM ({now})")
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_ids_was AS " + (
        f"SELECT member, id FROM ({before})" if before else
        "SELECT NULL::VARCHAR AS member, NULL::VARCHAR AS id WHERE false"))
    con.execute(_SAME_SQL)
    changed = "cluster NOT IN (SELECT cluster FROM _tmp_ids_same)"
    clusters = {c: (first, n) for c, first, n in con.execute(
        f"SELECT cluster, min(member), count(*) FROM _tmp_ids_now WHERE {changed} "
        "GROUP BY cluster").fetchall()}
    overlaps: Counter[tuple[str, str]] = Counter({(c, i): n for c, i, n in con.execute(
        f"SELECT n.cluster, w.id, count(*) FROM _tmp_ids_now n JOIN _tmp_ids_was w "
        f"USING (member) WHERE {changed} GROUP BY ALL").fetchall()})
    previous: Counter[str] = Counter(dict(con.execute(
        "SELECT id, count(*) FROM _tmp_ids_was WHERE id NOT IN (SELECT id FROM _tmp_ids_same) "
        "GROUP BY id").fetchall()))
    reserved = {i for (i,) in con.execute("SELECT id FROM _tmp_ids_same").fetchall()}
    ids, events = assign_cluster_ids(clusters, overlaps, previous, prefix, reserved)
    con.register("_tmp_ids_counted", pa.table({
        "cluster": pa.array(list(ids), pa.string()),
        "id": pa.array(list(ids.values()), pa.string())}))
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {into} AS SELECT cluster, id "
                    "FROM _tmp_ids_same UNION ALL SELECT cluster, id FROM _tmp_ids_counted")
    finally:
        con.unregister("_tmp_ids_counted")
    return events
