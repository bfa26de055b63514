"""Which person and family pages can differ from the previous snapshot's.

A page is a function of a few tables (``pages.NEEDS``). Comparing each table with the
previous snapshot's (rows in one and not the other, either way) gives the rows that changed;
from them, every page that shows one of those rows:

- a person's page shows their ``persons`` row, addresses, current address, households (with
  every member's name and dates), relationships (with the other person's name) and families
  (with each family's size);
- a family's page shows its ``families`` row, its members (name, date of birth, sex), their
  households and the relationships among them.

A row counts on both sides (its key before and after), so a person who left a household is
on the list as well as one who joined. Over-marking costs only time; the test that builds
pages both ways after a week of deliveries checks that nothing is missed.
"""

from __future__ import annotations

import duckdb

from famlink.engine import table_columns, table_exists

DIRTY = {"person_id": ("_tmp_dirty_persons", "_tmp_dirty_person_households"),
         "family_id": ("_tmp_dirty_families", "_tmp_dirty_family_households")}
INPUTS = ("persons", "address_history", "current_addresses", "households",
          "household_members", "person_relationships", "families", "family_members")


def comparable(con: duckdb.DuckDBPyConnection, previous: str) -> bool:
    """The previous snapshot has pages, and every input table in the same shape as now."""
    if not all(table_exists(con, t, previous) for t in ("serve_person_pages",
                                                        "serve_family_pages")):
        return False
    return all(table_exists(con, t) and table_exists(con, t, previous) and
               table_columns(con, t) == table_columns(con, t, previous) for t in INPUTS)


def _changed(table: str, columns: str, previous: str) -> str:
    """``columns`` of every row of ``table`` not in the previous snapshot's, or the reverse
    (rows compared by a hash of the whole row, with their key columns)."""
    now = f"SELECT {columns}, hash(t) AS h FROM {table} t"
    then = f"SELECT {columns}, hash(t) AS h FROM {previous}.{table} t"
    return (f"SELECT {columns} FROM ({now} EXCEPT ALL {then}) UNION "
            f"SELECT {columns} FROM ({then} EXCEPT ALL {now})")


def _both(table: str, previous: str) -> str:
    """The rows of ``table`` now and in the previous snapshot."""
    return f"(SELECT * FROM {table} UNION ALL SELECT * FROM {previous}.{table})"


def mark_changed(con: duckdb.DuckDBPyConnection, previous: str) -> None:
    """The temp tables of ``DIRTY``: keys whose pages to build again, and the households
    those pages read."""
    members, rels, fams = (_both(t, previous) for t in
                           ("household_members", "person_relationships", "family_members"))
    sql = {
        "_tmp_pd_persons": _changed("persons", "person_id", previous),
        "_tmp_pd_households": f"""
            {_changed('households', 'household_id', previous)}
            UNION {_changed('household_members', 'household_id', previous)}
            UNION SELECT household_id FROM {members} m
                  WHERE person_id IN (SELECT person_id FROM _tmp_pd_persons)""",
        "_tmp_pd_relationships": _changed("person_relationships", "person_id_a, person_id_b",
                                          previous),
        "_tmp_pd_families": f"""
            {_changed('families', 'family_id', previous)}
            UNION {_changed('family_members', 'family_id', previous)}""",
        "_tmp_dirty_persons": f"""
            SELECT person_id AS key FROM _tmp_pd_persons
            UNION {_changed('address_history', 'person_id', previous)}
            UNION {_changed('current_addresses', 'person_id', previous)}
            UNION SELECT person_id FROM {members} m
                  WHERE household_id IN (SELECT household_id FROM _tmp_pd_households)
            UNION SELECT person_id_a FROM _tmp_pd_relationships
            UNION SELECT person_id_b FROM _tmp_pd_relationships
            UNION SELECT person_id_b FROM {rels} r
                  WHERE person_id_a IN (SELECT person_id FROM _tmp_pd_persons)
            UNION SELECT person_id_a FROM {rels} r
                  WHERE person_id_b IN (SELECT person_id FROM _tmp_pd_persons)
            UNION SELECT person_id FROM {fams} f
                  WHERE family_id IN (SELECT family_id FROM _tmp_pd_families)""",
        "_tmp_dirty_families": """
            SELECT family_id AS key FROM _tmp_pd_families
            UNION SELECT family_id FROM family_members
                  WHERE person_id IN (SELECT key FROM _tmp_dirty_persons)""",
        "_tmp_dirty_person_households": """
            SELECT DISTINCT household_id FROM household_members
            WHERE person_id IN (SELECT key FROM _tmp_dirty_persons)""",
        "_tmp_dirty_family_households": """
            SELECT DISTINCT m.household_id FROM household_members m JOIN family_members f
            USING (person_id) WHERE f.family_id IN (SELECT key FROM _tmp_dirty_families)""",
    }
    for name, query in sql.items():
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {query}")
