"""Where each person lives, and when: address evidence -> address_history, residence_spans
and current_addresses.

Every person record with an address is evidence that its person lived at that dwelling: on
the row's date only (a census return, an attendance at A&E), or over a period when the feed
declares one (``residence:``, e.g. a council tax liability or a tenancy; an open end means
still there). A dwelling is its UPRN (the feed's own, or the gazetteer match) or, failing
that, the normalised address with its postcode.

Where two addresses compete, a period still running (a liability or tenancy) outranks any
dated row, and of two running periods the one that started later wins (the older one was
not closed when the person moved), unless it was left with a co-resident: someone who lived
at its dwelling moved, on a newer period, to the dwelling of the person's newest dated rows;
from then on it counts as a dated row of its start date. Between dated rows, the more recent
wins, with each feed's ``reliability`` worth up to ``reliability_days`` of recency. A dated
row stops counting ``point_evidence_days`` after its date, or after the person's latest
record of any kind (an attendance or an A&E visit shows they are still about). Residence
changes only on a date some evidence starts or stops, so the spans are worked out at those
dates and joined up where the winner stays the same.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from famlink.engine import table_columns, table_exists
from famlink.households.spec import HouseholdSettings
from famlink.ingest.load import raw_table
from famlink.ingest.mapping import ident, q
from famlink.project import Project


def _dwelling_sql(cols: dict[str, str]) -> tuple[str, str]:
    """(dwelling key, dwelling uprn) expressions over person_records ``r``."""
    uprn = "coalesce(r.matched_uprn, r.uprn)" if "matched_uprn" in cols else "r.uprn"
    key = (f"CASE WHEN {uprn} IS NOT NULL THEN 'U' || {uprn} WHEN r.address_norm IS NOT NULL "
           "THEN 'A' || r.address_norm || ' ' || coalesce(r.postcode, '') END")
    return key, uprn


def record_dates_sql(con: duckdb.DuckDBPyConnection, project: Project) -> str:
    """(record_id, start_date, end_date, is_period) for every row of every person feed."""
    parts = []
    for feed in project.feeds.values():
        table = raw_table(feed.name)
        if feed.kind == "address" or not table_exists(con, table):
            continue
        have = table_columns(con, table)
        spec = feed.residence
        start = spec.start if spec else "event_date"
        end = spec.end if spec else None
        start_sql = f"TRY_CAST({ident(start)} AS DATE)" if start in have else "NULL::DATE"
        end_sql = f"TRY_CAST({ident(end)} AS DATE)" if end and end in have else "NULL::DATE"
        parts.append(f"SELECT record_id, {start_sql} AS start_date, {end_sql} AS end_date, "
                     f"{'true' if end else 'false'} AS is_period FROM {ident(table)}")
    if not parts:
        return ("SELECT NULL::VARCHAR AS record_id, NULL::DATE AS start_date, "
                "NULL::DATE AS end_date, false AS is_period WHERE false")
    return "\nUNION ALL\n".join(parts)


def build_evidence(con: duckdb.DuckDBPyConnection, project: Project, as_of: dt.date,
                   settings: HouseholdSettings) -> None:
    """_tmp_households_evidence: one row per address-bearing record of a linked person, and
    per postcode-only record that :func:`place_postcode_rows` can put at a dwelling."""
    key, uprn = _dwelling_sql(table_columns(con, "person_records"))
    d = q(as_of.isoformat())
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _tmp_households_rows AS
        WITH dated AS ({record_dates_sql(con, project)}),
        mine AS (SELECT m.person_id, r.event_date, r.postcode, {key} IS NOT NULL AS has_key
                 FROM person_membership m JOIN person_records r USING (record_id)
                 WHERE r.event_date <= DATE {d}),
        active AS (  -- a row at a postcode new to the person does not show them still home
            SELECT person_id, max(event_date) AS last_active FROM mine
            WHERE postcode IS NULL OR (person_id, postcode) IN (
                SELECT (person_id, postcode) FROM mine WHERE has_key)
            GROUP BY ALL)
        SELECT m.person_id, r.record_id, r.feed, coalesce(r.feed_reliability, 0.5) AS reliability,
               {key} AS dwelling_key, {uprn} AS uprn, r.address_norm AS address, r.postcode,
               least(d.start_date, DATE {d}) AS start_date,
               CASE WHEN d.is_period THEN least(coalesce(d.end_date, DATE {d}), DATE {d})
                    ELSE least(d.start_date, DATE {d}) END AS seen_date,
               CASE WHEN d.is_period THEN least(coalesce(d.end_date, DATE {d}), DATE {d})
                    ELSE least(CAST(greatest(d.start_date, a.last_active) + INTERVAL
                                    {int(settings.point_evidence_days)} DAY AS DATE), DATE {d})
                    END AS valid_to,
               d.is_period, d.end_date IS NULL AND d.is_period AS is_open,
               false AS is_placed
        FROM person_records r
        JOIN person_membership m USING (record_id)
        LEFT JOIN dated d USING (record_id)
        LEFT JOIN active a USING (person_id)
        WHERE ({key} IS NOT NULL OR r.postcode IS NOT NULL)
          AND (d.start_date IS NULL OR d.start_date <= DATE {d})
    """)
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_households_evidence AS "
                "SELECT * FROM _tmp_households_rows WHERE dwelling_key IS NOT NULL")
    place_postcode_rows(con, settings)
    con.execute(RETURNS_SQL)
    con.execute(LEFT_WITH_SQL)


RETURNS_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_households_evidence AS
WITH dated AS (SELECT * FROM _tmp_households_evidence
               WHERE NOT is_period AND start_date IS NOT NULL),
prev AS (
    SELECT e.record_id, e.person_id, e.dwelling_key, e.start_date, max(h.seen_date) AS prev_here
    FROM dated e JOIN _tmp_households_evidence h
      ON h.person_id = e.person_id AND h.dwelling_key = e.dwelling_key
     AND h.seen_date < e.start_date
    GROUP BY ALL),
returns AS (
    SELECT DISTINCT p.record_id FROM prev p JOIN _tmp_households_evidence o
      ON o.person_id = p.person_id AND o.dwelling_key <> p.dwelling_key AND NOT o.is_placed
     AND o.start_date > p.prev_here AND o.start_date < p.start_date)
SELECT e.*, e.record_id IN (SELECT record_id FROM returns) AS is_return
FROM _tmp_households_evidence e
"""


LEFT_WITH_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_households_evidence AS
WITH dated AS (SELECT * FROM _tmp_households_evidence
               WHERE NOT is_period AND start_date IS NOT NULL),
period AS (SELECT * FROM _tmp_households_evidence WHERE is_period AND start_date IS NOT NULL),
per_home AS (SELECT person_id, dwelling_key, max(start_date) AS last_date FROM dated
             GROUP BY ALL),
top2 AS (SELECT person_id, list(last_date ORDER BY last_date DESC, dwelling_key)[2] AS second,
                arg_max(dwelling_key, (last_date, dwelling_key)) AS home
         FROM per_home GROUP BY ALL),
latest AS (  -- each person's dated rows at a dwelling newer than all their rows elsewhere
    SELECT d.person_id, d.dwelling_key, d.start_date FROM dated d JOIN top2 t USING (person_id)
    WHERE d.dwelling_key = t.home AND (t.second IS NULL OR d.start_date > t.second)),
moved AS (  -- someone who lived at the period's dwelling, then on a newer period at the row's
    SELECT p.record_id, l.start_date AS left_on, c.person_id AS left_with
    FROM period p JOIN latest l ON l.person_id = p.person_id
     AND l.dwelling_key <> p.dwelling_key AND l.start_date > p.start_date
     AND p.valid_to >= l.start_date
    JOIN period c ON c.dwelling_key = l.dwelling_key AND c.person_id <> p.person_id
     AND c.start_date > p.start_date AND c.start_date <= l.start_date
     AND c.valid_to >= l.start_date
    JOIN _tmp_households_evidence h ON h.person_id = c.person_id
     AND h.dwelling_key = p.dwelling_key AND h.seen_date >= p.start_date
     AND h.start_date < c.start_date),
first_ AS (SELECT record_id, min(left_on) AS left_on,
                  arg_min(left_with, (left_on, left_with)) AS left_with
           FROM moved GROUP BY ALL)
SELECT e.*, f.left_on, f.left_with
FROM _tmp_households_evidence e LEFT JOIN first_ f USING (record_id)
"""


def place_postcode_rows(con: duckdb.DuckDBPyConnection, s: HouseholdSettings) -> None:
    """Rows with a postcode but no address (an A&E attendance, a baby's first record) become
    evidence for a dwelling at that postcode: the person's own dwelling there if they have one
    on another row, else the one dwelling there where someone of the same surname (give or take
    a typing slip) lived on the row's date: at the dwelling of their latest running period if
    one covers the date (it outranks their dated rows), else where a dated row of theirs still
    counts. For a child's row (under ``adult_age`` on its date), of several such dwellings the
    one housing someone of a parent's generation (``parent_age_gap`` years older) wins when it
    is the only one. A row that fits no dwelling, or more than one, is left out."""
    lo, hi = s.parent_age_gap
    con.execute(f"""
        INSERT INTO _tmp_households_evidence
        WITH pc AS (
            SELECT r.*, upper(p.surname) AS surname, p.date_of_birth
            FROM _tmp_households_rows r JOIN persons p USING (person_id)
            WHERE r.dwelling_key IS NULL AND r.start_date IS NOT NULL),
        own AS (
            SELECT pc.record_id, arg_max(e.dwelling_key, (e.seen_date, e.dwelling_key)) AS key
            FROM pc JOIN _tmp_households_evidence e
              ON e.person_id = pc.person_id AND e.postcode = pc.postcode
            GROUP BY ALL),
        there AS (  -- kin evidence at the postcode on the row's date
            SELECT pc.record_id, e.person_id AS kin_id, e.dwelling_key, e.is_period,
                   e.start_date,
                   date_diff('year', k.date_of_birth, pc.date_of_birth)
                       BETWEEN {int(lo)} AND {int(hi)}
                   AND pc.date_of_birth > pc.start_date - INTERVAL {int(s.adult_age)} YEAR
                       AS elder
            FROM pc JOIN _tmp_households_evidence e
              ON e.postcode = pc.postcode AND e.person_id <> pc.person_id
             AND e.start_date <= pc.start_date AND pc.start_date <= e.valid_to
            JOIN persons k ON k.person_id = e.person_id
             AND jaro_winkler_similarity(upper(k.surname), pc.surname) >= 0.9
            WHERE pc.record_id NOT IN (SELECT record_id FROM own)),
        elsewhere AS (  -- the kin's latest running period on that date, wherever it is
            SELECT DISTINCT t.record_id, t.kin_id, arg_max(o.dwelling_key,
                       (o.start_date, o.dwelling_key)) AS key
            FROM (SELECT DISTINCT record_id, kin_id FROM there) t
            JOIN pc USING (record_id)
            JOIN _tmp_households_evidence o ON o.person_id = t.kin_id AND o.is_period
             AND o.start_date <= pc.start_date AND pc.start_date <= o.valid_to
            GROUP BY ALL),
        homes AS (
            SELECT t.record_id, t.dwelling_key, bool_or(coalesce(t.elder, false)) AS elder
            FROM there t LEFT JOIN elsewhere w USING (record_id, kin_id)
            WHERE w.key IS NULL OR w.key = t.dwelling_key
            GROUP BY ALL),
        kin AS (
            SELECT record_id, CASE WHEN count(*) = 1 THEN min(dwelling_key)
                                   WHEN count(*) FILTER (WHERE elder) = 1
                                   THEN min(dwelling_key) FILTER (WHERE elder) END AS key
            FROM homes GROUP BY ALL),
        placed AS (SELECT * FROM own UNION ALL SELECT * FROM kin WHERE key IS NOT NULL),
        dwelling AS (SELECT dwelling_key, any_value(uprn) AS uprn,
                            mode(address ORDER BY address) AS address
                     FROM _tmp_households_evidence GROUP BY ALL)
        SELECT pc.person_id, pc.record_id, pc.feed, pc.reliability, x.key, w.uprn, w.address,
               pc.postcode, pc.start_date, pc.seen_date, pc.valid_to, pc.is_period, pc.is_open,
               true AS is_placed
        FROM pc JOIN placed x USING (record_id) JOIN dwelling w ON w.dwelling_key = x.key
    """)


ADDRESS_HISTORY_SQL = """
CREATE OR REPLACE TABLE address_history AS
SELECT person_id, dwelling_key, any_value(uprn) AS uprn,
       mode(address ORDER BY address) AS address, mode(postcode ORDER BY postcode) AS postcode,
       min(start_date) AS first_seen_date, max(seen_date) AS last_seen_date,
       count(*) AS n_records, list(DISTINCT feed ORDER BY feed) AS feeds,
       max(reliability) AS best_reliability, list(record_id ORDER BY record_id) AS record_ids
FROM _tmp_households_evidence
GROUP BY person_id, dwelling_key
ORDER BY person_id, first_seen_date NULLS LAST, dwelling_key
"""


PERIOD_FIRST = 1_000_000  # any period still running outranks any dated row


def _winners_sql(days: int) -> str:
    """At every breakpoint of every person, the dwelling whose evidence scores best."""
    return f"""
        WITH ev AS (SELECT * FROM _tmp_households_evidence WHERE start_date IS NOT NULL),
        bp AS (SELECT DISTINCT person_id, start_date AS at_date FROM ev
               UNION SELECT DISTINCT person_id, CAST(valid_to + INTERVAL 1 DAY AS DATE) FROM ev),
        scored AS (
            SELECT bp.person_id, bp.at_date, ev.dwelling_key,
                   max(CASE WHEN ev.is_period AND (ev.left_on IS NULL
                                                   OR bp.at_date < ev.left_on)
                            THEN {PERIOD_FIRST} + date_diff('day', DATE '1900-01-01',
                                                            ev.start_date) + ev.reliability
                            WHEN ev.is_period  -- left with a co-resident: counts from its start
                            THEN date_diff('day', DATE '1900-01-01', ev.start_date)
                                 + ev.reliability * {int(days)}
                            ELSE date_diff('day', DATE '1900-01-01',
                                           least(ev.seen_date, bp.at_date))
                                 + ev.reliability * {int(days)}
                                 - CASE WHEN ev.is_return THEN {int(days)} ELSE 0 END
                            END) AS score
            FROM bp JOIN ev ON ev.person_id = bp.person_id
                           AND ev.start_date <= bp.at_date AND bp.at_date <= ev.valid_to
            GROUP BY ALL)
        SELECT bp.person_id, bp.at_date,
               arg_max(s.dwelling_key, (s.score, s.dwelling_key)) AS dwelling_key
        FROM bp LEFT JOIN scored s USING (person_id, at_date)
        GROUP BY ALL
    """


def from_birth(con: duckdb.DuckDBPyConnection) -> None:
    """Nobody lives anywhere before they were born: a tenancy listing a baby born after it
    started, or a row dated before the birth, does not put the person there any earlier.
    Spans that ended before the birth go; one running at the birth starts then."""
    con.execute("""
        DELETE FROM residence_spans r USING persons p
        WHERE r.person_id = p.person_id AND r.end_date < p.date_of_birth
    """)
    con.execute("""
        UPDATE residence_spans r SET start_date = p.date_of_birth FROM persons p
        WHERE r.person_id = p.person_id AND r.start_date < p.date_of_birth
    """)


def build_spans(con: duckdb.DuckDBPyConnection, as_of: dt.date,
                settings: HouseholdSettings) -> None:
    """residence_spans: (person, dwelling, start, end); end NULL while still there on as_of."""
    d = q(as_of.isoformat())
    con.execute(f"""
        CREATE OR REPLACE TABLE residence_spans AS
        WITH w AS ({_winners_sql(settings.reliability_days)}),
        marked AS (
            SELECT *, CASE WHEN dwelling_key IS NOT DISTINCT FROM lag(dwelling_key) OVER
                           (PARTITION BY person_id ORDER BY at_date) THEN 0 ELSE 1 END AS change,
                   lead(at_date) OVER (PARTITION BY person_id ORDER BY at_date) AS next_date
            FROM w),
        runs AS (SELECT *, sum(change) OVER (PARTITION BY person_id ORDER BY at_date) AS run
                 FROM marked)
        SELECT person_id, dwelling_key, min(at_date) AS start_date,
               CASE WHEN bool_or(next_date IS NULL OR next_date > DATE {d}) THEN NULL
                    ELSE CAST(max(next_date) - INTERVAL 1 DAY AS DATE) END AS end_date
        FROM runs WHERE dwelling_key IS NOT NULL AND at_date <= DATE {d}
        GROUP BY person_id, dwelling_key, run
        ORDER BY person_id, start_date
    """)


def build_current(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """current_addresses: each person's dwelling on as_of, with the evidence that chose it."""
    d = q(as_of.isoformat())
    rank = (f"(e.is_period AND e.valid_to >= DATE {d}, CASE WHEN e.is_period THEN e.start_date "
            "ELSE e.seen_date END, e.reliability, e.record_id)")
    con.execute(f"""
        CREATE OR REPLACE TABLE current_addresses AS
        WITH cur AS (SELECT person_id, dwelling_key FROM residence_spans WHERE end_date IS NULL),
        best AS (
            SELECT e.person_id, e.dwelling_key, arg_max(e, {rank}) AS ev,
                   count(*) AS n_records, list(DISTINCT e.feed ORDER BY e.feed) AS feeds
            FROM _tmp_households_evidence e JOIN cur USING (person_id, dwelling_key)
            WHERE e.start_date IS NOT NULL GROUP BY ALL),
        rival AS (
            SELECT e.person_id, arg_max(e, {rank}) AS ev
            FROM _tmp_households_evidence e JOIN cur USING (person_id)
            WHERE e.dwelling_key <> cur.dwelling_key AND e.start_date IS NOT NULL
            GROUP BY ALL)
        SELECT b.person_id, b.dwelling_key, b.ev.uprn AS uprn, b.ev.address AS address,
               b.ev.postcode AS postcode, DATE {d} AS as_of_date,
               b.ev.feed AS deciding_feed, b.ev.seen_date AS deciding_date,
               {_said('b.ev')} || '; ' || b.n_records || ' record(s) here, from '
               || array_to_string(b.feeds, ', ')
               || coalesce('; preferred to ' || r.ev.address || ', ' || {_said('r.ev')}, '')
               AS reason
        FROM best b LEFT JOIN rival r USING (person_id)
        ORDER BY b.person_id
    """)


def _said(ev: str) -> str:
    """What one piece of evidence says, as text."""
    return (f"CASE WHEN {ev}.is_open THEN 'open on ' || {ev}.feed || ' since ' "
            f"|| strftime({ev}.start_date, '%Y-%m-%d') WHEN {ev}.is_period THEN {ev}.feed "
            f"|| ' ' || strftime({ev}.start_date, '%Y-%m-%d') || ' to ' "
            f"|| strftime({ev}.seen_date, '%Y-%m-%d') ELSE 'seen on ' || {ev}.feed || ' ' "
            f"|| strftime({ev}.seen_date, '%Y-%m-%d') END || CASE WHEN {ev}.is_placed "
            f"THEN ', postcode only' ELSE '' END || CASE WHEN {ev}.is_return "
            "THEN ', back at an address left earlier' ELSE '' END || CASE WHEN "
            f"{ev}.left_on IS NOT NULL THEN ', left with ' || {ev}.left_with || ' by ' "
            f"|| strftime({ev}.left_on, '%Y-%m-%d') ELSE '' END || ' (reliability ' "
            f"|| round({ev}.reliability, 2) || ')'")
