"""Who an alert is about and who must hear of it, worked out in SQL over the warehouse.

For each new trigger event: the incident it belongs to (events sharing a feed and
``event_ref``), the people involved, and, as the rule asks, the people who lived in the
same household as one of them on the day and the children of one of them; then each
subject's age on the day, school on roll (the latest school census return in the year
before) and area (postcode district of their current address). A rule may keep only the
subjects with a record in given feeds (``on_feeds``: a cohort list).

Two triggers are states rather than events: a family the outcomes rules newly find eligible,
and a person newly flagged with a need (a child's attendance newly below 90%): "newly" is
against what the last run found (``alert_seen_eligible``, ``alert_seen_flags``).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from famlink.alerts.spec import AlertRule
from famlink.engine import arrow_table, table_exists

ON_THE_DAY = ("t.event_date >= {a}.start_date AND "
              "(t.event_date <= {a}.end_date OR {a}.end_date IS NULL)")
SUBJECT_SQL = {
    "involved": "SELECT incident, person_id, true AS present, 'involved' AS how FROM trig",
    "household": f"""
        SELECT DISTINCT t.incident, o.person_id, false, 'lives with someone involved'
        FROM trig t JOIN household_members h ON h.person_id = t.person_id
             AND {ON_THE_DAY.format(a="h")}
        JOIN household_members o ON o.household_id = h.household_id
             AND {ON_THE_DAY.format(a="o")}""",
    "children_of_involved": """
        SELECT DISTINCT t.incident, r.person_id_b, false, 'child of someone involved'
        FROM trig t JOIN person_relationships r
          ON r.person_id_a = t.person_id AND r.relationship = 'parent'""",
}
AGE = ("(year(i.event_date) - year(p.date_of_birth) - CASE WHEN strftime(i.event_date, "
       "'%m%d') < strftime(p.date_of_birth, '%m%d') THEN 1 ELSE 0 END)")


def _trigger_sql(rule: AlertRule) -> str:
    t = rule.trigger
    where = [f"e.event_type IN ({_list(t.event_types or [])})"]
    if t.subtypes:
        where.append(f"e.event_subtype IN ({_list(t.subtypes)})")
    if t.roles:
        where.append(f"upper(e.role) IN ({_list([r.upper() for r in t.roles])})")
    return f"""
        SELECT e.*, e.feed || ':' || coalesce(e.event_ref, e.event_id) AS incident, m.person_id
        FROM events e JOIN _tmp_alerts_new n USING (event_id)
        JOIN person_membership m USING (record_id) WHERE {" AND ".join(where)}"""


def _list(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _roll_sql(con: duckdb.DuckDBPyConnection, feeds: list[str]) -> str:
    parts = [f"SELECT m.person_id, r.organisation_ref AS urn, r.organisation_name AS school, "
             f"r.event_date AS census_date FROM raw_{f} r JOIN person_membership m "
             "USING (record_id)" for f in feeds if table_exists(con, f"raw_{f}")]
    return " UNION ALL ".join(parts) or (
        "SELECT NULL::VARCHAR AS person_id, NULL::VARCHAR AS urn, NULL::VARCHAR AS school, "
        "NULL::DATE AS census_date WHERE false")


def _area_sql(con: duckdb.DuckDBPyConnection) -> str:
    """Each person's area: the postcode district of their current address."""
    if not table_exists(con, "current_addresses"):
        return "SELECT NULL::VARCHAR AS person_id, NULL::VARCHAR AS area WHERE false"
    return ("SELECT person_id, min(split_part(postcode, ' ', 1)) AS area "
            "FROM current_addresses GROUP BY person_id")


def rule_subjects(con: duckdb.DuckDBPyConnection, rule: AlertRule,
                  roll_feeds: list[str]) -> pa.Table:
    """One row per (incident, subject) of the new events that trigger ``rule``."""
    chosen = " UNION ALL ".join(SUBJECT_SQL[w] for w in rule.subjects.who
                                if w == "involved" or table_exists(con, "household_members"))
    sql = f"""
    WITH trig AS ({_trigger_sql(rule)}),
    incidents AS (
        SELECT incident, any_value(feed) AS feed, any_value(event_ref) AS event_ref,
               min(event_date) AS event_date, min(event_time) AS event_time,
               any_value(event_type) AS event_type, any_value(event_subtype) AS event_subtype,
               list(DISTINCT upper(role) ORDER BY upper(role))
                   FILTER (WHERE role IS NOT NULL) AS roles,
               list(DISTINCT event_id ORDER BY event_id) AS event_ids
        FROM trig GROUP BY incident),
    subjects AS (
        SELECT incident, person_id, bool_or(present) AS present,
               list(DISTINCT how ORDER BY how) AS how
        FROM ({chosen}) GROUP BY incident, person_id),
    roll AS ({_roll_sql(con, roll_feeds)}),
    schools AS (  -- the school on whose roll each subject was on the day
        SELECT s.incident, s.person_id,
               arg_max({{'urn': r.urn, 'name': r.school}}, r.census_date) AS school
        FROM subjects s JOIN incidents i USING (incident)
        JOIN roll r ON r.person_id = s.person_id
         AND r.census_date BETWEEN i.event_date - INTERVAL 400 DAY AND i.event_date
        GROUP BY s.incident, s.person_id),
    areas AS ({_area_sql(con)})
    SELECT i.*, s.person_id, NULL::VARCHAR AS family_id, s.present, s.how,
           NULL::VARCHAR[] AS needs, NULL::VARCHAR[] AS outcomes, p.first_name, p.surname,
           p.date_of_birth, {AGE} AS age, k.school.urn AS school_urn,
           k.school.name AS school_name, a.area, NULL::VARCHAR AS measure
    FROM subjects s JOIN incidents i USING (incident) JOIN persons p USING (person_id)
    LEFT JOIN schools k USING (incident, person_id) LEFT JOIN areas a USING (person_id)
    WHERE {AGE} BETWEEN {rule.subjects.min_age} AND {rule.subjects.max_age}
      {_on_feeds(rule, "s.person_id")}
    ORDER BY i.event_date, i.incident, s.person_id"""
    return arrow_table(con, sql)


def _on_feeds(rule: AlertRule, person: str) -> str:
    """AND the person has a record in one of the rule's ``on_feeds`` (none: no condition)."""
    feeds = rule.subjects.on_feeds
    if not feeds:
        return ""
    return (f"AND {person} IN (SELECT m.person_id FROM person_records r JOIN "
            f"person_membership m USING (record_id) WHERE r.feed IN ({_list(feeds)}))")


SEEN_FLAGS_SQL = ("CREATE TABLE IF NOT EXISTS alert_seen_flags "
                  "(need VARCHAR, person_id VARCHAR, PRIMARY KEY (need, person_id))")
FLAGGED_SQL = """
SELECT need, person_id, max(window_end_date) AS as_of,
       any_value(value_text || ' (' || threshold || ')') AS measure
FROM family_flags WHERE person_id IS NOT NULL GROUP BY need, person_id
"""


def newly_flagged(con: duckdb.DuckDBPyConnection, rule: AlertRule,
                  roll_feeds: list[str]) -> pa.Table:
    """One row per person flagged now with the rule's need, who was not at the last run."""
    sql = f"""
    WITH flagged AS ({FLAGGED_SQL}),
    new AS (SELECT f.* FROM flagged f ANTI JOIN alert_seen_flags s USING (need, person_id)
            WHERE f.need = ?),
    roll AS ({_roll_sql(con, roll_feeds)}),
    schools AS (
        SELECT n.person_id, arg_max({{'urn': r.urn, 'name': r.school}}, r.census_date) AS school
        FROM new n JOIN roll r ON r.person_id = n.person_id
         AND r.census_date BETWEEN n.as_of - INTERVAL 400 DAY AND n.as_of
        GROUP BY n.person_id),
    areas AS ({_area_sql(con)}),
    i AS (SELECT *, as_of AS event_date FROM new)
    SELECT 'flag:' || i.need || ':' || i.person_id || ':' || i.as_of AS incident,
           'outcomes' AS feed, i.need AS event_ref, i.as_of AS event_date,
           NULL::VARCHAR AS event_time, 'need_flagged' AS event_type,
           i.need AS event_subtype, []::VARCHAR[] AS roles, []::VARCHAR[] AS event_ids,
           i.person_id, NULL::VARCHAR AS family_id, false AS present, NULL::VARCHAR[] AS how,
           [i.need] AS needs, NULL::VARCHAR[] AS outcomes, p.first_name, p.surname,
           p.date_of_birth, {AGE} AS age, k.school.urn AS school_urn,
           k.school.name AS school_name, a.area, i.measure
    FROM i JOIN persons p USING (person_id) LEFT JOIN schools k USING (person_id)
    LEFT JOIN areas a USING (person_id)
    WHERE {AGE} BETWEEN {rule.subjects.min_age} AND {rule.subjects.max_age}
      {_on_feeds(rule, "i.person_id")}
    ORDER BY i.person_id"""
    return arrow_table(con, sql, [rule.trigger.need_newly_flagged])


def remember_flags(con: duckdb.DuckDBPyConnection) -> None:
    """The flags of this run, against which the next run's are new."""
    con.execute("DELETE FROM alert_seen_flags")
    if table_exists(con, "family_flags"):
        con.execute(f"INSERT INTO alert_seen_flags SELECT need, person_id FROM ({FLAGGED_SQL})")


NEWLY_ELIGIBLE_SQL = """
SELECT 'eligibility:' || e.family_id AS incident, 'outcomes' AS feed, e.family_id AS event_ref,
       e.as_of_date AS event_date, NULL::VARCHAR AS event_time, 'family_eligible' AS event_type,
       NULL::VARCHAR AS event_subtype, []::VARCHAR[] AS roles, []::VARCHAR[] AS event_ids,
       NULL::VARCHAR AS person_id, e.family_id, false AS present, e.needs, e.outcomes,
       NULL::VARCHAR AS first_name, NULL::VARCHAR AS surname, NULL::DATE AS date_of_birth,
       NULL::INTEGER AS age, NULL::VARCHAR AS school_urn, NULL::VARCHAR AS school_name,
       e.area, NULL::VARCHAR AS measure
FROM eligibility e ANTI JOIN alert_seen_eligible s USING (family_id)
WHERE e.is_eligible ORDER BY e.family_id
"""


def newly_eligible(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Families eligible now that no earlier run found eligible (one row each)."""
    return arrow_table(con, NEWLY_ELIGIBLE_SQL)
