"""Young adults who left home to a liability in their name.

A school leaver's last census return or an old tenancy listing them as a household member
keeps a young adult at the family home long after they left; the council tax liability of
their new home, often in an initial and a surname with no date of birth, is a person of its
own when matching cannot tell whose it is. A person aged ``adult_age`` to ``young_adult_age``
whose latest addressed record is more than ``reliability_days`` old, and who has had no
addressed record since, is taken to live where such a record opened after it: a person known
only from records without a date of birth, housed on the as-of date at another dwelling, whose
surname and first initial (and first name, where the record gives one) are the young adult's,
and who fits no other such young adult. ``current_addresses.reason`` names that person.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from famlink.households.spec import HouseholdSettings
from famlink.ingest.mapping import q


def _left_sql(as_of: dt.date, s: HouseholdSettings) -> str:
    d = q(as_of.isoformat())
    return f"""
        CREATE OR REPLACE TEMP TABLE _tmp_households_left AS
        WITH names AS (
            SELECT m.person_id, upper(r.surname) AS surname,
                   upper(CASE WHEN length(r.first_name) > 1 THEN r.first_name END) AS first_name,
                   upper(left(r.first_name, 1)) AS initial, r.date_of_birth
            FROM person_membership m JOIN person_records r USING (record_id)
            WHERE r.surname IS NOT NULL AND r.first_name IS NOT NULL),
        named AS (
            SELECT person_id,
                   coalesce(list(DISTINCT first_name) FILTER (WHERE first_name IS NOT NULL),
                            []) AS first_names,
                   max(date_of_birth) IS NULL AS no_dob
            FROM names GROUP BY ALL),
        last_row AS (
            SELECT person_id, max(start_date) AS last_seen FROM _tmp_households_evidence
            GROUP BY ALL),
        young AS (
            SELECT c.person_id, c.dwelling_key, p.date_of_birth, l.last_seen, n.*
            FROM current_addresses c JOIN persons p USING (person_id)
            JOIN last_row l USING (person_id) JOIN named n USING (person_id)
            WHERE p.date_of_birth > DATE {d} - INTERVAL {int(s.young_adult_age)} YEAR
              AND p.date_of_birth <= DATE {d} - INTERVAL {int(s.adult_age)} YEAR
              AND l.last_seen < DATE {d} - INTERVAL {int(s.reliability_days)} DAY),
        weak AS (
            SELECT c.person_id, c.dwelling_key, l.first_seen, n.*
            FROM current_addresses c JOIN named n USING (person_id)
            JOIN (SELECT person_id, min(start_date) AS first_seen
                  FROM _tmp_households_evidence GROUP BY ALL) l USING (person_id)
            WHERE n.no_dob),
        keys AS (SELECT DISTINCT person_id, surname, initial FROM names),
        pairs AS (
            SELECT DISTINCT ky.person_id AS young_id, kw.person_id AS weak_id
            FROM keys ky JOIN keys kw USING (surname, initial)
            WHERE ky.person_id IN (SELECT person_id FROM young)
              AND kw.person_id IN (SELECT person_id FROM weak)),
        fits AS (
            SELECT y.person_id, y.dwelling_key AS old_key, w.person_id AS liable_id,
                   w.dwelling_key, w.first_seen, y.last_seen
            FROM pairs JOIN young y ON y.person_id = pairs.young_id
            JOIN weak w ON w.person_id = pairs.weak_id
            WHERE (len(w.first_names) = 0 OR list_has_any(w.first_names, y.first_names))
              AND w.dwelling_key <> y.dwelling_key AND w.first_seen > y.last_seen
              AND w.first_seen >= y.date_of_birth + INTERVAL {int(s.adult_age)} YEAR)
        SELECT * FROM fits
        QUALIFY count(*) OVER (PARTITION BY person_id) = 1
            AND count(*) OVER (PARTITION BY liable_id) = 1
    """


def leave_home(con: duckdb.DuckDBPyConnection, as_of: dt.date, s: HouseholdSettings) -> None:
    """Move each young adult who left home to the dwelling of the liability in their name."""
    con.execute(_left_sql(as_of, s))
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
               || '; left home: ' || x.liable_id || ', in their name, lives here since '
               || strftime(x.first_seen, '%Y-%m-%d') || '; preferred to ' || c.address
               AS reason
        FROM current_addresses c JOIN _tmp_households_left x USING (person_id)
        JOIN current_addresses w ON w.person_id = x.liable_id
    """)
    con.execute("DELETE FROM current_addresses WHERE person_id IN "
                "(SELECT person_id FROM _tmp_households_left)")
    con.execute("INSERT INTO current_addresses SELECT * FROM _tmp_households_left_current")
