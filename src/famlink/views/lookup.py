"""What the views share: checking an ID exists, names of persons, the households hint."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from famlink.engine import scalar
from famlink.errors import FamlinkError
from famlink.views.serving import MARKER

HOUSEHOLD_TABLES = ("address_history", "current_addresses", "households", "household_members",
                    "person_relationships", "families", "family_members")
HOUSEHOLDS_HINT = ("households, relationships and families are not in this warehouse yet: "
                   "run `famlink run households`")


@dataclass(frozen=True)
class Tables:
    """The tables of a warehouse or snapshot, read once per view (one query, not one a table).

    ``served``: the snapshot has the serving tables (famlink.views.serving), so the views read
    them; otherwise they read the warehouse tables as the pipeline left them.
    """

    names: frozenset[str]

    @property
    def served(self) -> bool:
        return MARKER in self.names

    def has(self, *tables: str) -> bool:
        return all(t in self.names for t in tables)


def tables_of(con: duckdb.DuckDBPyConnection) -> Tables:
    """A snapshot lists its tables in one row of serve_info; else the catalog is read."""
    try:
        [(names,)] = con.execute(f"SELECT tables FROM {MARKER}").fetchall()
    except duckdb.Error:  # a warehouse, or a snapshot published before serve_info had them
        rows = con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        names = [r[0] for r in rows]
    return Tables(frozenset(names))


def has(con: duckdb.DuckDBPyConnection, *tables: str) -> bool:
    return tables_of(con).has(*tables)


def households_hint(con: duckdb.DuckDBPyConnection, tables: Tables | None = None) -> list[str]:
    t = tables or tables_of(con)
    missing = [name for name in HOUSEHOLD_TABLES if not t.has(name)]
    return [f"{HOUSEHOLDS_HINT} (missing: {', '.join(missing)})"] if missing else []


def require_person(con: duckdb.DuckDBPyConnection, person_id: str) -> None:
    """A clear error when the warehouse has no such person, naming where the ID went."""
    if not has(con, "persons"):
        raise FamlinkError("no persons in the warehouse yet: run `famlink run` first")
    if scalar(con, "SELECT count(*) FROM persons WHERE person_id = ?", [person_id]):
        return
    moved = None
    if has(con, "person_id_history"):
        moved = scalar(con, "SELECT other_person_id FROM person_id_history WHERE person_id = ? "
                            "AND event IN ('merged', 'split') AND other_person_id IS NOT NULL "
                            "ORDER BY run_id DESC, records DESC LIMIT 1", [person_id])
    if moved:
        raise FamlinkError(f"no person {person_id} in the warehouse: its records are now in "
                           f"{moved}; see `famlink person {moved}`")
    raise FamlinkError(f"no person {person_id} in the warehouse; search with "
                       "`famlink find \"NAME\" [--dob YYYY-MM-DD]`")


def require_family(con: duckdb.DuckDBPyConnection, family_id: str) -> None:
    if not has(con, "families"):
        raise FamlinkError(f"no families in the warehouse yet, so no family {family_id}: "
                           "the households stage builds them (`famlink run households`)")
    if not scalar(con, "SELECT count(*) FROM families WHERE family_id = ?", [family_id]):
        raise FamlinkError(f"no family {family_id} in the warehouse; find a person with "
                           "`famlink find \"NAME\"`, then `famlink person ID` lists their "
                           "families")


def display_names(con: duckdb.DuckDBPyConnection, person_ids: list[str]) -> dict[str, str]:
    """Each person's most common name, or their ID when no record names them."""
    if not person_ids:
        return {}
    rows = con.execute("SELECT person_id, nullif(trim(concat_ws(' ', first_name, surname)), '') "
                       "FROM persons WHERE list_contains(?, person_id)",
                       [sorted(set(person_ids))]).fetchall()
    found = {pid: name for pid, name in rows if name}
    return {pid: found.get(pid, pid) for pid in person_ids}
