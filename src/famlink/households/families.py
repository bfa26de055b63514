"""Family units on the as-of date: dependent children and the adults who care for them.

Within each household, a child's parents are the co-resident adults a feed states are its
parents; failing that, they are inferred from the home: adults between ``parent_age_gap``
years older, of the youngest such generation (so a grandparent is not taken for a parent),
who are not themselves someone's child there (so an older brother is not either). A child
under ``adult_age`` with no adult of a parent's generation at home is cared for by the
youngest generation of adults there, however much older (an older father, a grandparent
bringing the child up). A child has two parents, those stated first: when more adults of
known age qualify than there are places left (a house share), only those with the child's
surname are taken, and none if they still do not fit. Partners
of a parent who live with the family are its carers. A family is the group joined by these
links that holds at least one child under ``young_adult_age``; a son or daughter who still
lives at home stays in it. A parent stated by a feed who lives elsewhere (after a separation)
is kept as ``parent_elsewhere``, so a family can span two households.

Family IDs are stable across runs by the same rule as person IDs, with merges and splits
written to ``family_id_history``.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from famlink.engine import create_temp_mapping, table_exists
from famlink.households.spec import HouseholdSettings
from famlink.ingest.mapping import q
from famlink.link.stable_ids import IdEvent, assign_ids_in_sql


def _people_sql(as_of: dt.date, s: HouseholdSettings) -> str:
    d = q(as_of.isoformat())
    return f"""
        CREATE OR REPLACE TEMP TABLE _tmp_families_people AS
        WITH adult AS (
            SELECT m.person_id, min(r.latest_dob) <= DATE {d} - INTERVAL {int(s.adult_age)} YEAR
                   AS is_adult
            FROM person_membership m JOIN person_records r USING (record_id)
            WHERE r.latest_dob IS NOT NULL GROUP BY ALL)
        SELECT m.household_id, m.person_id, m.start_date, p.date_of_birth, p.surname,
               CAST(floor(date_diff('day', p.date_of_birth, DATE {d}) / 365.25) AS INTEGER)
                   AS age, coalesce(a.is_adult, false) AS is_adult
        FROM household_members m JOIN persons p USING (person_id)
        LEFT JOIN adult a USING (person_id)
        WHERE m.start_date <= DATE {d} AND (m.end_date IS NULL OR m.end_date >= DATE {d})
    """


def _candidates_sql(s: HouseholdSettings) -> str:
    lo, hi = s.parent_age_gap
    return f"""
        CREATE OR REPLACE TEMP TABLE _tmp_families_candidates AS
        SELECT c.household_id, c.person_id AS child_id, a.person_id AS parent_id,
               a.age - c.age AS gap, a.surname = c.surname AS same_surname,
               coalesce(a.age - c.age > {int(hi)}, false) AS older_generation
        FROM _tmp_families_people c JOIN _tmp_families_people a
          ON a.household_id = c.household_id AND a.person_id <> c.person_id
        WHERE c.age < {int(s.young_adult_age)}
          AND (a.age - c.age >= {int(lo)} AND a.age >= {int(s.adult_age)}
               AND (a.age - c.age <= {int(hi)} OR c.age < {int(s.adult_age)})
               OR a.age IS NULL AND a.is_adult
                  AND (c.age < {int(s.adult_age)} OR a.surname = c.surname))
    """


STATED_PARENTS_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_families_stated AS
SELECT c.household_id, s.person_id_b AS child_id, s.person_id_a AS parent_id, s.confidence,
       s.evidence
FROM _tmp_households_stated s
JOIN _tmp_families_people c ON c.person_id = s.person_id_b
JOIN _tmp_families_people a ON a.person_id = s.person_id_a AND a.household_id = c.household_id
WHERE s.relationship = 'parent'
"""

INFERRED_PARENTS_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_families_inferred AS
WITH grown AS (SELECT DISTINCT child_id AS person_id FROM _tmp_families_candidates
               WHERE gap IS NOT NULL UNION SELECT child_id FROM _tmp_families_stated),
free AS (SELECT * FROM _tmp_families_candidates
         WHERE parent_id NOT IN (SELECT child_id FROM _tmp_families_stated)
           AND (child_id, parent_id) NOT IN (SELECT (child_id, parent_id)
                                             FROM _tmp_families_stated)),
pick AS (SELECT *, count(*) FILTER (WHERE parent_id NOT IN (SELECT person_id FROM grown))
                     OVER (PARTITION BY child_id) AS n_free
         FROM free),
kept AS (SELECT * FROM pick WHERE n_free = 0 OR parent_id NOT IN (SELECT person_id FROM grown)),
stated_gap AS (SELECT s.child_id, min(a.age - c.age) AS gap FROM _tmp_families_stated s
               JOIN _tmp_families_people a ON a.person_id = s.parent_id
               JOIN _tmp_families_people c ON c.person_id = s.child_id GROUP BY ALL),
gen AS (SELECT k.*, least(min(k.gap) OVER (PARTITION BY k.child_id), g.gap) AS min_gap
        FROM kept k LEFT JOIN stated_gap g USING (child_id)),
youngest AS (SELECT * FROM gen WHERE gap IS NULL OR min_gap IS NULL OR gap <= min_gap + 15),
slots AS (  -- a child has two parents; those a feed states come first
    SELECT y.child_id, 2 - count(DISTINCT s.parent_id) AS free_slots,
           count(DISTINCT y.parent_id) FILTER (WHERE y.gap IS NOT NULL) AS n,
           count(DISTINCT y.parent_id) FILTER (WHERE y.gap IS NOT NULL AND y.same_surname)
               AS n_same
    FROM youngest y LEFT JOIN _tmp_families_stated s USING (child_id) GROUP BY ALL)
SELECT household_id, child_id, parent_id,
       CASE WHEN same_surname THEN 0.7 ELSE 0.5 END - CASE WHEN gap IS NULL THEN 0.1 ELSE 0 END
           - CASE WHEN older_generation THEN 0.2 ELSE 0 END AS confidence,
       'lives with the child, ' || coalesce(gap || ' years older', 'an adult of unknown age')
       || CASE WHEN same_surname THEN ', same surname' ELSE '' END
       || CASE WHEN older_generation THEN ', no adult of a parent''s generation there'
               ELSE '' END AS evidence
FROM youngest JOIN slots USING (child_id)
WHERE gap IS NULL OR n <= free_slots OR same_surname AND n_same <= free_slots
"""

CARERS_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_families_carers AS
WITH parents AS (SELECT DISTINCT household_id, parent_id FROM _tmp_families_links),
partners AS (  -- each stated partnership from both sides (stored once, A < B)
    SELECT person_id_a AS person_id, person_id_b AS partner_id, confidence, evidence
    FROM _tmp_households_stated WHERE relationship = 'partner'
    UNION ALL
    SELECT person_id_b, person_id_a, confidence, evidence
    FROM _tmp_households_stated WHERE relationship = 'partner')
SELECT p.household_id, other.person_id AS carer_id, p.parent_id, s.confidence, s.evidence,
       false AS is_inferred
FROM parents p
JOIN partners s ON s.person_id = p.parent_id
JOIN _tmp_families_people other ON other.household_id = p.household_id
     AND other.person_id = s.partner_id
WHERE other.person_id NOT IN (SELECT parent_id FROM _tmp_families_links)
  AND other.person_id NOT IN (SELECT child_id FROM _tmp_families_links)
"""


def _inferred_carers_sql(s: HouseholdSettings) -> str:
    """A lone parent's household with one other adult of the parent's generation, not
    anyone's parent or child there: the parent's partner, caring for the children."""
    return f"""
        INSERT INTO _tmp_families_carers
        WITH lone AS (
            SELECT household_id, any_value(parent_id) AS parent_id FROM _tmp_families_links
            GROUP BY household_id HAVING count(DISTINCT parent_id) = 1),
        other AS (
            SELECT l.household_id, o.person_id AS carer_id, l.parent_id
            FROM lone l JOIN _tmp_families_people o USING (household_id)
            JOIN _tmp_families_people p ON p.person_id = l.parent_id
            WHERE o.person_id <> l.parent_id
              AND o.person_id NOT IN (SELECT child_id FROM _tmp_families_links)
              AND o.person_id NOT IN (SELECT carer_id FROM _tmp_families_carers)
              AND (abs(o.age - p.age) < {int(s.parent_age_gap[0])}
                   OR o.age IS NULL AND o.is_adult)
              AND (o.age IS NULL OR o.age >= {int(s.adult_age)}))
        SELECT household_id, any_value(carer_id), any_value(parent_id), 0.5,
               'lives with the parent and the children, of the parent''s generation', true
        FROM other WHERE household_id NOT IN (SELECT household_id FROM _tmp_families_carers)
        GROUP BY household_id HAVING count(*) = 1
    """


def _components(edges: list[tuple[str, str]]) -> dict[str, str]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in parent}


def _family_labels(con: duckdb.DuckDBPyConnection, s: HouseholdSettings) -> dict[str, str]:
    edges = con.execute("SELECT parent_id, child_id FROM _tmp_families_links UNION ALL "
                        "SELECT carer_id, parent_id FROM _tmp_families_carers").fetchall()
    labels = _components([(str(a), str(b)) for a, b in edges])
    young = {str(p) for (p,) in con.execute(
        f"SELECT child_id FROM _tmp_families_links l JOIN _tmp_families_people p "
        f"ON p.person_id = l.child_id WHERE p.age < {int(s.young_adult_age)}").fetchall()}
    keep = {labels[p] for p in young}
    return {p: root for p, root in labels.items() if root in keep}


def build_families(con: duckdb.DuckDBPyConnection, as_of: dt.date,
                   s: HouseholdSettings) -> list[IdEvent]:
    con.execute(_people_sql(as_of, s))
    con.execute(_candidates_sql(s))
    con.execute(STATED_PARENTS_SQL)
    con.execute(INFERRED_PARENTS_SQL)
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_families_links AS "
                "SELECT *, 'stated' AS source FROM _tmp_families_stated UNION ALL "
                "SELECT *, 'inferred' FROM _tmp_families_inferred")
    con.execute(CARERS_SQL)
    con.execute(_inferred_carers_sql(s))
    create_temp_mapping(con, "_tmp_families_labels", "person_id", "root",
                        _family_labels(con, s))
    before = ("SELECT person_id AS member, family_id AS id FROM family_members "
              "WHERE role <> 'parent_elsewhere'" if table_exists(con, "family_members") else None)
    events = assign_ids_in_sql(con, "SELECT person_id AS member, root AS cluster FROM "
                                    "_tmp_families_labels", before, "_tmp_families_ids_raw",
                               prefix="F")
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_families_ids AS SELECT l.person_id, "
                "i.id AS family_id FROM _tmp_families_labels l "
                "JOIN _tmp_families_ids_raw i ON i.cluster = l.root")
    _write_members(con)
    return events


def _write_members(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        CREATE OR REPLACE TABLE family_members AS
        WITH roles AS (
            SELECT person_id, 'child' AS role FROM _tmp_families_ids
            WHERE person_id IN (SELECT child_id FROM _tmp_families_links)
              AND person_id NOT IN (SELECT parent_id FROM _tmp_families_links)
            UNION ALL SELECT person_id, 'parent' FROM _tmp_families_ids
            WHERE person_id IN (SELECT parent_id FROM _tmp_families_links)
            UNION ALL SELECT person_id, 'carer' FROM _tmp_families_ids
            WHERE person_id IN (SELECT carer_id FROM _tmp_families_carers)
              AND person_id NOT IN (SELECT parent_id FROM _tmp_families_links)),
        resident AS (
            SELECT i.family_id, i.person_id, r.role, p.household_id, p.start_date
            FROM _tmp_families_ids i JOIN roles r USING (person_id)
            JOIN _tmp_families_people p USING (person_id)),
        elsewhere AS (
            SELECT DISTINCT c.family_id, s.person_id_a AS person_id, 'parent_elsewhere' AS role,
                   p.household_id, s.start_date
            FROM _tmp_households_stated s
            JOIN resident c ON c.person_id = s.person_id_b AND c.role = 'child'
            LEFT JOIN _tmp_families_people p ON p.person_id = s.person_id_a
            WHERE s.relationship = 'parent'
              AND s.person_id_a NOT IN (SELECT person_id FROM resident r2
                                        WHERE r2.family_id = c.family_id))
        SELECT family_id, person_id, role, household_id, start_date,
               CAST(NULL AS DATE) AS end_date
        FROM (SELECT * FROM resident UNION ALL
              SELECT * FROM elsewhere QUALIFY row_number() OVER (
                  PARTITION BY family_id, person_id ORDER BY household_id NULLS LAST,
                  start_date NULLS LAST) = 1)
        ORDER BY family_id, role, person_id
    """)
    con.execute("""
        CREATE OR REPLACE TABLE families AS
        SELECT family_id, min(start_date) FILTER (WHERE role <> 'parent_elsewhere')
                   AS start_date, CAST(NULL AS DATE) AS end_date,
               count(*) FILTER (WHERE role <> 'parent_elsewhere') AS n_members,
               count(*) FILTER (WHERE role = 'child') AS n_children,
               list(DISTINCT household_id ORDER BY household_id)
                   FILTER (WHERE household_id IS NOT NULL) AS household_ids
        FROM family_members GROUP BY family_id ORDER BY family_id
    """)
