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
must-not-link, the person is too young for the record's feed or too old for its role (a
child present at an incident), one is JR and the other SR, their sexes differ, they carry
different person numbers of one numbering (``person_ref``), or the record's stay (a
liability, a tenancy) at one address overlaps the person's stay at another by more than
``weak_records.stay_overlap_days`` (nobody pays council tax on two homes for years; a
liability left open for a few months after a move is common).

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
from famlink.link.record_columns import GROUPS_VIEW_SQL, STRONG_SQL
from famlink.link.settings import MatchingConfig
from famlink.project import Project

PROFILES_SQL = f"""
CREATE OR REPLACE TEMP TABLE _tmp_name_profiles AS
WITH p AS (
    SELECT r.profile_id, l.cluster, any_value(r.first_name_canon) AS canon,
           any_value(r.surname) AS surname, any_value(r.first_initial) AS initial,
           bool_and(r.is_initial_only AND r.first_initial IS NOT NULL
                    AND r.surname IS NOT NULL) AS initial_only,
           bool_and(NOT r.is_initial_only AND r.first_name_canon IS NOT NULL
                    AND r.surname IS NOT NULL) AS full_name,
           bool_or({STRONG_SQL.format(p="r")}) AS strong
    FROM _tmp_link_records r JOIN _tmp_link_labels l USING (profile_id)
    GROUP BY r.profile_id, l.cluster)
SELECT p.*, bool_or(p.strong) OVER (PARTITION BY p.cluster) AS cluster_strong FROM p
"""
# Per pass: the names of the strong clusters (one profile each, a strong one where there is
# one), every cluster's dwellings and its stays.
CLUSTER_FACTS_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_name_strong_names AS
SELECT cluster, surname, initial, canon, full_name,
       coalesce(min(profile_id) FILTER (WHERE strong), min(profile_id)) AS profile_id
FROM _tmp_name_profiles WHERE cluster_strong AND surname IS NOT NULL
GROUP BY cluster, surname, initial, canon, full_name;
CREATE OR REPLACE TEMP TABLE _tmp_name_strong_initials AS
SELECT cluster, surname, initial, min(profile_id) AS profile_id
FROM _tmp_name_strong_names GROUP BY cluster, surname, initial;
CREATE OR REPLACE TEMP TABLE _tmp_name_homes AS
SELECT DISTINCT p.cluster, r.dwelling, min(p.profile_id) AS profile_id
FROM _tmp_name_profiles p JOIN _tmp_link_records r USING (profile_id)
WHERE r.dwelling IS NOT NULL GROUP BY p.cluster, r.dwelling;
CREATE OR REPLACE TEMP TABLE _tmp_name_cluster_stays AS
SELECT p.cluster, s.* FROM _tmp_name_stays s JOIN _tmp_name_profiles p USING (profile_id);
"""
# The strong clusters by which a weak cluster given only an initial could be placed: those
# with a home where one of its strong co-members has one, and those with a stay elsewhere
# that ends or starts within move_days of one of its stays, by initial and surname. (Pairing
# every such record with everyone of its initial and surname first grows with the square of
# the town: 3 million pairs at 100,000 people, 295 million at 1,000,000.)
ROUTES_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_name_routes AS
WITH weak AS (SELECT DISTINCT cluster AS w, surname, initial FROM _tmp_name_profiles
              WHERE NOT cluster_strong AND initial_only AND NOT full_name {scope}),
co AS (SELECT DISTINCT w, co_cluster FROM _tmp_name_co
       WHERE cluster_strong AND w IN (SELECT w FROM weak)),
shared AS (SELECT DISTINCT co.w, h2.cluster AS c FROM co
           JOIN _tmp_name_homes h1 ON h1.cluster = co.co_cluster
           JOIN _tmp_name_homes h2 ON h2.dwelling = h1.dwelling AND h2.cluster <> co.co_cluster),
weak_stays AS (SELECT weak.w, weak.surname, weak.initial, s.dwelling,
                      unnest(generate_series(-{move_days}, {move_days})) AS shift,
                      s.start_date, s.end_date
               FROM weak JOIN _tmp_name_cluster_stays s ON s.cluster = weak.w),
named_stays AS (SELECT n.surname, n.initial, s.cluster, s.dwelling, s.start_date, s.end_date
                FROM _tmp_name_cluster_stays s
                JOIN _tmp_name_strong_initials n ON n.cluster = s.cluster),
ended AS (SELECT DISTINCT ws.w, ns.cluster AS c FROM weak_stays ws JOIN named_stays ns
          ON ns.surname = ws.surname AND ns.initial = ws.initial
          AND ns.end_date = CAST(ws.start_date + ws.shift * INTERVAL 1 DAY AS DATE)
          WHERE ns.dwelling <> ws.dwelling),
started AS (SELECT DISTINCT ws.w, ns.cluster AS c FROM weak_stays ws JOIN named_stays ns
            ON ns.surname = ws.surname AND ns.initial = ws.initial
            AND ns.start_date = CAST(ws.end_date + ws.shift * INTERVAL 1 DAY AS DATE)
            WHERE ns.dwelling <> ws.dwelling)
SELECT w, c FROM shared UNION SELECT w, c FROM ended UNION SELECT w, c FROM started
"""
# Each weak cluster's candidates: strong clusters with its full name, strong clusters with
# its initial and surname that a route could place it by, and strong clusters whose address
# agrees with it at weak_link (rivals: the name alone cannot choose then).
CANDIDATES_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_name_initial_counts AS
SELECT surname, initial, count(*) AS n FROM _tmp_name_strong_initials GROUP BY ALL;
CREATE OR REPLACE TEMP TABLE _tmp_name_candidates AS
WITH weak AS (SELECT cluster AS w, surname, initial, canon, full_name,
                     min(profile_id) AS profile_id
              FROM _tmp_name_profiles
              WHERE NOT cluster_strong AND (full_name OR initial_only) {scope}
              GROUP BY cluster, surname, initial, canon, full_name),
by_full_name AS (SELECT weak.w, s.cluster AS c, weak.profile_id AS weak_profile,
                        s.profile_id AS strong_profile, true AS full_name
                 FROM weak JOIN _tmp_name_strong_names s
                   ON s.full_name AND s.surname = weak.surname AND s.initial = weak.initial
                  AND s.canon = weak.canon
                 WHERE weak.full_name),
by_initial AS (SELECT weak.w, s.cluster AS c, weak.profile_id AS weak_profile,
                      s.profile_id AS strong_profile, false AS full_name
               FROM weak JOIN _tmp_name_routes rc ON rc.w = weak.w
               JOIN _tmp_name_strong_initials s
                 ON s.cluster = rc.c AND s.surname = weak.surname AND s.initial = weak.initial
               WHERE NOT weak.full_name
               UNION
               SELECT weak.w, s.cluster, weak.profile_id, s.profile_id, false
               FROM weak JOIN _tmp_name_initial_counts k
                 ON k.surname = weak.surname AND k.initial = weak.initial AND k.n = 1
               JOIN _tmp_name_strong_initials s
                 ON s.surname = k.surname AND s.initial = k.initial
               WHERE NOT weak.full_name),
named AS (SELECT w, c, min(weak_profile) AS weak_profile,
                 min(strong_profile) AS strong_profile, bool_or(full_name) AS full_name
          FROM (SELECT * FROM by_full_name UNION ALL SELECT * FROM by_initial)
          GROUP BY w, c),
rivals AS (SELECT DISTINCT pw.cluster AS w, ps.cluster AS c
           FROM (SELECT profile_id, cluster FROM _tmp_name_profiles
                 WHERE cluster IN (SELECT w FROM weak)) pw
           JOIN _tmp_name_ends e ON e.a = pw.profile_id
           JOIN _tmp_name_profiles ps ON ps.profile_id = e.b AND ps.cluster_strong)
SELECT coalesce(n.w, r.w) AS w, coalesce(n.c, r.c) AS c, n.weak_profile, n.strong_profile,
       n.w IS NOT NULL AS same_name, coalesce(n.full_name, false) AS full_name,
       r.w IS NOT NULL AS address_rival
FROM named n FULL JOIN rivals r ON r.w = n.w AND r.c = n.c;
CREATE OR REPLACE TEMP TABLE _tmp_name_crowded AS
SELECT DISTINCT p.cluster AS w FROM _tmp_name_profiles p
JOIN _tmp_name_initial_counts k ON k.surname = p.surname AND k.initial = p.initial AND k.n >= 2
WHERE NOT p.cluster_strong AND p.initial_only AND NOT p.full_name {scope}
"""
# the profile pairs whose addresses agree at weak_link, both ways round
ENDS_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_name_ends AS
SELECT record_id_l AS a, record_id_r AS b FROM _tmp_name_pairs
WHERE address_agrees AND match_weight >= {weak_link}
UNION ALL SELECT record_id_r, record_id_l FROM _tmp_name_pairs
WHERE address_agrees AND match_weight >= {weak_link}
"""
# The co-members of each weak cluster (on its account, claim or incident); those who are
# persons in their own right, and the homes they have had, place it: a candidate with a
# record at one of those homes shares a home with them.
CO_MEMBERS_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_name_co AS
WITH weak AS (SELECT DISTINCT cluster AS w FROM _tmp_name_profiles
              WHERE NOT cluster_strong AND (full_name OR initial_only) {scope}),
mine AS (SELECT DISTINCT o.w, g.group_key FROM weak o
         JOIN _tmp_name_profiles p ON p.cluster = o.w
         JOIN _tmp_link_records r ON r.profile_id = p.profile_id
         JOIN _tmp_link_groups g ON g.record_id = r.record_id)
SELECT DISTINCT m.w, p.cluster AS co_cluster, p.profile_id AS co_profile, p.cluster_strong
FROM mine m JOIN _tmp_link_groups g ON g.group_key = m.group_key
JOIN _tmp_link_records r ON r.record_id = g.record_id
JOIN _tmp_name_profiles p ON p.profile_id = r.profile_id
WHERE p.cluster <> m.w
"""
TIES_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_name_ties AS
WITH open AS (SELECT w FROM _tmp_name_candidates GROUP BY w
              HAVING NOT bool_or(address_rival)),
co AS (SELECT * FROM _tmp_name_co WHERE cluster_strong),
co_homes AS (SELECT co.w, co.co_cluster, min(co.co_profile) AS co_profile, h.dwelling
             FROM co JOIN _tmp_name_homes h ON h.cluster = co.co_cluster
             GROUP BY co.w, co.co_cluster, h.dwelling),
candidate_homes AS (SELECT c.w, c.c, h.dwelling FROM _tmp_name_candidates c
                    JOIN open USING (w) JOIN _tmp_name_homes h ON h.cluster = c.c)
SELECT h.w, h.c, min(ch.co_profile) AS via_profile,
       'shares a home with someone on the same record' AS reason
FROM candidate_homes h JOIN co_homes ch ON ch.w = h.w AND ch.dwelling = h.dwelling
     AND ch.co_cluster <> h.c
GROUP BY h.w, h.c
UNION ALL
SELECT w, c, min(via_profile), 'moved: a stay at another address ends as this one starts, '
       'or starts as it ends' FROM _tmp_name_moves GROUP BY w, c
"""
# a candidate's stay elsewhere ending as the weak cluster's starts, or starting as it ends
# (in steps, each joined on its cluster, so no stays are paired across clusters)
MOVES_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_name_weak_stays AS
SELECT c.w, c.c, s.dwelling, s.start_date, s.end_date
FROM (SELECT DISTINCT w, c FROM _tmp_name_candidates
      WHERE w IN (SELECT w FROM _tmp_name_candidates GROUP BY w
                  HAVING NOT bool_or(address_rival))) c
JOIN _tmp_name_cluster_stays s ON s.cluster = c.w;
CREATE OR REPLACE TEMP TABLE _tmp_name_moves AS
SELECT ws.w, ws.c, cs.profile_id AS via_profile
FROM _tmp_name_weak_stays ws JOIN _tmp_name_cluster_stays cs ON cs.cluster = ws.c
WHERE cs.dwelling <> ws.dwelling
  AND (abs(date_diff('day', cs.end_date, ws.start_date)) <= {move_days}
       OR abs(date_diff('day', ws.end_date, cs.start_date)) <= {move_days});
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
             WHERE n.n = 1 AND c.same_name AND c.full_name AND NOT n.rival
               AND c.w NOT IN (SELECT w FROM _tmp_name_crowded)),
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
WITH sides AS (SELECT w AS pair_w, w AS cluster, true AS is_weak FROM _tmp_name_chosen
               UNION ALL SELECT w, c, false FROM _tmp_name_chosen)
SELECT s.pair_w, s.is_weak, r.record_id, r.dwelling, r.generation, r.sex, r.person_key,
       pr.date_of_birth, pr.latest_dob, pr.earliest_dob
FROM sides s
JOIN _tmp_name_profiles p ON p.cluster = s.cluster
JOIN _tmp_link_records r ON r.profile_id = p.profile_id
JOIN person_records pr ON pr.record_id = r.record_id
"""
CONFLICTS_SQL = """
WITH grouped AS (SELECT m.pair_w, m.is_weak, g.group_key FROM _tmp_name_members m
            JOIN _tmp_link_groups g USING (record_id)),
shared_group AS (SELECT DISTINCT a.pair_w FROM grouped a JOIN grouped b
                 ON a.pair_w = b.pair_w AND a.group_key = b.group_key
                 AND a.is_weak AND NOT b.is_weak),
too_young AS (SELECT a.pair_w FROM _tmp_name_members a JOIN _tmp_name_members b
              ON a.pair_w = b.pair_w AND a.is_weak <> b.is_weak
              WHERE b.date_of_birth > a.latest_dob OR b.earliest_dob > a.latest_dob
                 OR b.latest_dob < a.earliest_dob
              GROUP BY a.pair_w),
too_old AS (SELECT a.pair_w FROM _tmp_name_members a JOIN _tmp_name_members b
            ON a.pair_w = b.pair_w AND a.is_weak <> b.is_weak
            WHERE a.earliest_dob IS NOT NULL AND b.date_of_birth IS NOT NULL
            GROUP BY a.pair_w, a.record_id HAVING max(b.date_of_birth) < min(a.earliest_dob)),
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
                GROUP BY a.pair_w),
sexes AS (SELECT pair_w FROM _tmp_name_members WHERE sex IS NOT NULL GROUP BY pair_w
          HAVING NOT list_has_any(list(DISTINCT sex) FILTER (WHERE is_weak),
                                  list(DISTINCT sex) FILTER (WHERE NOT is_weak))
             AND bool_or(is_weak) AND bool_or(NOT is_weak)),
keys AS (SELECT pair_w, split_part(person_key, ':', 1) AS numbering FROM _tmp_name_members
         WHERE person_key IS NOT NULL GROUP BY pair_w, numbering
         HAVING bool_or(is_weak) AND bool_or(NOT is_weak)
            AND NOT list_has_any(list(DISTINCT person_key) FILTER (WHERE is_weak),
                                 list(DISTINCT person_key) FILTER (WHERE NOT is_weak)))
SELECT pair_w FROM shared_group UNION SELECT pair_w FROM too_young UNION
SELECT pair_w FROM too_old
UNION SELECT pair_w FROM generations UNION SELECT pair_w FROM overlapping
UNION SELECT pair_w FROM sexes UNION SELECT pair_w FROM keys
"""
# two weak clusters joining one person in the same pass must not be kept apart themselves
# (one cannot-link group, or a human must-not-link between them): neither joins
CLASHES_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_name_joined AS
WITH wg AS (SELECT DISTINCT j.w, j.c, g.group_key FROM _tmp_name_joined j
       JOIN _tmp_name_profiles p ON p.cluster = j.w
       JOIN _tmp_link_records r ON r.profile_id = p.profile_id
       JOIN _tmp_link_groups g ON g.record_id = r.record_id),
clash AS (SELECT DISTINCT a.w FROM wg a JOIN wg b
          ON a.c = b.c AND a.group_key = b.group_key AND a.w <> b.w)
SELECT * FROM _tmp_name_joined WHERE w NOT IN (SELECT w FROM clash)
"""
RELABEL_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_name_relabel AS
WITH target AS (SELECT c, least(c, min(w)) AS label FROM _tmp_name_joined GROUP BY c)
SELECT j.w AS cluster, t.label FROM _tmp_name_joined j JOIN target t USING (c)
UNION ALL SELECT c, label FROM target
"""
PASSES = 2
JOINS_COLUMNS = ("profile_id VARCHAR, joined_profile_id VARCHAR, reason VARCHAR, "
                 "via_profile_id VARCHAR")


# the weak clusters a pass's joins may have settled: those whose co-member or candidate
# was joined or took a record
NEXT_SCOPE_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_name_scope AS
WITH changed AS (SELECT cluster FROM _tmp_name_relabel)
SELECT DISTINCT l.cluster AS w FROM (
    SELECT w FROM _tmp_name_co WHERE co_cluster IN (SELECT cluster FROM changed)
    UNION SELECT w FROM _tmp_name_candidates WHERE c IN (SELECT cluster FROM changed)
    UNION SELECT p.cluster FROM _tmp_name_profiles p
          SEMI JOIN (SELECT DISTINCT s.surname, s.initial FROM _tmp_name_strong_initials s
                     SEMI JOIN changed ON changed.cluster = s.cluster) k
            ON k.surname = p.surname AND k.initial = p.initial
          WHERE NOT p.cluster_strong AND p.initial_only) n
JOIN _tmp_name_profiles p ON p.cluster = n.w JOIN _tmp_link_labels l USING (profile_id)
"""


def _one_pass(con: duckdb.DuckDBPyConnection, config: MatchingConfig, conflicts: str,
              first: bool) -> int:
    con.execute(PROFILES_SQL)
    con.execute(CLUSTER_FACTS_SQL)
    scope = "" if first else "AND cluster IN (SELECT w FROM _tmp_name_scope)"
    con.execute(CO_MEMBERS_SQL.format(scope=scope))
    con.execute(ROUTES_SQL.format(scope=scope, move_days=int(config.weak_records.move_days)))
    con.execute(CANDIDATES_SQL.format(scope=scope))
    con.execute(MOVES_SQL.format(move_days=int(config.weak_records.move_days)))
    con.execute(TIES_SQL)
    con.execute(CHOSEN_SQL)
    con.execute(MEMBERS_SQL)
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_name_joined AS SELECT * FROM "
                f"_tmp_name_chosen WHERE w NOT IN ({conflicts})")
    con.execute(CLASHES_SQL)
    con.execute(RELABEL_SQL)
    con.execute("UPDATE _tmp_link_labels l SET cluster = n.label FROM _tmp_name_relabel n "
                "WHERE l.cluster = n.cluster")
    con.execute("INSERT INTO _tmp_name_joins SELECT weak_profile, strong_profile, reason, "
                "via_profile FROM _tmp_name_joined ORDER BY weak_profile")
    con.execute(NEXT_SCOPE_SQL)
    return int(scalar(con, "SELECT count(*) FROM _tmp_name_scope") or 0)


def attach_by_name(project: Project, con: duckdb.DuckDBPyConnection, pairs: pa.Table,
                   config: MatchingConfig, as_of: dt.date) -> int:
    """Relabel ``_tmp_link_labels`` so each weak cluster that qualifies joins its person;
    list the joins in ``_tmp_name_joins`` (profile_id, joined_profile_id, reason,
    via_profile_id); return how many weak clusters joined. ``pairs`` are the scored pairs
    (with ``address_agrees``)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _tmp_name_joins ({JOINS_COLUMNS})")
    if not config.weak_records.join_by_full_name:
        return 0
    dates = record_dates_sql(con, project)
    conflicts = CONFLICTS_SQL.format(as_of=as_of.isoformat(), dates=dates,
                                     overlap_days=int(config.weak_records.stay_overlap_days))
    con.execute(GROUPS_VIEW_SQL)
    con.execute(STAYS_SQL.format(dates=dates))
    con.register("_tmp_name_pairs", pairs.select(
        ["record_id_l", "record_id_r", "match_weight", "address_agrees"]))
    try:
        con.execute(ENDS_SQL.format(weak_link=float(config.thresholds.weak_link)))
    finally:
        con.unregister("_tmp_name_pairs")
    for n in range(PASSES):  # a record joined may be the co-member that settles another
        if not _one_pass(con, config, conflicts, first=n == 0):
            break
    return int(scalar(con, "SELECT count(*) FROM _tmp_name_joins") or 0)


def join_pairs(con: duckdb.DuckDBPyConnection, model: dict[str, Any],
               profiles_sql: str) -> pa.Table | None:
    """The pair behind each join in ``_tmp_name_joins``, scored with ``model`` (term
    frequencies from every profile of ``profiles_sql``, as in the run's own scoring), with
    the columns the scoring returns; None when nothing joined."""
    if not scalar(con, "SELECT count(*) FROM _tmp_name_joins"):
        return None
    frequencies = {c: arrow_table(con, f"""
        WITH p AS ({profiles_sql})
        SELECT {c}, count(*)::DOUBLE / (SELECT count({c}) FROM p) AS tf_{c}
        FROM p WHERE {c} IS NOT NULL GROUP BY {c}""") for c in splink_model.TF_COLUMNS}
    # each pair on its own key: the weak profile's id (the person's profile is copied once
    # per join, under the id PERSON_PROFILE>WEAK_PROFILE)
    records = arrow_table(con, f"""
        WITH p AS ({profiles_sql})
        SELECT p.*, j.profile_id AS pair_key FROM p
        JOIN _tmp_name_joins j ON p.record_id = j.profile_id
        UNION ALL
        SELECT p.* REPLACE (p.record_id || '>' || j.profile_id AS record_id),
               j.profile_id AS pair_key FROM p
        JOIN _tmp_name_joins j ON p.record_id = j.joined_profile_id
        ORDER BY record_id""")
    scored = splink_model.score_pairs_on_key(records, frequencies, model, "pair_key")
    con.register("_tmp_name_scored", scored)
    try:
        return arrow_table(con, """
            SELECT split_part(record_id_l, '>', 1) AS record_id_l,
                   split_part(record_id_r, '>', 1) AS record_id_r,
                   match_weight, match_probability, NULL::INTEGER AS match_key
            FROM _tmp_name_scored""")
    finally:
        con.unregister("_tmp_name_scored")
