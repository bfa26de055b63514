"""The households stage: linked persons -> where they live, households, relationships and
families, for the as-of date (``households.as_of`` in famlink.yaml, else the project's
reference date, else today)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from famlink.engine import create_temp_table, scalar, table_exists, transaction
from famlink.errors import FamlinkError
from famlink.households import families, households, relationships, residence
from famlink.link.stable_ids import IdEvent
from famlink.pipeline import Progress, StageResult
from famlink.project import Project

PERSON_RELATIONSHIPS_SQL = """
CREATE OR REPLACE TABLE person_relationships AS
WITH inferred_parents AS (
    SELECT parent_id AS person_id_a, child_id AS person_id_b, 'parent' AS relationship,
           'inferred' AS source, confidence, evidence
    FROM _tmp_families_inferred),
co_parents AS (
    SELECT least(a.parent_id, b.parent_id) AS person_id_a,
           greatest(a.parent_id, b.parent_id) AS person_id_b, 'partner' AS relationship,
           'inferred' AS source, 0.6 AS confidence,
           'parents of the same child, living together' AS evidence
    FROM _tmp_families_links a JOIN _tmp_families_links b
      ON a.child_id = b.child_id AND a.parent_id < b.parent_id
    GROUP BY ALL),
siblings AS (
    SELECT least(a.child_id, b.child_id) AS person_id_a,
           greatest(a.child_id, b.child_id) AS person_id_b, 'sibling' AS relationship,
           'inferred' AS source, 0.6 AS confidence,
           'children of the same parent, living together' AS evidence
    FROM _tmp_families_links a JOIN _tmp_families_links b
      ON a.parent_id = b.parent_id AND a.child_id < b.child_id
    GROUP BY ALL),
inferred AS (
    SELECT * FROM (SELECT * FROM inferred_parents UNION ALL SELECT * FROM co_parents
                   UNION ALL SELECT * FROM siblings) i
    WHERE NOT EXISTS (SELECT 1 FROM _tmp_households_stated s
                      WHERE s.person_id_a = i.person_id_a AND s.person_id_b = i.person_id_b
                        AND s.relationship = i.relationship))
SELECT person_id_a, person_id_b, relationship, source, CAST(confidence AS DOUBLE) AS confidence,
       evidence, start_date, end_date
FROM _tmp_households_stated
UNION ALL
SELECT person_id_a, person_id_b, relationship, source, CAST(confidence AS DOUBLE), evidence,
       CAST(NULL AS DATE), CAST(NULL AS DATE)
FROM inferred
ORDER BY person_id_a, person_id_b, relationship
"""


def as_of_date(project: Project) -> dt.date:
    return (project.settings.households.as_of or project.settings.reference_date
            or dt.date.today())


def _history(con: duckdb.DuckDBPyConnection, table: str, run_at: dt.datetime,
             events: list[IdEvent]) -> None:
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} (run_at TIMESTAMP, event VARCHAR, "
                "id VARCHAR, other_id VARCHAR, members INTEGER)")
    create_temp_table(con, "_tmp_households_events", {
        "event": pa.array([e.event for e in events], pa.string()),
        "id": pa.array([e.person_id for e in events], pa.string()),
        "other_id": pa.array([e.other_person_id for e in events], pa.string()),
        "members": pa.array([e.records for e in events], pa.int32())})
    con.execute(f"INSERT INTO {table} SELECT ?, event, id, other_id, members "
                "FROM _tmp_households_events", [run_at])


def run_households(project: Project, con: duckdb.DuckDBPyConnection,
                   progress: Progress) -> StageResult:
    if not table_exists(con, "person_membership"):
        raise FamlinkError("no linked persons in the warehouse: run `famlink run link` first")
    settings, as_of = project.settings.households, as_of_date(project)
    run_at = dt.datetime.now().replace(microsecond=0)
    with transaction(con):
        progress("address history", 0, 4)
        residence.build_evidence(con, project, as_of, settings)
        con.execute(residence.ADDRESS_HISTORY_SQL)
        residence.build_spans(con, as_of, settings)
        residence.build_current(con, as_of)
        progress("households", 1, 4)
        hh_events = households.build_households(con, as_of)
        progress("relationships", 2, 4)
        relationships.build_stated(con, project)
        progress("families", 3, 4)
        fam_events = families.build_families(con, as_of, settings)
        con.execute(PERSON_RELATIONSHIPS_SQL)
        _history(con, "household_id_history", run_at, hh_events)
        _history(con, "family_id_history", run_at, fam_events)
        progress("families", 4, 4)
    result = StageResult("households", details=[f"households and families as of {as_of}"])
    count = lambda sql: int(scalar(con, sql) or 0)  # noqa: E731
    result.counts = {
        "persons with an address": count("SELECT count(DISTINCT person_id) FROM address_history"),
        "current addresses": count("SELECT count(*) FROM current_addresses"),
        "households (ever)": count("SELECT count(*) FROM households"),
        "households now": count("SELECT count(*) FROM households WHERE end_date IS NULL"),
        "stated relationships": count("SELECT count(*) FROM person_relationships "
                                      "WHERE source = 'stated'"),
        "inferred relationships": count("SELECT count(*) FROM person_relationships "
                                        "WHERE source = 'inferred'"),
        "families": count("SELECT count(*) FROM families"),
        "family ids created": sum(e.event == "created" for e in fam_events),
        "family ids merged": sum(e.event == "merged" for e in fam_events),
        "family ids split": sum(e.event == "split" for e in fam_events),
    }
    return result
