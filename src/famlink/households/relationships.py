"""Relationships: stated by the feeds (``relationships:`` rules) and inferred from homes.

``relationships`` holds what the source rows say, record to record: the claimant and the
dependant on one benefit claim, the carer row that names the child's case, the victim and
suspect of one domestic abuse incident. ``person_relationships`` lifts them onto linked
persons (``parent`` means A is the parent of B; ``partner`` and ``sibling`` are stored once,
A < B), keeps the strongest confidence and the evidence, and adds the relationships inferred
from who lives together (see families.py) with ``source = 'inferred'``.
"""

from __future__ import annotations

import duckdb

from famlink.engine import table_columns, table_exists
from famlink.households.spec import RelationshipRule
from famlink.ingest.load import raw_table
from famlink.ingest.mapping import ident, q
from famlink.project import Feed, Project

RELATIONSHIP_COLUMNS = {"record_id_a": "VARCHAR", "record_id_b": "VARCHAR",
                        "relationship": "VARCHAR", "confidence": "DOUBLE", "feed": "VARCHAR",
                        "evidence": "VARCHAR", "event_date": "DATE"}


def _where(rule: RelationshipRule, alias: str) -> str:
    parts = [f"{alias}.{ident(f)} IN ({', '.join(q(v) for v in vals)})"
             for f, vals in rule.where.items()]
    return " AND ".join(parts) if parts else "true"


def _within_sql(feed: Feed, rule: RelationshipRule, table: str) -> str:
    assert rule.within is not None and rule.roles is not None
    role_a, role_b = (q(r.strip().upper()) for r in rule.roles)
    within = ident(rule.within)
    what = (f"{q(feed.name + ' ' + rule.within + ' ')} || a.{within} || "
            f"{q(': ' + rule.roles[0] + ' and ' + rule.roles[1])}")
    first, second = ("b", "a") if rule.relationship == "child" else ("a", "b")
    kind = "parent" if rule.relationship == "child" else rule.relationship or ""
    gap = ("" if rule.min_age_gap is None else
           f"AND date_diff('year', p{first}.date_of_birth, p{second}.date_of_birth) "
           f">= {int(rule.min_age_gap)}")
    return f"""
        SELECT {first}.record_id, {second}.record_id, {q(kind)}, {rule.confidence},
               {q(feed.name)}, {what}, coalesce(pa.event_date, pb.event_date)
        FROM {table} a JOIN {table} b ON a.{within} = b.{within} AND a.record_id <> b.record_id
        JOIN person_records pa ON pa.record_id = a.record_id
        JOIN person_records pb ON pb.record_id = b.record_id
        WHERE upper(trim(a.role)) = {role_a} AND upper(trim(b.role)) = {role_b}
          AND {_where(rule, 'a')} {gap}"""


def _map_sql(feed: Feed, rule: RelationshipRule, table: str) -> str:
    assert rule.map is not None
    words = [(k.strip().upper(), v) for k, v in rule.map.items() if v is not None]
    if not words:
        return ""
    cases = " ".join(f"WHEN {q(k)} THEN {q(v)}" for k, v in words)
    kind = f"CASE upper(trim(a.{ident(rule.via)})) {cases} END"
    return f"""
        SELECT CASE WHEN {kind} = 'child' THEN b.record_id ELSE a.record_id END,
               CASE WHEN {kind} = 'child' THEN a.record_id ELSE b.record_id END,
               CASE WHEN {kind} = 'child' THEN 'parent' ELSE {kind} END, {rule.confidence},
               {q(feed.name)}, {q(feed.name + ': ')} || a.{ident(rule.via)} || ' of '
                   || a.{ident(rule.ref)}, coalesce(pa.event_date, pb.event_date)
        FROM {table} a JOIN {table} b ON b.person_ref = a.{ident(rule.ref)}
        JOIN person_records pa ON pa.record_id = a.record_id
        JOIN person_records pb ON pb.record_id = b.record_id
        WHERE {kind} IS NOT NULL AND {_where(rule, 'a')}"""


def stated_sql(con: duckdb.DuckDBPyConnection, project: Project) -> str:
    parts = []
    for feed in project.feeds.values():
        table = raw_table(feed.name)
        if not feed.relationships or not table_exists(con, table):
            continue
        have = table_columns(con, table)
        for rule in feed.relationships:
            if not set(rule.fields()) <= set(have):
                continue
            sql = _within_sql(feed, rule, ident(table)) if rule.within else \
                _map_sql(feed, rule, ident(table))
            if sql:
                parts.append(sql)
    if not parts:
        nulls = ", ".join(f"NULL::{t} AS {n}" for n, t in RELATIONSHIP_COLUMNS.items())
        return f"SELECT {nulls} WHERE false"
    body = "\nUNION\n".join(parts)
    return f"SELECT * FROM ({body}) t({', '.join(RELATIONSHIP_COLUMNS)})"


def build_stated(con: duckdb.DuckDBPyConnection, project: Project) -> None:
    """relationships (record level) and the stated part of person_relationships."""
    con.execute(f"CREATE OR REPLACE TABLE relationships AS {stated_sql(con, project)}")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _tmp_households_stated AS
        WITH p AS (
            SELECT CASE WHEN r.relationship = 'parent' THEN ma.person_id
                        ELSE least(ma.person_id, mb.person_id) END AS person_id_a,
                   CASE WHEN r.relationship = 'parent' THEN mb.person_id
                        ELSE greatest(ma.person_id, mb.person_id) END AS person_id_b,
                   r.*
            FROM relationships r
            JOIN person_membership ma ON ma.record_id = r.record_id_a
            JOIN person_membership mb ON mb.record_id = r.record_id_b
            WHERE ma.person_id <> mb.person_id)
        SELECT person_id_a, person_id_b, relationship, 'stated' AS source,
               max(confidence) AS confidence,
               string_agg(DISTINCT evidence, '; ' ORDER BY evidence) AS evidence,
               min(event_date) AS start_date, CAST(NULL AS DATE) AS end_date
        FROM p GROUP BY person_id_a, person_id_b, relationship
    """)


def _sharing(who: str, shared: str, relationship: str, evidence: str) -> str:
    """Inferred pairs of persons who share a parent (siblings) or a child (partners)."""
    return f"""
        SELECT DISTINCT a.{who} AS person_id_a, b.{who} AS person_id_b,
               {q(relationship)} AS relationship, 'inferred' AS source, 0.6 AS confidence,
               {q(evidence)} AS evidence
        FROM _tmp_families_links a JOIN _tmp_families_links b
          ON a.{shared} = b.{shared} AND a.{who} < b.{who}"""


def build_person_relationships(con: duckdb.DuckDBPyConnection) -> None:
    """person_relationships: the stated ones, and those the families step inferred."""
    con.execute(f"""
        CREATE OR REPLACE TABLE person_relationships AS
        WITH inferred AS (
            SELECT * FROM (
                SELECT parent_id AS person_id_a, child_id AS person_id_b,
                       'parent' AS relationship, 'inferred' AS source, confidence, evidence
                FROM _tmp_families_inferred
                UNION ALL {_sharing("parent_id", "child_id", "partner",
                                    "parents of the same child, living together")}
                UNION ALL {_sharing("child_id", "parent_id", "sibling",
                                    "children of the same parent, living together")}
                UNION ALL SELECT least(carer_id, parent_id), greatest(carer_id, parent_id),
                                 'partner', 'inferred', confidence, evidence
                FROM _tmp_families_carers WHERE is_inferred) i
            WHERE NOT EXISTS (SELECT 1 FROM _tmp_households_stated s
                              WHERE s.person_id_a = i.person_id_a
                                AND s.person_id_b = i.person_id_b
                                AND s.relationship = i.relationship))
        SELECT person_id_a, person_id_b, relationship, source,
               CAST(confidence AS DOUBLE) AS confidence, evidence, start_date, end_date
        FROM _tmp_households_stated
        UNION ALL
        SELECT person_id_a, person_id_b, relationship, source, CAST(confidence AS DOUBLE),
               evidence, CAST(NULL AS DATE), CAST(NULL AS DATE)
        FROM inferred
        ORDER BY person_id_a, person_id_b, relationship
    """)
