"""Children and young people with no address evidence of their own on the as-of date live
with the people who care for them.

A school leaver last seen on the spring census, a toddler seen once at A&E, a baby on its
mother's benefit claim: none has a row that still counts on the as-of date, yet nothing says
they left. A person under ``young_adult_age`` with no residence on that day is placed where
their carers live now: the adults of a parent's generation they last lived with (who may have
moved since, the child with them) and the parents a feed states (a dependant on a claim, a
child whose mother social care names), each a vote for the dwelling where they live on the
as-of date. The dwelling with the most votes wins, the child's last home breaking a tie; a
tie it does not break (parents now living apart, neither of them at the old home) places no
one. The carried span starts the day after the child's last span, or when the carer arrived,
and ``current_addresses`` says whom the child was placed with.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from famlink.households.spec import HouseholdSettings
from famlink.ingest.mapping import q


def _votes_sql(as_of: dt.date, s: HouseholdSettings) -> str:
    d = q(as_of.isoformat())
    lo, hi = s.parent_age_gap
    return f"""
        CREATE OR REPLACE TEMP TABLE _tmp_households_votes AS
        WITH now AS (SELECT * FROM residence_spans WHERE end_date IS NULL),
        last AS (SELECT * FROM residence_spans
                 QUALIFY row_number() OVER (PARTITION BY person_id
                                            ORDER BY end_date DESC, start_date DESC) = 1),
        lost AS (
            SELECT p.person_id, p.date_of_birth, l.dwelling_key AS last_key,
                   l.start_date AS last_start, l.end_date AS last_end
            FROM persons p LEFT JOIN last l USING (person_id)
            WHERE p.date_of_birth > DATE {d} - INTERVAL {int(s.young_adult_age)} YEAR
              AND p.date_of_birth <= DATE {d}
              AND p.person_id NOT IN (SELECT person_id FROM now)),
        lived_with AS (
            SELECT l.person_id, o.person_id AS carer_id,
                   'lived with them at their last address until ' || strftime(l.last_end,
                   '%Y-%m-%d') AS why
            FROM lost l JOIN residence_spans o
              ON o.dwelling_key = l.last_key AND o.person_id <> l.person_id
             AND o.start_date <= l.last_end AND coalesce(o.end_date, DATE {d}) >= l.last_end
            JOIN persons a ON a.person_id = o.person_id
            WHERE date_diff('year', a.date_of_birth, l.date_of_birth) BETWEEN {int(lo)}
                  AND {int(hi)}),
        stated AS (
            SELECT l.person_id, s.person_id_a AS carer_id,
                   'their parent (' || s.evidence || ')' AS why
            FROM lost l JOIN _tmp_households_stated s
              ON s.person_id_b = l.person_id AND s.relationship = 'parent'),
        carers AS (SELECT person_id, carer_id, min(why) AS why FROM (
                       SELECT * FROM lived_with UNION ALL SELECT * FROM stated) GROUP BY ALL)
        SELECT l.person_id, l.last_key, l.last_end, l.date_of_birth, c.carer_id, c.why,
               n.dwelling_key, n.start_date AS carer_since
        FROM lost l JOIN carers c USING (person_id)
        JOIN now n ON n.person_id = c.carer_id
    """


PICK_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_households_carried AS
WITH tally AS (
    SELECT person_id, dwelling_key, count(DISTINCT carer_id) AS votes,
           dwelling_key = any_value(last_key) AS is_last_home, any_value(last_key) AS last_key,
           any_value(last_end) AS last_end, any_value(date_of_birth) AS date_of_birth,
           min(carer_since) AS carer_since,
           arg_min(carer_id, carer_id) AS carer_id, arg_min(why, carer_id) AS why
    FROM _tmp_households_votes GROUP BY person_id, dwelling_key),
ranked AS (
    SELECT *, row_number() OVER w AS rank,
           lead((votes, is_last_home)) OVER w = (votes, is_last_home) AS tied
    FROM tally WINDOW w AS (PARTITION BY person_id ORDER BY votes DESC, is_last_home DESC,
                                                         dwelling_key))
SELECT person_id, dwelling_key, last_key, last_end, carer_id, why,
       greatest(CAST(last_end + INTERVAL 1 DAY AS DATE), carer_since, date_of_birth)
           AS start_date
FROM ranked WHERE rank = 1 AND NOT coalesce(tied, false)
"""


def carry(con: duckdb.DuckDBPyConnection, as_of: dt.date, s: HouseholdSettings) -> None:
    """Extend or add residence_spans for young people placed with their carers."""
    con.execute(_votes_sql(as_of, s))
    con.execute(PICK_SQL)
    con.execute("""
        UPDATE residence_spans r SET end_date = NULL FROM _tmp_households_carried c
        WHERE r.person_id = c.person_id AND r.dwelling_key = c.dwelling_key
          AND c.dwelling_key = c.last_key AND r.end_date = c.last_end
    """)
    con.execute("""
        INSERT INTO residence_spans
        SELECT person_id, dwelling_key, start_date, NULL FROM _tmp_households_carried
        WHERE last_key IS NULL OR dwelling_key <> last_key
    """)
    con.execute(CURRENT_SQL, [as_of])


CURRENT_SQL = """
INSERT INTO current_addresses
WITH a AS (SELECT dwelling_key, any_value(uprn) AS uprn,
                  mode(address ORDER BY address) AS address,
                  mode(postcode ORDER BY postcode) AS postcode
           FROM address_history GROUP BY dwelling_key)
SELECT c.person_id, c.dwelling_key, a.uprn, a.address, a.postcode, CAST(? AS DATE),
       NULL, NULL,
       'no address of their own still counts' || CASE
           WHEN c.dwelling_key = c.last_key THEN ' (seen here until '
                || strftime(c.last_end, '%Y-%m-%d') || ')'
           WHEN c.last_key IS NOT NULL THEN ' (seen at another address until '
                || strftime(c.last_end, '%Y-%m-%d') || ')' ELSE '' END || '; lives with '
       || c.carer_id || ', ' || c.why
FROM _tmp_households_carried c LEFT JOIN a USING (dwelling_key)
WHERE c.person_id NOT IN (SELECT person_id FROM current_addresses)
"""
