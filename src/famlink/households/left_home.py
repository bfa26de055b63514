"""Young adults who left home to a liability in their name.

A school leaver's last census return or an old tenancy listing them as a household member
keeps a young adult at the family home long after they left; the council tax liability of
their new home, often in an initial and a surname with no date of birth, is a person of its
own when matching cannot tell whose it is. A person aged ``adult_age`` to ``young_adult_age``
whose latest addressed record is more than ``reliability_days`` old is taken to live where
such a record opened after it: a person known only from records without a date of birth,
housed on the as-of date at another dwelling, whose surname and first initial (and first
name, where the record gives one) fit the young adult and no other adult in the warehouse
who was of age when it opened, and who is the only such person the young adult fits. Their
span at the old home ends the day before; ``current_addresses.reason`` names that person.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from famlink.households.spec import HouseholdSettings
from famlink.ingest.mapping import q


def _left_sql(as_of: dt.date, s: HouseholdSettings) -> list[str]:
    """Only the young adults with stale records are paired with the liable persons of their
    name, and only those liable persons with every adult of theirs: pairing every adult with
    every liable person of the same surname and initial grows with the square of a town."""
    d = q(as_of.isoformat())
    fits = ("(len(w.first_names) = 0 OR list_has_any(w.first_names, y.first_names)) AND "
            f"w.first_seen >= y.date_of_birth + INTERVAL {int(s.adult_age)} YEAR")
    return [
        """
        CREATE OR REPLACE TEMP TABLE _tmp_households_named AS
        WITH names AS (
            SELECT m.person_id, upper(r.surname) AS surname,
                   upper(CASE WHEN length(r.first_name) > 1 THEN r.first_name END) AS first_name,
                   upper(left(r.first_name, 1)) AS initial, r.date_of_birth
            FROM person_membership m JOIN person_records r USING (record_id)
            WHERE r.surname IS NOT NULL AND r.first_name IS NOT NULL
              AND m.person_id IN (SELECT person_id FROM current_addresses)),
        seen AS (SELECT person_id, min(start_date) AS first_seen, max(start_date) AS last_seen
                 FROM _tmp_households_evidence GROUP BY ALL)
        SELECT n.person_id, c.dwelling_key, p.date_of_birth, e.first_seen, e.last_seen,
               coalesce(list(DISTINCT n.first_name) FILTER (WHERE n.first_name IS NOT NULL),
                        []) AS first_names,
               list(DISTINCT {'surname': n.surname, 'initial': n.initial}) AS keys,
               max(n.date_of_birth) IS NULL AS no_dob
        FROM names n JOIN current_addresses c USING (person_id)
        JOIN seen e USING (person_id) LEFT JOIN persons p USING (person_id)
        GROUP BY ALL
        """,
        """
        CREATE OR REPLACE TEMP TABLE _tmp_households_name_keys AS
        SELECT person_id, no_dob, k.surname, k.initial
        FROM (SELECT person_id, no_dob, unnest(keys) AS k FROM _tmp_households_named)
        """,
        f"""
        CREATE OR REPLACE TEMP TABLE _tmp_households_left AS
        WITH young AS (  -- young adults whose latest addressed record is old
            SELECT person_id FROM _tmp_households_named
            WHERE NOT no_dob
              AND date_of_birth > DATE {d} - INTERVAL {int(s.young_adult_age)} YEAR
              AND last_seen < DATE {d} - INTERVAL {int(s.reliability_days)} DAY),
        candidates AS (  -- a person without a date of birth of the same surname and initial
            SELECT DISTINCT w.person_id AS weak_id, y.person_id AS strong_id
            FROM _tmp_households_name_keys w JOIN _tmp_households_name_keys y
              ON y.surname = w.surname AND y.initial = w.initial
            WHERE w.no_dob AND y.person_id IN (SELECT person_id FROM young)),
        liable AS (
            SELECT y.person_id, y.dwelling_key AS old_key, w.person_id AS liable_id,
                   w.dwelling_key, w.first_seen, y.last_seen,
                   count(*) OVER (PARTITION BY y.person_id) AS n_liable
            FROM candidates c JOIN _tmp_households_named y ON y.person_id = c.strong_id
            JOIN _tmp_households_named w ON w.person_id = c.weak_id
            WHERE {fits}),
        moved AS (  -- the one liable person a young adult fits, at a home opened since
            SELECT * FROM liable
            WHERE n_liable = 1 AND dwelling_key <> old_key AND first_seen > last_seen),
        others AS (  -- every adult whose name that liable person's fits, wherever they live
            SELECT DISTINCT w.person_id AS weak_id, y.person_id AS strong_id
            FROM _tmp_households_name_keys w JOIN _tmp_households_name_keys y
              ON y.surname = w.surname AND y.initial = w.initial
            WHERE w.person_id IN (SELECT liable_id FROM moved) AND NOT y.no_dob),
        fits AS (
            SELECT c.weak_id, count(*) AS n_fit
            FROM others c JOIN _tmp_households_named y ON y.person_id = c.strong_id
            JOIN _tmp_households_named w ON w.person_id = c.weak_id
            WHERE {fits} GROUP BY ALL)
        SELECT person_id, old_key, liable_id, dwelling_key, first_seen, last_seen
        FROM moved m JOIN fits f ON f.weak_id = m.liable_id WHERE n_fit = 1
        """]


def leave_home(con: duckdb.DuckDBPyConnection, as_of: dt.date, s: HouseholdSettings) -> None:
    """Move each young adult who left home to the dwelling of the liability in their name."""
    for sql in _left_sql(as_of, s):
        con.execute(sql)
    con.execute("""
        DELETE FROM residence_spans r USING _tmp_households_left x
        WHERE r.person_id = x.person_id AND r.end_date IS NULL AND r.start_date >= x.first_seen
    """)
    con.execute("""
        UPDATE residence_spans r SET end_date = CAST(x.first_seen - INTERVAL 1 DAY AS DATE)
        FROM _tmp_households_left x
        WHERE r.person_id = x.person_id AND r.end_date IS NULL
    """)
    con.execute("INSERT INTO residence_spans SELECT person_id, dwelling_key, first_seen, NULL "
                "FROM _tmp_households_left")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _tmp_households_left_current AS
        SELECT c.person_id, w.dwelling_key, w.uprn, w.address, w.postcode, c.as_of_date,
               NULL::VARCHAR AS deciding_feed, x.first_seen AS deciding_date,
               'no addressed record since ' || strftime(x.last_seen, '%Y-%m-%d')
               || coalesce(' at ' || c.address, '') || ', left home; lives with '
               || x.liable_id || ', on a record in their name here since '
               || strftime(x.first_seen, '%Y-%m-%d') AS reason
        FROM current_addresses c JOIN _tmp_households_left x USING (person_id)
        JOIN current_addresses w ON w.person_id = x.liable_id
    """)
    con.execute("DELETE FROM current_addresses WHERE person_id IN "
                "(SELECT person_id FROM _tmp_households_left)")
    con.execute("INSERT INTO current_addresses SELECT * FROM _tmp_households_left_current")
