"""Page tables: each person's and each family's view, but for the chronology and the
person's records (``serve_person_records``, summarised by ``famlink.views.records``), as one
row.

The page is stored as JSON text: DuckDB fetches one row's text by index in well under a
millisecond, but one row's nested lists take several milliseconds each (measured).

Built with the serving tables when the snapshot has the households stage's tables. Every list
is ordered as the view's own queries order it (``famlink.views.person`` and ``family``), so
that a page row read by key gives the same view as those queries; tests compare the two.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import duckdb

from famlink.views import page_delta

NEEDS = ("persons", "serve_person_records", "address_history", "current_addresses",
         "households", "household_members", "person_relationships", "families",
         "family_members")
DATE_FIELDS = frozenset({"date_of_birth", "event_date", "start_date", "end_date",
                         "first_seen_date", "last_seen_date"})
NAME = "coalesce(nullif(trim(concat_ws(' ', first_name, surname)), ''), person_id)"
COMMON = f"""
names AS (SELECT person_id, {NAME} AS name FROM persons),
hh AS (
    SELECT h.household_id, h.address, h.postcode, h.start_date, h.end_date,
           list({{'person_id': m.person_id, 'name': coalesce(n.name, m.person_id),
                  'start_date': m.start_date, 'end_date': m.end_date}}
                ORDER BY m.start_date NULLS FIRST, m.person_id) AS members
    FROM households h JOIN household_members m USING (household_id)
    LEFT JOIN names n ON n.person_id = m.person_id /*households:h.household_id*/
    GROUP BY h.household_id, h.address, h.postcode, h.start_date, h.end_date),
hh_struct AS (
    SELECT household_id, start_date, {{'household_id': household_id, 'address': address,
           'postcode': postcode, 'start_date': start_date, 'end_date': end_date,
           'members': members}} AS household FROM hh)"""
RELATION = ("{{'person_id': {me}, 'person_name': coalesce({me_name}.name, {me}), "
            "'other_person_id': {other}, 'other_name': coalesce({other_name}.name, {other}), "
            "'relation': CASE WHEN r.relationship = 'parent' THEN CASE WHEN {me} = "
            "r.person_id_a THEN 'parent of' ELSE 'child of' END ELSE r.relationship || ' of' "
            "END, 'source': r.source, 'confidence': CAST(r.confidence AS DOUBLE), "
            "'evidence': r.evidence, 'start_date': r.start_date, 'end_date': r.end_date}}")
RELATION_ORDER = ("r.relationship, r.person_id_a, r.person_id_b, r.start_date NULLS FIRST, "
                  "r.end_date NULLS FIRST, r.source, r.evidence, r.confidence")

PERSON_PAGES_SQL = f"""
WITH {COMMON},
addr AS (SELECT person_id, list({{'address': address, 'postcode': postcode, 'uprn': uprn,
                'first_seen_date': first_seen_date, 'last_seen_date': last_seen_date,
                'n_records': n_records, 'feeds': feeds, 'dwelling_key': dwelling_key}}
                ORDER BY first_seen_date NULLS LAST, last_seen_date, dwelling_key) AS addresses
         FROM address_history /*only:person_id*/ GROUP BY person_id),
cur AS (SELECT person_id, any_value({{'address': address, 'postcode': postcode, 'uprn': uprn,
               'reason': reason}}) AS current_address FROM current_addresses /*only:person_id*/
        GROUP BY 1),
hhs AS (SELECT x.person_id, list(h.household ORDER BY h.start_date NULLS FIRST,
               h.household_id) AS households
        FROM (SELECT DISTINCT person_id, household_id FROM household_members
              /*only:person_id*/) x
        JOIN hh_struct h USING (household_id) GROUP BY x.person_id),
r AS (SELECT person_id_a AS me, person_id_b AS other, 0 AS side, * FROM person_relationships
      /*only:person_id_a*/
      UNION ALL
      SELECT person_id_b, person_id_a, 1, * FROM person_relationships /*only:person_id_b*/),
rels AS (SELECT r.me AS person_id,
                list({RELATION.format(me="r.me", me_name="n1", other="r.other", other_name="n2")}
                     ORDER BY {RELATION_ORDER}, r.side) AS relationships
         FROM r LEFT JOIN names n1 ON n1.person_id = r.me
         LEFT JOIN names n2 ON n2.person_id = r.other GROUP BY r.me),
fams AS (SELECT m.person_id, list({{'family_id': m.family_id, 'role': m.role,
                'start_date': m.start_date, 'end_date': m.end_date,
                'n_members': f.n_members}} ORDER BY m.start_date NULLS FIRST, m.family_id)
                AS families
         FROM family_members m LEFT JOIN families f USING (family_id) /*only:m.person_id*/
         GROUP BY m.person_id)
SELECT p.person_id, to_json({{'n_records': p.n_records, 'feeds': p.feeds, 'name': n.name,
       'addresses': addr.addresses,
       'current_address': cur.current_address, 'households': hhs.households,
       'relationships': rels.relationships, 'families': fams.families}}) AS page
FROM persons p JOIN names n USING (person_id)
LEFT JOIN addr USING (person_id) LEFT JOIN cur USING (person_id)
LEFT JOIN hhs USING (person_id) LEFT JOIN rels USING (person_id)
LEFT JOIN fams USING (person_id) /*only:p.person_id*/
ORDER BY p.person_id
"""

FAMILY_PAGES_SQL = f"""
WITH {COMMON},
fm AS (SELECT DISTINCT family_id, person_id FROM family_members /*only:family_id*/),
mem AS (SELECT m.family_id, list({{'person_id': m.person_id,
               'name': coalesce(n.name, m.person_id), 'role': m.role,
               'start_date': m.start_date, 'end_date': m.end_date,
               'date_of_birth': p.date_of_birth, 'sex': p.sex}}
               ORDER BY CASE m.role WHEN 'parent' THEN 0 WHEN 'carer' THEN 1 ELSE 2 END,
               p.date_of_birth NULLS LAST, m.person_id, m.start_date NULLS FIRST) AS members
        FROM family_members m LEFT JOIN persons p USING (person_id)
        LEFT JOIN names n USING (person_id) /*only:m.family_id*/ GROUP BY m.family_id),
hhs AS (SELECT x.family_id, list(h.household ORDER BY h.start_date NULLS FIRST,
               h.household_id) AS households
        FROM (SELECT DISTINCT fm.family_id, hm.household_id FROM fm
              JOIN household_members hm USING (person_id)) x
        JOIN hh_struct h USING (household_id) GROUP BY x.family_id),
rels AS (SELECT fa.family_id, list({RELATION.format(me="r.person_id_a", me_name="n1",
                other="r.person_id_b", other_name="n2")} ORDER BY {RELATION_ORDER})
                AS relationships
         FROM person_relationships r JOIN fm fa ON fa.person_id = r.person_id_a
         JOIN fm fb ON fb.person_id = r.person_id_b AND fb.family_id = fa.family_id
         LEFT JOIN names n1 ON n1.person_id = r.person_id_a
         LEFT JOIN names n2 ON n2.person_id = r.person_id_b GROUP BY fa.family_id)
SELECT f.family_id, to_json({{'start_date': f.start_date, 'end_date': f.end_date,
       'members': mem.members, 'households': hhs.households,
       'relationships': rels.relationships}}) AS page
FROM families f LEFT JOIN mem USING (family_id) LEFT JOIN hhs USING (family_id)
LEFT JOIN rels USING (family_id) /*only:f.family_id*/
ORDER BY f.family_id
"""


PAGES = (("serve_person_pages", PERSON_PAGES_SQL, "person_id"),
         ("serve_family_pages", FAMILY_PAGES_SQL, "family_id"))
_ONLY = re.compile(r"/\*(only|households):([\w.]+)\*/")


def only(sql: str, keys: str, households: str) -> str:
    """``sql`` limited to the pages whose key is in table ``keys`` (column ``key``), reading
    only the households in table ``households`` (column ``household_id``)."""
    def where(m: re.Match[str]) -> str:
        table, column = (keys, "key") if m.group(1) == "only" else (households, "household_id")
        return f"WHERE {m.group(2)} IN (SELECT {column} FROM {table})"
    return _ONLY.sub(where, sql)


def build_pages(con: duckdb.DuckDBPyConnection, previous: str | None = None) -> dict[str, int]:
    """The page tables; with ``previous`` (the attached last snapshot, whose pages were
    built from the same shape of tables), its pages are kept but for the persons and
    families whose page may have changed (``page_delta``), which are built again. Returns
    the number of pages built of each table."""
    if previous is not None:
        page_delta.mark_changed(con, previous)
    built = {}
    for name, sql, key in PAGES:
        if previous is None:
            con.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")
            built[name] = int(con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0])
        else:
            dirty, households = page_delta.DIRTY[key]
            built[name] = int(con.execute(f"SELECT count(*) FROM {key_in(key, dirty)}"
                                          ).fetchall()[0][0])
            # the kept pages stay in key order, the new ones follow (found by the index)
            con.execute(f"CREATE OR REPLACE TABLE {name} AS "
                        f"SELECT * FROM {previous}.{name} WHERE {key} NOT IN (SELECT key FROM "
                        f"{dirty}) UNION ALL SELECT * FROM ({only(sql, dirty, households)})")
        con.execute(f"CREATE INDEX {name}_{key}_idx ON {name} ({key})")
    return built


def key_in(key: str, dirty: str) -> str:
    """The keys of ``dirty`` that have a page now."""
    table = "persons" if key == "person_id" else "families"
    return f"{table} WHERE {key} IN (SELECT key FROM {dirty})"


def page(con: duckdb.DuckDBPyConnection, table: str, key: str,
         value: str) -> dict[str, Any] | None:
    """One page as a dict (lists of dicts inside, dates as dates), or None when there is no
    such key."""
    rows = con.execute(f"SELECT page FROM {table} WHERE {key} = ?", [value]).fetchall()
    return _dates(json.loads(rows[0][0])) if rows else None


def _dates(value: Any, key: str = "") -> Any:
    """JSON gives dates as ISO strings: turn those of the date fields back into dates."""
    if isinstance(value, dict):
        return {k: _dates(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates(v) for v in value]
    if key in DATE_FIELDS and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value
