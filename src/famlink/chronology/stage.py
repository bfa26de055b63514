"""The chronology stage: events + person_membership -> chronology.

One row per event of a linked person, with a readable summary and the person's own order:
by date, then time (events without a time first on their day), then feed and source record
id. An event whose date is missing is kept, flagged ``is_date_missing`` and put last.
"""

from __future__ import annotations

import duckdb

from famlink.chronology.summaries import SUMMARIES, summary_sql
from famlink.engine import scalar, table_exists, transaction
from famlink.errors import FamlinkError
from famlink.pipeline import Progress, StageResult
from famlink.project import Project

# The name a feed gives an organisation code, so a feed giving only the code (a school's
# LAESTAB on an exclusion) can show the name another feed gives (the school census).
ORGANISATIONS_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_chronology_organisations AS
SELECT organisation_ref, mode(organisation_name ORDER BY organisation_name) AS organisation_name
FROM events WHERE organisation_ref IS NOT NULL AND organisation_name IS NOT NULL
GROUP BY organisation_ref
"""
# A time that does not parse keeps its text but sorts after the times that do.
TIME_SQL = "try_cast(trim(e.event_time) AS TIME)"
SORT_KEY = ("event_date ASC NULLS LAST, sort_time ASC NULLS FIRST, event_time ASC NULLS FIRST, "
            "feed, source_record_id, event_id")
CHRONOLOGY_SQL = """
CREATE OR REPLACE TABLE chronology AS
WITH rows AS (
    SELECT m.person_id, e.event_id, e.record_id, e.feed, e.source_record_id, e.load_batch_id,
           e.event_date, e.event_time, {time} AS sort_time,
           e.event_end_date, e.event_type, e.event_subtype, e.role,
           {summary} AS summary, e.event_date IS NULL AS is_date_missing
    FROM events e
    JOIN person_membership m USING (record_id)
    LEFT JOIN _tmp_chronology_organisations o USING (organisation_ref))
SELECT person_id, row_number() OVER (PARTITION BY person_id ORDER BY {order}) AS seq,
       * EXCLUDE (person_id, sort_time)
FROM rows
ORDER BY person_id, seq
"""


def chronology_sql() -> str:
    return CHRONOLOGY_SQL.format(time=TIME_SQL, summary=summary_sql(), order=SORT_KEY)


def run_chronology(project: Project, con: duckdb.DuckDBPyConnection,
                   progress: Progress) -> StageResult:
    missing = [t for t in ("events", "person_membership") if not table_exists(con, t)]
    if missing:
        raise FamlinkError(f"the chronology needs {' and '.join(missing)}: run `famlink run "
                           "standardise link` first")
    progress("chronology: building", 0, 1)
    with transaction(con):
        con.execute(ORGANISATIONS_SQL)
        con.execute(chronology_sql())
        con.execute("DROP TABLE _tmp_chronology_organisations")
    progress("chronology: building", 1, 1)
    [(events, rows, persons, undated, types)] = con.execute(
        "SELECT (SELECT count(*) FROM events), count(*), count(DISTINCT person_id), "
        "count(*) FILTER (WHERE is_date_missing), count(DISTINCT event_type) "
        "FROM chronology").fetchall()
    generic = int(scalar(con, "SELECT count(*) FROM chronology WHERE NOT list_contains(?, "
                              "event_type) OR event_type IS NULL", [list(SUMMARIES)]) or 0)
    return StageResult("chronology", {
        "events": int(events), "chronology rows": int(rows),
        "events without a person": int(events) - int(rows), "persons with events": int(persons),
        "events without a date": int(undated), "event types": int(types),
        "generic summaries": generic})

