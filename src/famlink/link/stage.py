"""The link stage: person_records -> match_pairs, persons, person_membership, review_queue.

Steps: prepare the matching columns and collapse records whose matching values are all
identical into one *profile* (a child in thirty termly returns is one profile, not 435
pairs); train the model on the profiles (or reuse a saved one); score blocked pairs of
profiles; cluster them under the constraints (cannot-link groups, conflicting identifiers,
adults-only feeds, human decisions); give clusters their stable person IDs; write the tables.
The UPRN compared is the gazetteer's (``matched_uprn``), else the feed's own.
A profile is named by its smallest record id, so every pair shown is a real record pair.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from famlink.engine import (
    arrow_table,
    create_temp_table,
    scalar,
    table_exists,
    transaction,
)
from famlink.households.stage import as_of_date
from famlink.link import incremental, touched
from famlink.link import model as splink_model
from famlink.link.clusters import cluster_columns
from famlink.link.decisions import current_decisions, project_state
from famlink.link.name_only import attach_by_name, join_pairs
from famlink.link.record_columns import (
    GROUPS_VIEW_SQL,
    STRONG_SQL,
    RecordColumns,
    names_sql,
)
from famlink.link.settings import MatchingConfig, Thresholds, load_matching
from famlink.link.stable_ids import IdEvent, assign_ids_in_sql, event_columns
from famlink.pipeline import Progress, StageResult
from famlink.project import Project

LINK_INPUT_SQL = """
SELECT record_id, first_name, middle_names, first_name_canon, first_name_metaphone,
       first_initial,
       coalesce(is_initial_only, false) AS is_initial_only, surname, surname_metaphone,
       list_distinct(list_concat(coalesce(surname_parts, []),
           coalesce(string_split(former_surname, ' '), []))) AS surname_all,
       strftime(date_of_birth, '%Y-%m-%d') AS dob, sex, postcode_key AS postcode,
       coalesce(postcode_outward, left(postcode_key, 3)) AS postcode_outward, postcode_sector,
       coalesce(matched_uprn, uprn) AS uprn,
       house_number, address_norm,
       CASE WHEN coalesce(matched_uprn, uprn) IS NOT NULL THEN 'U' || coalesce(matched_uprn, uprn)
            WHEN postcode IS NOT NULL AND coalesce(house_number, house_name) IS NOT NULL
            THEN concat_ws('|', coalesce(flat, ''), coalesce(house_number, house_name),
                           postcode) END AS dwelling,
       nhs_number, upn, ni_number, person_key, generation,
       earliest_dob IS NOT NULL AS child_role
FROM person_records
"""
PROFILE_COLUMNS = (
    "first_name", "middle_names", "first_name_canon", "first_name_metaphone", "first_initial",
    "is_initial_only", "surname", "surname_metaphone", "surname_all", "dob", "sex", "postcode",
    "postcode_outward", "postcode_sector", "uprn", "house_number", "address_norm", "dwelling",
    "nhs_number", "upn", "ni_number", "person_key", "generation", "child_role")
# Identical records collapse into one profile (a record in a child's role, max_age, never with
# one that is not: a boy present at an incident and his father of one name, neither with a
# date of birth, at one address), except a second identical weak record in one
# cannot-link group (two "MR J SMITH" on one council tax account are two people; two rows
# with the same name, date of birth and address on one tenancy's same-day events are one
# person's row twice).
LINK_RECORDS_SQL = f"""
CREATE OR REPLACE TEMP TABLE _tmp_link_records AS
WITH input AS ({LINK_INPUT_SQL}),
ranked AS (
    SELECT g.record_id, CASE WHEN {STRONG_SQL.format(p="i")} THEN 0 ELSE row_number() OVER (
        PARTITION BY g.group_key, {", ".join("i." + c for c in PROFILE_COLUMNS)}
        ORDER BY g.record_id) - 1 END AS n
    FROM record_groups g JOIN input i USING (record_id)),
repeats AS (SELECT record_id, max(n) AS repeat_in_group FROM ranked GROUP BY record_id)
SELECT i.*, min(i.record_id) OVER (PARTITION BY {", ".join("i." + c for c in PROFILE_COLUMNS)},
                                   coalesce(r.repeat_in_group, 0)) AS profile_id
FROM input i LEFT JOIN repeats r USING (record_id)
"""
PROFILES_SQL = ("SELECT * EXCLUDE (profile_id) FROM _tmp_link_records "
                "WHERE record_id = profile_id ORDER BY record_id")
# One clustering record per profile, carrying the constraints of all its records (the
# columns of RecordColumns); a human must-not-link is one more cannot-link group.
RECORDS_SQL = """
SELECT * EXCLUDE (first_name_canon, surname, first_initial, is_initial_only, link_dob, postcode,
                  dwelling),
       {NAMES} AS names
FROM (
SELECT r.profile_id AS record_id, any_value(p.nhs_number) AS nhs_number,
       any_value(p.upn) AS upn, any_value(p.ni_number) AS ni_number,
       any_value(p.date_of_birth) AS dob, any_value(p.generation) AS generation,
       min(p.latest_dob) AS latest_dob, max(p.earliest_dob) AS earliest_dob,
       bool_or(p.nhs_number IS NOT NULL OR p.upn IS NOT NULL OR p.ni_number IS NOT NULL OR
               (NOT coalesce(p.is_initial_only, true) AND p.surname IS NOT NULL
                AND p.date_of_birth IS NOT NULL)) AS strong,
       coalesce(list(DISTINCT g.group_key ORDER BY g.group_key)
                FILTER (WHERE g.group_key IS NOT NULL), []) AS groups,
       list_filter([f || '|' || any_value(r.first_initial) FOR f IN [
           'nhs:' || any_value(r.nhs_number), 'upn:' || any_value(r.upn),
           'ni:' || any_value(r.ni_number), any_value(r.person_key)]],
           lambda k: k IS NOT NULL) AS keys,
       any_value(r.first_name_canon) AS first_name_canon, any_value(r.surname) AS surname,
       any_value(r.first_initial) AS first_initial,
       any_value(r.is_initial_only) AS is_initial_only, any_value(r.dob) AS link_dob,
       any_value(r.postcode) AS postcode, any_value(r.dwelling) AS dwelling
FROM _tmp_link_records r JOIN person_records p USING (record_id)
LEFT JOIN _tmp_link_groups g USING (record_id)
GROUP BY r.profile_id) rec ORDER BY record_id
""".replace("{NAMES}", names_sql("rec", "rec.strong").replace("rec.dob", "rec.link_dob"))
IDENTIFIER_AGREES = ("coalesce(l.nhs_number = r.nhs_number OR l.upn = r.upn OR l.ni_number = "
                     "r.ni_number OR l.person_key = r.person_key, false)")
# The same dwelling, postcode, or house number and nearly the same address text (a typo in
# the street or the postcode)
ADDRESS_AGREES = ("coalesce(l.uprn = r.uprn OR l.dwelling = r.dwelling OR l.postcode = "
                  "r.postcode OR (l.house_number = r.house_number AND jaro_winkler_similarity("
                  "l.address_norm, r.address_norm) >= 0.92), false)")
# Twins share surname, date of birth and address, which together outweigh any forename in a
# naive Bayes model. A pair whose forenames clearly differ (not the same name, nickname,
# typo, initial, middle name used as first name, or swapped with the surname) is never
# merged directly, whatever its weight, unless an identifier agrees and so does the date of
# birth, give or take a typo, where both are known (a replaced forename; twins never share an
# identifier, and a mother's number on her baby's record comes with another date). The
# clustering lets a shared identifier with the same first initial outweigh dates of birth
# years apart.
FORENAMES_DIFFER = f"""
    l.first_name IS NOT NULL AND r.first_name IS NOT NULL
    AND NOT l.is_initial_only AND NOT r.is_initial_only
    AND l.first_name <> r.first_name
    AND coalesce(l.first_name_canon <> r.first_name_canon, true)
    AND jaro_winkler_similarity(l.first_name, r.first_name) < 0.85
    AND damerau_levenshtein(l.first_name, r.first_name) > 2
    AND l.first_name <> coalesce(r.surname, '') AND r.first_name <> coalesce(l.surname, '')
    AND NOT contains(' ' || coalesce(r.middle_names, '') || ' ', ' ' || l.first_name || ' ')
    AND NOT contains(' ' || coalesce(l.middle_names, '') || ' ', ' ' || r.first_name || ' ')
    AND NOT ({IDENTIFIER_AGREES} AND coalesce(damerau_levenshtein(l.dob, r.dob) <= 1, true))
"""
PAIRS_SQL = f"""
SELECT q.*, coalesce({FORENAMES_DIFFER}, false) AS forenames_differ,
       {ADDRESS_AGREES} AS address_agrees, {IDENTIFIER_AGREES} AS identifier_agrees,
       {STRONG_SQL.format(p="l")} AND {STRONG_SQL.format(p="r")} AS both_strong
FROM _tmp_link_scored q
JOIN _tmp_link_records l ON l.record_id = q.record_id_l
JOIN _tmp_link_records r ON r.record_id = q.record_id_r
ORDER BY q.record_id_l, q.record_id_r
"""
TRAINING_SAMPLE_SQL = PROFILES_SQL.replace(
    "ORDER BY record_id", "ORDER BY hash(record_id), record_id LIMIT {n}")


def _profiles_of(con: duckdb.DuckDBPyConnection, record_ids: list[str]) -> dict[str, str]:
    """record_id -> profile_id, for the given records only (those named in decisions)."""
    if not record_ids:
        return {}
    rows = con.execute("SELECT record_id, profile_id FROM _tmp_link_records "
                       "WHERE list_contains(?::VARCHAR[], record_id)", [record_ids]).fetchall()
    return dict(rows)


def _record_columns(con: duckdb.DuckDBPyConnection, must_not: list[tuple[str, str]],
                    only_touched: bool = False) -> RecordColumns:
    """One clustering record per profile (or per profile in ``_tmp_link_touched``)."""
    keys = [(rid, f"decision:{i}") for i, pair in enumerate(must_not) for rid in pair]
    create_temp_table(con, "_tmp_link_decision_groups",
                      {"record_id": pa.array([k[0] for k in keys], pa.string()),
                       "group_key": pa.array([k[1] for k in keys], pa.string())})
    con.execute(GROUPS_VIEW_SQL)
    return RecordColumns.from_arrow(arrow_table(
        con, touched.records_sql(RECORDS_SQL) if only_touched else RECORDS_SQL))


def _clusterable(pairs: pa.Table, t: Thresholds, forenames_must_agree: bool) -> pa.Array:
    """Which scored pairs may join two groups (before the group-level constraint checks).

    Never a pair whose forenames clearly differ. Two strong records: at ``link``. A weak
    record (no date of birth, or initials only): at ``weak_link`` where the addresses or an
    identifier agree, else only at ``link_without_address`` if set (a name alone is a guess).
    """
    weight = pairs.column("match_weight")
    address = pc.or_(pairs.column("address_agrees"), pairs.column("identifier_agrees"))
    strong = pairs.column("both_strong")
    at = lambda bar: pc.greater_equal(weight, bar)  # noqa: E731
    allowed = pc.or_(pc.and_(at(t.link), pc.or_(strong, address)),
                     pc.and_(at(t.weak_link), address))
    if t.link_without_address is not None:
        allowed = pc.or_(allowed, at(t.link_without_address))
    if not forenames_must_agree:
        return allowed
    return pc.and_(pc.invert(pairs.column("forenames_differ")), allowed)


def _cluster_profiles(con: duckdb.DuckDBPyConnection, pairs: pa.Table, config: MatchingConfig,
                      must: list[tuple[str, str]], must_not: list[tuple[str, str]],
                      part: bool = False) -> int:
    """Cluster the profiles into ``_tmp_link_labels`` (profile_id, cluster: the smallest
    profile id of its cluster); with ``part``, only the components a change touched.
    Returns how many profiles were clustered."""
    t = config.thresholds
    edges = pairs.filter(_clusterable(pairs, t, config.constraints.forenames_must_agree))
    if part:
        decided = [r for pair in must + must_not for r in pair if r]
        touched.touched_profiles(con, edges, must, decided, t)
    cols = _record_columns(con, must_not, part)
    must_pairs = tuple(cols.indices(pa.array([m[k] for m in must], pa.string()))
                       for k in (0, 1))
    labels = cluster_columns(
        cols, edges.column("match_weight").to_numpy(), cols.indices(edges.column("record_id_l")),
        cols.indices(edges.column("record_id_r")), t.link, (must_pairs[0], must_pairs[1]),
        t.weak_margin, t.weak_link, config.constraints.dob_years_apart)
    clusters = pc.take(cols.ids, pa.array(labels))
    if part:
        touched.keep_other_labels(con, cols.ids, clusters)
    else:
        create_temp_table(con, "_tmp_link_labels", {"profile_id": cols.ids, "cluster": clusters})
    return len(cols.ids)


def _person_ids(con: duckdb.DuckDBPyConnection) -> list[IdEvent]:
    """_tmp_link_ids (cluster -> person_id): stable IDs kept from the last run's persons by
    their records; returns the ID changes."""
    before = ("SELECT record_id AS member, person_id AS id FROM person_membership"
              if table_exists(con, "person_membership") else None)
    now = ("SELECT r.record_id AS member, l.cluster FROM _tmp_link_records r "
           "JOIN _tmp_link_labels l USING (profile_id)")
    return assign_ids_in_sql(con, now, before, "_tmp_link_ids")


def _trained_model(project: Project, con: duckdb.DuckDBPyConnection, config: MatchingConfig,
                   progress: Progress) -> dict[str, Any]:
    if config.model:
        return dict(json.loads((project.root / config.model).read_text()))
    progress("link: training", 0, 1)
    sample = arrow_table(con, TRAINING_SAMPLE_SQL.format(n=int(config.training.max_records)))
    return splink_model.train(sample, config)


def _write_membership(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE OR REPLACE TABLE person_membership AS SELECT r.record_id, "
                "i.id AS person_id, p.feed, r.profile_id FROM _tmp_link_records r "
                "JOIN _tmp_link_labels l USING (profile_id) JOIN _tmp_link_ids i USING (cluster) "
                "JOIN person_records p USING (record_id) ORDER BY i.id, r.record_id")


PERSONS_SELECT = """
SELECT m.person_id, count(*) AS n_records, list(DISTINCT m.feed ORDER BY m.feed) AS feeds,
       mode(p.first_name ORDER BY p.first_name) FILTER (WHERE NOT p.is_initial_only) AS first_name,
       mode(p.surname ORDER BY p.surname) AS surname,
       mode(p.date_of_birth ORDER BY p.date_of_birth) AS date_of_birth,
       mode(p.sex ORDER BY p.sex) AS sex,
       min(p.nhs_number) AS nhs_number, min(p.upn) AS upn, min(p.ni_number) AS ni_number
FROM person_membership m JOIN person_records p USING (record_id) {where}
GROUP BY m.person_id ORDER BY m.person_id
"""
PERSONS_SQL = "CREATE OR REPLACE TABLE persons AS " + PERSONS_SELECT.format(where="")
REVIEW_SQL = """
CREATE OR REPLACE TABLE review_queue AS
SELECT q.record_id_l, q.record_id_r, q.match_weight, q.match_probability,
       ml.person_id AS person_id_l, mr.person_id AS person_id_r,
       ml.person_id = mr.person_id AS same_person
FROM match_pairs q
JOIN person_membership ml ON ml.record_id = q.record_id_l
JOIN person_membership mr ON mr.record_id = q.record_id_r
WHERE (q.match_weight >= {low} AND q.match_weight < {high})
   OR (q.record_id_l, q.record_id_r) IN (
       SELECT (least(profile_id, joined_profile_id), greatest(profile_id, joined_profile_id))
       FROM name_only_joins)
ORDER BY abs(q.match_weight - {high}), q.record_id_l, q.record_id_r
"""


def _write_history(con: duckdb.DuckDBPyConnection, run_id: str, events: list[IdEvent]) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS person_id_history (run_id VARCHAR, event VARCHAR, "
                "person_id VARCHAR, other_person_id VARCHAR, records BIGINT)")
    create_temp_table(con, "_tmp_link_history", event_columns(events))
    con.execute("INSERT INTO person_id_history SELECT ?, event, id, other_id, members "
                "FROM _tmp_link_history", [run_id])


def _write_run(con: duckdb.DuckDBPyConnection, run_id: str, model: dict[str, Any],
               config: MatchingConfig, counts: dict[str, int]) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS link_runs (run_id VARCHAR PRIMARY KEY, "
                "finished_at TIMESTAMP, model_json VARCHAR, matching_json VARCHAR, "
                "counts_json VARCHAR)")
    con.execute("INSERT INTO link_runs VALUES (?, ?, ?, ?, ?)",
                [run_id, dt.datetime.now(), json.dumps(model), config.model_dump_json(),
                 json.dumps(counts)])


def save_model(project: Project, run_id: str, model: dict[str, Any]) -> Path:
    path = project.root / "models" / f"link-{run_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model, indent=1))
    return path


def _score(project: Project, con: duckdb.DuckDBPyConnection, config: MatchingConfig,
           progress: Progress
           ) -> tuple[dict[str, Any], pa.Table, int, list[str], incremental.Increment | None]:
    """The model and the scored pairs: only the new profiles' pairs when a run can be
    incremental (the increment is returned), else every blocked pair (training the model
    unless one is configured)."""
    incremental.fingerprint_profiles(con, PROFILE_COLUMNS)
    plan = incremental.plan_increment(con, config)
    if plan is None:
        model = _trained_model(project, con, config, progress)
        progress("link: scoring pairs", 0, 1)
        profiles = arrow_table(con, PROFILES_SQL)
        con.register("_tmp_link_scored",
                     splink_model.predict(profiles, model, config.thresholds.keep_pairs))
        pairs = arrow_table(con, PAIRS_SQL)
        con.unregister("_tmp_link_scored")
        return model, pairs, profiles.num_rows, ["full run: every blocked pair scored"], None
    progress("link: scoring new records", 0, 1)
    profiles = incremental.profiles_marked_new(con, PROFILES_SQL)
    new_pairs = None
    if plan.new_profiles or plan.rescored_pairs:
        con.register("_tmp_link_scored", splink_model.predict(
            profiles, incremental.restrict_to_new(plan.model), config.thresholds.keep_pairs))
        new_pairs = arrow_table(con, PAIRS_SQL)
        con.unregister("_tmp_link_scored")
    pairs = incremental.merge_pairs(con, new_pairs, config)
    return plan.model, pairs, profiles.num_rows, [plan.note], plan


def _with_join_pairs(con: duckdb.DuckDBPyConnection, pairs: pa.Table,
                     model: dict[str, Any]) -> pa.Table:
    """The scored pairs, plus the pair behind each join by name that no blocking rule had
    scored (so every join can be explained and reviewed)."""
    scored = join_pairs(con, model, PROFILES_SQL)
    if scored is None:
        return pairs
    con.register("_tmp_link_scored", scored)
    con.register("_tmp_link_had", pairs.select(["record_id_l", "record_id_r"]))
    try:
        new = arrow_table(con, f"SELECT * FROM ({PAIRS_SQL}) n ANTI JOIN _tmp_link_had h ON "
                               "least(n.record_id_l, n.record_id_r) = least(h.record_id_l, "
                               "h.record_id_r) AND greatest(n.record_id_l, n.record_id_r) = "
                               "greatest(h.record_id_l, h.record_id_r)")
    finally:
        con.unregister("_tmp_link_scored")
        con.unregister("_tmp_link_had")
    return pa.concat_tables([pairs, new.cast(pairs.schema)])


def run_link(project: Project, con: duckdb.DuckDBPyConnection,
             progress: Progress) -> StageResult:
    config = load_matching(project.root)
    run_id = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
    con.execute(LINK_RECORDS_SQL)
    model, pairs, n_profiles, notes, increment = _score(project, con, config, progress)
    decisions = current_decisions(project_state(project))
    profile_of = _profiles_of(con, [r for d in decisions for r in (d.record_id_l, d.record_id_r)])
    must = [(profile_of.get(d.record_id_l, ""), profile_of.get(d.record_id_r, ""))
            for d in decisions if d.decision == "must_link"]
    must_not = [(profile_of.get(d.record_id_l, ""), profile_of.get(d.record_id_r, ""))
                for d in decisions if d.decision == "must_not_link"]
    progress("link: clustering", 0, 1)
    part = increment is not None and touched.can_cluster_part(con)
    clustered = _cluster_profiles(con, pairs, config, must, must_not, part)
    notes.append(f"clustered again: only {clustered} of {n_profiles} profiles, in the parts "
                 "of the pair graph the new records touched" if part else
                 "clustered again: every profile")
    # the clustering's own labels, which the next run keeps where nothing touched them
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_link_clusters AS "
                "SELECT * FROM _tmp_link_labels")
    progress("link: weak records by name", 0, 1)
    joined_by_name = attach_by_name(project, con, pairs, config, as_of_date(project))
    progress("link: scoring the name joins", 0, 1)
    pairs = _with_join_pairs(con, pairs, model)
    progress("link: person ids", 0, 1)
    events = _person_ids(con)
    progress("link: writing tables", 0, 1)
    with transaction(con):
        con.register("_tmp_link_pairs", pairs)
        con.execute("CREATE OR REPLACE TABLE match_pairs AS SELECT * FROM _tmp_link_pairs "
                    "ORDER BY record_id_l, record_id_r")
        con.unregister("_tmp_link_pairs")
        _write_membership(con)
        con.execute("CREATE OR REPLACE TABLE name_only_joins AS SELECT * FROM _tmp_name_joins "
                    "ORDER BY profile_id")
        con.execute(PERSONS_SQL)
        con.execute(REVIEW_SQL.format(low=config.thresholds.review_low,
                                      high=config.thresholds.link))
        _write_history(con, run_id, events)
        counts = {
            "person_records": int(scalar(con, "SELECT count(*) FROM _tmp_link_records") or 0),
            "profiles": n_profiles,
            "profiles clustered": clustered,
            "pairs scored": pairs.num_rows,
            "persons": int(scalar(con, "SELECT count(*) FROM persons") or 0),
            "review queue": int(scalar(con, "SELECT count(*) FROM review_queue") or 0),
            "decisions applied": len(decisions),
            "joined by name only": joined_by_name,
            "ids created": sum(e.event == "created" for e in events),
            "ids merged": sum(e.event == "merged" for e in events),
            "ids split": sum(e.event == "split" for e in events),
        }
        _write_run(con, run_id, model, config, counts)
        incremental.save_state(con, part)
    save_model(project, run_id, model)
    return StageResult("link", counts, details=list(notes))
