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
one. The same holds for a young person still housed at an address that all their carers left
after they were last seen there; one seen since at a postcode new to them has moved on by
themselves and is not carried. The carried span starts the day after the child's last span,
or when the carers arrived, and ``current_addresses`` says whom the child was placed with.
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
                                            ORDER BY end_date DESC NULLS FIRST,
                                                     start_date DESC) = 1),
        seen AS (SELECT person_id, dwelling_key, max(seen_date) AS seen_date
                 FROM _tmp_households_evidence GROUP BY ALL),
        born AS (SELECT person_id, date_of_birth FROM persons
                 WHERE date_of_birth > DATE {d} - INTERVAL {int(s.young_adult_age)} YEAR
                   AND date_of_birth <= DATE {d}),
        moved_on AS (  -- since last seen at home, a row at a postcode new to them
            SELECT DISTINCT l.person_id FROM last l SEMI JOIN born USING (person_id)
            JOIN seen e USING (person_id, dwelling_key)
            JOIN _tmp_households_rows r ON r.person_id = l.person_id
             AND r.start_date > e.seen_date AND r.postcode IS NOT NULL
            WHERE NOT EXISTS (  -- a postcode of the home, or of their own rows until then
                SELECT 1 FROM _tmp_households_evidence h
                WHERE h.dwelling_key = l.dwelling_key AND h.postcode = r.postcode)
              AND NOT EXISTS (
                SELECT 1 FROM _tmp_households_evidence h
                WHERE h.person_id = l.person_id AND h.postcode = r.postcode
                  AND h.start_date <= e.seen_date)),
        young AS (
            SELECT p.person_id, p.date_of_birth, l.dwelling_key AS last_key,
                   l.start_date AS last_start, l.end_date AS last_end,
                   l.end_date IS NULL AND l.dwelling_key IS NOT NULL AS is_housed,
                   coalesce(e.seen_date, l.start_date) AS last_seen
            FROM born p LEFT JOIN last l USING (person_id)
            LEFT JOIN seen e USING (person_id, dwelling_key)
            WHERE p.person_id NOT IN (SELECT person_id FROM moved_on)),
        lived_with AS (
            SELECT y.person_id, o.person_id AS carer_id,
                   'who lived with them there on ' || strftime(y.last_seen, '%Y-%m-%d') AS why
            FROM young y JOIN residence_spans o
              ON o.dwelling_key = y.last_key AND o.person_id <> y.person_id
             AND o.start_date <= y.last_seen
             AND coalesce(o.end_date, DATE {d}) >= y.last_seen
            JOIN persons a ON a.person_id = o.person_id
            WHERE date_diff('year', a.date_of_birth, y.date_of_birth) BETWEEN {int(lo)}
                  AND {int(hi)}),
        stated AS (
            SELECT y.person_id, s.person_id_a AS carer_id,
                   'their parent (' || s.evidence || ')' AS why
            FROM young y JOIN _tmp_households_stated s
              ON s.person_id_b = y.person_id AND s.relationship = 'parent'
            WHERE NOT y.is_housed),
        carers AS (SELECT person_id, carer_id, min(why) AS why FROM (
                       SELECT * FROM lived_with UNION ALL SELECT * FROM stated) GROUP BY ALL)
        SELECT y.*, c.carer_id, c.why, n.dwelling_key, n.start_date AS carer_since
        FROM young y JOIN carers c USING (person_id)
        JOIN now n ON n.person_id = c.carer_id
    """


PICK_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_households_carried AS
WITH tally AS (
    SELECT person_id, dwelling_key, count(DISTINCT carer_id) AS votes,
           dwelling_key = any_value(last_key) AS is_last_home, any_value(last_key) AS last_key,
           any_value(last_start) AS last_start, any_value(last_end) AS last_end,
           any_value(last_seen) AS last_seen, any_value(is_housed) AS is_housed,
           any_value(date_of_birth) AS date_of_birth, min(carer_since) AS carer_since,
           arg_min(carer_id, carer_id) AS carer_id, arg_min(why, carer_id) AS why
    FROM _tmp_households_votes GROUP BY person_id, dwelling_key),
ranked AS (
    SELECT *, row_number() OVER w AS rank,
           lead((votes, is_last_home)) OVER w = (votes, is_last_home) AS tied
    FROM tally WINDOW w AS (PARTITION BY person_id ORDER BY votes DESC, is_last_home DESC,
                                                         dwelling_key))
SELECT person_id, dwelling_key, last_key, last_start, last_end, last_seen, is_housed,
       carer_id, why,
       CASE WHEN is_housed THEN carer_since
            ELSE greatest(CAST(last_end + INTERVAL 1 DAY AS DATE), carer_since, date_of_birth)
            END AS start_date
FROM ranked
WHERE rank = 1 AND NOT coalesce(tied, false)
  AND (NOT is_housed OR NOT is_last_home AND carer_since > last_seen
                        AND carer_since > last_start)
"""


def carry(con: duckdb.DuckDBPyConnection, as_of: dt.date, s: HouseholdSettings) -> None:
    """Extend, end or add residence_spans for young people placed with their carers: those
    with no residence on ``as_of``, and those whose carers all moved out after the young
    person was last seen at home."""
    con.execute(_votes_sql(as_of, s))
    con.execute(PICK_SQL)
    con.execute("""
        UPDATE residence_spans r
        SET end_date = CASE WHEN c.is_housed THEN CAST(c.start_date - INTERVAL 1 DAY AS DATE)
                       END
        FROM _tmp_households_carried c
        WHERE r.person_id = c.person_id AND r.dwelling_key = c.last_key
          AND r.end_date IS NOT DISTINCT FROM c.last_end
          AND (c.is_housed OR c.dwelling_key = c.last_key)
    """)
    con.execute("""
        INSERT INTO residence_spans
        SELECT person_id, dwelling_key, start_date, NULL FROM _tmp_households_carried
        WHERE last_key IS NULL OR dwelling_key <> last_key
    """)
    con.execute("DELETE FROM current_addresses WHERE person_id IN "
                "(SELECT person_id FROM _tmp_households_carried)")
    con.execute(CURRENT_SQL, [as_of])


CURRENT_SQL = """
INSERT INTO current_addresses
WITH a AS (SELECT dwelling_key, any_value(uprn) AS uprn,
                  mode(address ORDER BY address) AS address,
                  mode(postcode ORDER BY postcode) AS postcode
           FROM address_history GROUP BY dwelling_key)
SELECT c.person_id, c.dwelling_key, a.uprn, a.address, a.postcode, CAST(? AS DATE),
       NULL, NULL,
       CASE WHEN c.is_housed THEN 'last seen at ' || coalesce(l.address, c.last_key) || ' on '
                || strftime(c.last_seen, '%Y-%m-%d') || ', since left by their carers'
            WHEN c.dwelling_key = c.last_key THEN 'no address still counts (last seen here on '
                || strftime(c.last_seen, '%Y-%m-%d') || ')'
            WHEN c.last_key IS NOT NULL THEN 'no address still counts (last seen at '
                || coalesce(l.address, c.last_key) || ' on ' || strftime(c.last_seen, '%Y-%m-%d')
                || ')'
            ELSE 'no address of their own' END
       || '; lives with ' || c.carer_id || ', ' || c.why
FROM _tmp_households_carried c LEFT JOIN a USING (dwelling_key)
LEFT JOIN a l ON l.dwelling_key = c.last_key
"""
