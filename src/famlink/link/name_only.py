"""A weak record left on its own joins the one person it can only be, by full name.

Council tax and police records often carry a name and an address and nothing else. When
the address is one none of the person's other records has (a liability at a previous
address, say), no comparison but the name agrees, and pairwise evidence alone cannot say
which of the town's people it is. The town as a whole can:

- **the only person with the name**: exactly one person with a date of birth or an
  identifier (a strong cluster, see ``link/clusters.py``) has a record with the same
  canonical forename and surname, both in full (no initials);
- **a shared home**: several people have the name (or the record gives only an initial and
  the surname), but exactly one of them has a record at an address where one of the
  record's co-members has one (the other liable party on the council tax account, the
  partner on the claim, another person at the incident), that co-member being a person in
  their own right;
- **a move**: of the namesakes (or those with the initial and surname), exactly one has a
  stay at another address that ends within ``weak_records.move_days`` of the record's stay
  starting, or starts as it ends: one council tax liability closing the day the next opens
  is how a revenues system records a move within the borough.

Up to ``PASSES`` rounds: a record joined in one round can be the co-member that settles
another in the next.

After the clustering, a cluster with no strong record joins that person unless something
makes it doubtful: another person agrees with it on the address at ``weak_link`` (the usual
attachment was refused as ambiguous), they share a cannot-link group or a human
must-not-link, the person is too young for the record's feed, one is JR and the other SR,
or the record's stay (a liability, a tenancy) at one address overlaps the person's stay at
another by more than ``weak_records.stay_overlap_days`` (nobody pays council tax on two
homes for years; a liability left open for a few months after a move is common).

The joins are written to the warehouse table ``name_only_joins`` with the reason, and the
pair behind each (the record and the person's record with the same name) is scored with the
run's model and put in the review queue, so the data team sees every record placed this way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pyarrow as pa

from famlink.engine import arrow_table, scalar
from famlink.households.residence import record_dates_sql
from famlink.link import model as splink_model
from famlink.link.settings import MatchingConfig
from famlink.project import Project

STRONG_RECORD = ("(r.nhs_number IS NOT NULL OR r.upn IS NOT NULL OR r.ni_number IS NOT NULL "
                 "OR (NOT r.is_initial_only AND r.surname IS NOT NULL AND r.dob IS NOT NULL))")
PROFILES_SQL = f"""
CREATE OR REPLACE TEMP TABLE _tmp_name_profiles AS
WITH p AS (
    SELECT r.profile_id, l.cluster, any_value(r.first_name_canon) AS canon,
           any_value(r.surname) AS surname, any_value(r.first_initial) AS initial,
           bool_and(r.is_initial_only AND r.first_initial IS NOT NULL
                    AND r.surname IS NOT NULL) AS initial_only,
           bool_and(NOT r.is_initial_only AND r.first_name_canon IS NOT NULL
                    AND r.surname IS NOT NULL) AS full_name,
           bool_or({STRONG_RECORD}) AS strong
    FROM _tmp_link_records r JOIN _tmp_link_labels l USING (profile_id)
    GROUP BY r.profile_id, l.cluster)
SELECT p.*, bool_or(p.strong) OVER (PARTITION BY p.cluster) AS cluster_strong FROM p
"""
# Each weak cluster's candidates: strong clusters with its full name, and strong clusters
# whose address agrees with it at weak_link (rivals: the name alone cannot choose then).
CANDIDATES_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_name_candidates AS
WITH weak AS (SELECT cluster AS w, profile_id, canon, surname, initial, full_name
              FROM _tmp_name_profiles
              WHERE NOT cluster_strong AND (full_name OR initial_only)),
named AS (SELECT DISTINCT ON (weak.w, s.cluster) weak.w, s.cluster AS c,
                 weak.profile_id AS weak_profile, s.profile_id AS strong_profile,
                 weak.full_name AS full_name
          FROM weak JOIN _tmp_name_profiles s
            ON s.cluster_strong AND s.surname = weak.surname AND s.initial = weak.initial
           AND (NOT weak.full_name OR (s.full_name AND s.canon = weak.canon))
          ORDER BY weak.w, s.cluster, weak.full_name DESC, s.strong DESC, s.profile_id,
                   weak.profile_id),
ends AS (SELECT record_id_l AS a, record_id_r AS b FROM _tmp_name_pairs
         WHERE address_agrees AND match_weight >= {weak_link}
         UNION ALL SELECT record_id_r, record_id_l FROM _tmp_name_pairs
         WHERE address_agrees AND match_weight >= {weak_link}),
rivals AS (SELECT DISTINCT pw.cluster AS w, ps.cluster AS c FROM ends
           JOIN _tmp_name_profiles pw ON pw.profile_id = ends.a AND NOT pw.cluster_strong
           JOIN _tmp_name_profiles ps ON ps.profile_id = ends.b AND ps.cluster_strong
           WHERE pw.cluster IN (SELECT w FROM weak))
SELECT coalesce(n.w, r.w) AS w, coalesce(n.c, r.c) AS c, n.weak_profile, n.strong_profile,
       n.w IS NOT NULL AS same_name, coalesce(n.full_name, false) AS full_name,
       r.w IS NOT NULL AS address_rival
FROM named n FULL JOIN rivals r ON r.w = n.w AND r.c = n.c
"""
# The co-members of a weak cluster who are persons in their own right, and the homes they
# have had; a candidate with a record at one of those homes shares a home with them.
TIES_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_name_ties AS
WITH open AS (SELECT w FROM _tmp_name_candidates GROUP BY w
              HAVING NOT bool_or(address_rival)),
g AS (SELECT record_id, group_key FROM record_groups
      UNION ALL SELECT record_id, group_key FROM _tmp_link_decision_groups),
mine AS (SELECT DISTINCT o.w, g.group_key FROM open o
         JOIN _tmp_name_profiles p ON p.cluster = o.w
         JOIN _tmp_link_records r ON r.profile_id = p.profile_id
         JOIN g ON g.record_id = r.record_id),
co AS (SELECT DISTINCT m.w, p.cluster AS co_cluster, p.profile_id AS co_profile
       FROM mine m JOIN g ON g.group_key = m.group_key
       JOIN _tmp_link_records r ON r.record_id = g.record_id
       JOIN _tmp_name_profiles p ON p.profile_id = r.profile_id
       WHERE p.cluster_strong AND p.cluster <> m.w),
co_homes AS (SELECT DISTINCT co.w, co.co_cluster, min(co.co_profile) AS co_profile,
                    r.dwelling
             FROM co JOIN _tmp_name_profiles p ON p.cluster = co.co_cluster
             JOIN _tmp_link_records r ON r.profile_id = p.profile_id
             WHERE r.dwelling IS NOT NULL GROUP BY co.w, co.co_cluster, r.dwelling),
candidate_homes AS (SELECT DISTINCT c.w, c.c, r.dwelling FROM _tmp_name_candidates c
                    JOIN open USING (w)
                    JOIN _tmp_name_profiles p ON p.cluster = c.c
                    JOIN _tmp_link_records r ON r.profile_id = p.profile_id
                    WHERE r.dwelling IS NOT NULL)
SELECT h.w, h.c, min(ch.co_profile) AS via_profile,
       'shares a home with someone on the same record' AS reason
FROM candidate_homes h JOIN co_homes ch ON ch.w = h.w AND ch.dwelling = h.dwelling
     AND ch.co_cluster <> h.c
GROUP BY h.w, h.c
UNION ALL
SELECT c.w, c.c, min(sc.profile_id) AS via_profile,
       'moved: a stay at another address ends as this one starts, or starts as it ends'
FROM _tmp_name_candidates c JOIN open USING (w)
JOIN _tmp_name_profiles pw ON pw.cluster = c.w
JOIN _tmp_name_stays sw ON sw.profile_id = pw.profile_id
JOIN _tmp_name_profiles pc ON pc.cluster = c.c
JOIN _tmp_name_stays sc ON sc.profile_id = pc.profile_id AND sc.dwelling <> sw.dwelling
WHERE abs(date_diff('day', sc.end_date, sw.start_date)) <= {move_days}
   OR abs(date_diff('day', sw.end_date, sc.start_date)) <= {move_days}
GROUP BY c.w, c.c
"""
# record stays (a liability, a tenancy, a claim at an address): start and, if ended, end
STAYS_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_name_stays AS
SELECT r.profile_id, r.dwelling, d.start_date, d.end_date
FROM ({dates}) d JOIN _tmp_link_records r USING (record_id)
WHERE d.is_period AND d.start_date IS NOT NULL AND r.dwelling IS NOT NULL
"""
CHOSEN_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_name_chosen AS
WITH counted AS (SELECT w, count(*) AS n, bool_or(address_rival) AS rival
                 FROM _tmp_name_candidates GROUP BY w),
only_one AS (SELECT c.w, c.c, c.weak_profile, c.strong_profile,
                    'the only person with this full name' AS reason, NULL AS via_profile
             FROM _tmp_name_candidates c JOIN counted n USING (w)
             WHERE n.n = 1 AND c.same_name AND c.full_name AND NOT n.rival),
tied AS (SELECT w FROM _tmp_name_ties WHERE w NOT IN (SELECT w FROM only_one)
         GROUP BY w HAVING count(DISTINCT c) = 1),
settled AS (SELECT DISTINCT ON (c.w) c.w, c.c, c.weak_profile, c.strong_profile, t.reason,
                   t.via_profile
            FROM _tmp_name_ties t JOIN tied USING (w)
            JOIN _tmp_name_candidates c ON c.w = t.w AND c.c = t.c AND c.same_name
            ORDER BY c.w, t.reason DESC)
SELECT * FROM only_one UNION ALL SELECT * FROM settled
"""
# record-level facts of the clusters in question, for the contradiction checks
MEMBERS_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_name_members AS
SELECT s.w AS pair_w, p.cluster = s.w AS is_weak, r.record_id, r.dwelling, r.generation,
       pr.date_of_birth, pr.latest_dob
FROM _tmp_name_chosen s
JOIN _tmp_name_profiles p ON p.cluster IN (s.w, s.c)
JOIN _tmp_link_records r ON r.profile_id = p.profile_id
JOIN person_records pr ON pr.record_id = r.record_id
"""
CONFLICTS_SQL = """
WITH g AS (SELECT record_id, group_key FROM record_groups
           UNION ALL SELECT record_id, group_key FROM _tmp_link_decision_groups),
grouped AS (SELECT m.pair_w, m.is_weak, g.group_key FROM _tmp_name_members m
            JOIN g USING (record_id)),
shared_group AS (SELECT DISTINCT a.pair_w FROM grouped a JOIN grouped b
                 ON a.pair_w = b.pair_w AND a.group_key = b.group_key
                 AND a.is_weak AND NOT b.is_weak),
too_young AS (SELECT a.pair_w FROM _tmp_name_members a JOIN _tmp_name_members b
              ON a.pair_w = b.pair_w AND a.is_weak <> b.is_weak
              WHERE b.date_of_birth > a.latest_dob GROUP BY a.pair_w),
generations AS (SELECT pair_w FROM _tmp_name_members WHERE generation IS NOT NULL
                GROUP BY pair_w HAVING count(DISTINCT generation) > 1),
stays AS (SELECT m.pair_w, m.is_weak, m.dwelling, d.start_date,
                 least(coalesce(d.end_date, DATE '{as_of}'), DATE '{as_of}') AS end_date
          FROM _tmp_name_members m JOIN ({dates}) d USING (record_id)
          WHERE d.is_period AND d.start_date IS NOT NULL AND m.dwelling IS NOT NULL),
overlapping AS (SELECT a.pair_w FROM stays a JOIN stays b
                ON a.pair_w = b.pair_w AND a.is_weak AND NOT b.is_weak
                AND a.dwelling <> b.dwelling
                WHERE date_diff('day', greatest(a.start_date, b.start_date),
                                least(a.end_date, b.end_date)) > {overlap_days}
                GROUP BY a.pair_w)
SELECT pair_w FROM shared_group UNION SELECT pair_w FROM too_young
UNION SELECT pair_w FROM generations UNION SELECT pair_w FROM overlapping
"""
RELABEL_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_name_relabel AS
WITH target AS (SELECT c, least(c, min(w)) AS label FROM _tmp_name_joined GROUP BY c)
SELECT j.w AS cluster, t.label FROM _tmp_name_joined j JOIN target t USING (c)
UNION ALL SELECT c, label FROM target
"""
PASSES = 4
JOINS_COLUMNS = ("profile_id VARCHAR, joined_profile_id VARCHAR, reason VARCHAR, "
                 "via_profile_id VARCHAR")


def _one_pass(con: duckdb.DuckDBPyConnection, config: MatchingConfig, conflicts: str) -> int:
    con.execute(PROFILES_SQL)
    con.execute(CANDIDATES_SQL.format(weak_link=float(config.thresholds.weak_link)))
    con.execute(TIES_SQL.format(move_days=int(config.weak_records.move_days)))
    con.execute(CHOSEN_SQL)
    con.execute(MEMBERS_SQL)
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_name_joined AS SELECT * FROM "
                f"_tmp_name_chosen WHERE w NOT IN ({conflicts})")
    con.execute(RELABEL_SQL)
    con.execute("UPDATE _tmp_link_labels l SET cluster = n.label FROM _tmp_name_relabel n "
                "WHERE l.cluster = n.cluster")
    con.execute("INSERT INTO _tmp_name_joins SELECT weak_profile, strong_profile, reason, "
                "via_profile FROM _tmp_name_joined ORDER BY weak_profile")
    return int(scalar(con, "SELECT count(*) FROM _tmp_name_joined") or 0)


def attach_by_name(project: Project, con: duckdb.DuckDBPyConnection, pairs: pa.Table,
                   config: MatchingConfig, as_of: dt.date) -> int:
    """Relabel ``_tmp_link_labels`` so each weak cluster that qualifies joins its person;
    list the joins in ``_tmp_name_joins`` (profile_id, joined_profile_id, reason,
    via_profile_id); return how many weak clusters joined. ``pairs`` are the scored pairs
    (with ``address_agrees``)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _tmp_name_joins ({JOINS_COLUMNS})")
    if not config.weak_records.join_by_full_name:
        return 0
    conflicts = CONFLICTS_SQL.format(
        as_of=as_of.isoformat(), dates=record_dates_sql(con, project),
        overlap_days=int(config.weak_records.stay_overlap_days))
    con.execute(STAYS_SQL.format(dates=record_dates_sql(con, project)))
    con.register("_tmp_name_pairs", pairs.select(
        ["record_id_l", "record_id_r", "match_weight", "address_agrees"]))
    try:
        for _ in range(PASSES):  # a record joined may be the co-member that settles another
            if not _one_pass(con, config, conflicts):
                break
    finally:
        con.unregister("_tmp_name_pairs")
    return int(scalar(con, "SELECT count(*) FROM _tmp_name_joins") or 0)


def join_pairs(con: duckdb.DuckDBPyConnection, model: dict[str, Any],
               profiles_sql: str) -> pa.Table | None:
    """The pair behind each join in ``_tmp_name_joins``, scored with ``model`` (term
    frequencies from every profile of ``profiles_sql``, as in the run's own scoring), with
    the columns the scoring returns; None when nothing joined."""
    wanted = arrow_table(con, "SELECT profile_id AS record_id_l, joined_profile_id AS "
                              "record_id_r FROM _tmp_name_joins")
    if not wanted.num_rows:
        return None
    frequencies = {c: arrow_table(con, f"""
        WITH p AS ({profiles_sql})
        SELECT {c}, count(*)::DOUBLE / (SELECT count({c}) FROM p) AS tf_{c}
        FROM p WHERE {c} IS NOT NULL GROUP BY {c}""") for c in splink_model.TF_COLUMNS}
    records = arrow_table(con, f"""
        WITH p AS ({profiles_sql})
        SELECT * FROM p WHERE record_id IN (SELECT profile_id FROM _tmp_name_joins
                                            UNION SELECT joined_profile_id FROM _tmp_name_joins)
        ORDER BY record_id""")
    return splink_model.score_listed_pairs(records, frequencies, model, wanted)
