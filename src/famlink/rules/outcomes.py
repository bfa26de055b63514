"""Today's needs: ``family_flags`` (one row per need found), ``flag_evidence`` (the rows
behind each) and ``eligibility`` (one row per family), from the measures at the 'ref'
checkpoints that ``evaluate`` left in the scratch tables."""

from __future__ import annotations

import duckdb

from famlink.rules.compile import literal
from famlink.rules.schema import Rulebook

VALUE_TEXT = """CASE WHEN n.percent THEN printf('%.1f%%', {v} * 100)
    WHEN n.kind = 'count' THEN printf('%d', CAST({v} AS BIGINT)) ELSE printf('%.2f', {v}) END"""


def value_text(expr: str) -> str:
    return VALUE_TEXT.format(v=expr)


def _outcome_names(con: duckdb.DuckDBPyConnection, rulebook: Rulebook) -> None:
    rows = ", ".join(f"({literal(k)}, {literal(o.name)})" for k, o in rulebook.outcomes.items())
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_outcomes_names AS SELECT * FROM "
                f"(VALUES {rows}) t(outcome, outcome_name)")


def write_flags(con: duckdb.DuckDBPyConnection, rulebook: Rulebook) -> None:
    _outcome_names(con, rulebook)
    version = literal(rulebook.framework.version)
    con.execute(f"""
        CREATE OR REPLACE TABLE family_flags AS
        SELECT x.family_id, x.need, x.outcome, o.outcome_name, {version} AS framework_version,
               x.person_id, x.value, {value_text('x.value')} AS value_text,
               n.op || ' ' || {value_text('n.threshold')} AS threshold,
               x.window_start_date, x.window_end_date, x.first_evidence_date,
               x.last_evidence_date, x.n_rows AS n_evidence,
               printf('%s: %s measured %s, which is %s; window %s to %s; %d evidence row(s) '
                      'dated %s to %s', n.description,
                      coalesce('person ' || x.person_id, 'the family'),
                      {value_text('x.value')}, n.op || ' ' || {value_text('n.threshold')},
                      x.window_start_date, x.window_end_date, x.n_rows,
                      x.first_evidence_date, x.last_evidence_date) AS explanation
        FROM _tmp_outcomes_measures x JOIN _tmp_outcomes_needs n USING (need)
        JOIN _tmp_outcomes_names o ON o.outcome = x.outcome
        JOIN _tmp_outcomes_checkpoints c USING (checkpoint_id)
        WHERE c.label = 'ref' AND x.is_met
        ORDER BY x.family_id, x.need, x.person_id NULLS FIRST""")


def evidence_select(labels: str, met_only: bool) -> str:
    """Rows behind the measures at checkpoints with these labels (a SQL IN list)."""
    return f"""
        SELECT h.family_id, h.need, c.label, h.person_id AS subject_person_id,
               h.member_id AS person_id, e.feed, e.source_record_id, e.record_id, h.event_id,
               e.event_date, e.event_end_date, e.event_type, e.event_subtype, e.role,
               coalesce(ch.summary, e.event_type) AS summary
        FROM _tmp_outcomes_hits h
        JOIN _tmp_outcomes_checkpoints c USING (checkpoint_id)
        JOIN _tmp_outcomes_measures x ON x.checkpoint_id = h.checkpoint_id
             AND x.need = h.need AND x.person_id IS NOT DISTINCT FROM h.person_id
        JOIN _tmp_outcomes_events e ON e.event_id = h.event_id AND e.person_id = h.member_id
        LEFT JOIN (SELECT event_id, any_value(summary) AS summary FROM chronology
                   GROUP BY event_id) ch ON ch.event_id = h.event_id
        WHERE c.label IN ({labels}) {'AND x.is_met' if met_only else ''}"""


def write_evidence(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"""
        CREATE OR REPLACE TABLE flag_evidence AS
        SELECT * EXCLUDE (label) FROM ({evidence_select("'ref'", met_only=True)})
        ORDER BY family_id, need, event_date, event_id""")


def _family_facts(con: duckdb.DuckDBPyConnection, rulebook: Rulebook) -> None:
    """Per family: a dependent child on the reference date, and the area it lives in."""
    max_age = rulebook.eligibility.dependent_child_max_age
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _tmp_outcomes_facts AS
        WITH ref AS (SELECT any_value(as_of_date) AS d FROM _tmp_outcomes_checkpoints
                     WHERE label = 'ref'),
        ages AS (SELECT m.family_id, m.person_id, m.member_role,
                        year(r.d) - year(m.date_of_birth) - CASE WHEN strftime(r.d, '%m%d')
                        < strftime(m.date_of_birth, '%m%d') THEN 1 ELSE 0 END AS age
                 FROM _tmp_outcomes_members m, ref r),
        -- the district most members live in; a tie goes to the first in order, so that
        -- every run gives the family the same area
        areas AS (SELECT family_id, first(district ORDER BY n DESC, district) AS area
                  FROM (SELECT m.family_id, split_part(a.postcode, ' ', 1) AS district,
                               count(*) AS n
                        FROM _tmp_outcomes_members m JOIN current_addresses a USING (person_id)
                        WHERE a.postcode IS NOT NULL GROUP BY ALL)
                  GROUP BY family_id)
        SELECT f.family_id,
               coalesce(bool_or(g.age BETWEEN 0 AND {max_age} OR (g.age IS NULL AND
                        g.member_role = 'child')), FALSE) AS has_dependent_child,
               count(g.age) FILTER (WHERE g.age BETWEEN 0 AND {max_age}) AS n_children,
               any_value(a.area) AS area, any_value(r.d) AS as_of_date
        FROM ref r, families f LEFT JOIN ages g USING (family_id)
        LEFT JOIN areas a USING (family_id)
        GROUP BY f.family_id""")


def write_eligibility(con: duckdb.DuckDBPyConnection, rulebook: Rulebook) -> None:
    _family_facts(con, rulebook)
    rule = rulebook.eligibility
    counted = "outcome" if rule.count == "outcomes" else "need"
    need_child = "x.has_dependent_child" if rule.require_dependent_child else "TRUE"
    con.execute(f"""
        CREATE OR REPLACE TABLE eligibility AS
        WITH got AS (SELECT family_id, list(DISTINCT need ORDER BY need) AS needs,
                            list(DISTINCT outcome_name ORDER BY outcome_name) AS outcomes,
                            count(DISTINCT {counted}) AS n
                     FROM family_flags GROUP BY family_id)
        SELECT x.family_id, coalesce(g.n, 0) AS n_needs, coalesce(g.needs, []) AS needs,
               coalesce(g.outcomes, []) AS outcomes, x.has_dependent_child, x.n_children,
               x.area, x.as_of_date,
               coalesce(g.n, 0) >= {rule.min_needs} AND {need_child} AS is_eligible,
               CASE WHEN coalesce(g.n, 0) < {rule.min_needs}
                    THEN printf('not eligible: %d {rule.count} found, at least '
                                '{rule.min_needs} needed', coalesce(g.n, 0))
                    WHEN NOT {need_child} THEN 'not eligible: no dependent child '
                         '(aged {rule.dependent_child_max_age} or under) in the family'
                    ELSE printf('eligible: %d {rule.count} (%s)%s', g.n,
                                array_to_string(g.needs, ', '),
                                CASE WHEN {need_child} AND x.has_dependent_child
                                     THEN ' and a dependent child' ELSE '' END) END AS reason
        FROM _tmp_outcomes_facts x LEFT JOIN got g USING (family_id)
        ORDER BY is_eligible DESC, n_needs DESC, family_id""")
