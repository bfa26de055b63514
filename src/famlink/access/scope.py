"""Row scope: the persons and families a user may see, worked out once per published
snapshot and role (and school), then kept until the snapshot changes.

``None`` means everyone (a scope of kind ``all``); otherwise a frozen set of IDs. A family is
in scope when any of its members is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from famlink.access.roles import ScopeSpec
from famlink.engine import table_exists

T = TypeVar("T")
AREA_SQL = ("SELECT DISTINCT person_id FROM current_addresses "
            "WHERE list_contains(?, upper(split_part(trim(postcode), ' ', 1)))")
AREA_FROM_RECORDS_SQL = ("SELECT DISTINCT m.person_id FROM person_records r "
                         "JOIN person_membership m USING (record_id) "
                         "WHERE list_contains(?, upper(r.postcode_outward))")
# On the roll: the pupil's latest census return names the school.
ROLL_SQL = """
SELECT person_id, organisation_ref AS school FROM (
    SELECT m.person_id, e.organisation_ref,
           row_number() OVER (PARTITION BY m.person_id
                              ORDER BY e.event_date DESC NULLS LAST, e.event_id DESC) AS n
    FROM events e JOIN person_membership m USING (record_id) WHERE e.feed = ?)
WHERE n = 1
"""
SCHOOL_SQL = f"SELECT person_id FROM ({ROLL_SQL}) WHERE school = ?"
FEEDS_SQL = ("SELECT DISTINCT m.person_id FROM person_records r "
             "JOIN person_membership m USING (record_id) WHERE list_contains(?, r.feed)")


@dataclass(frozen=True)
class Scope:
    persons: frozenset[str] | None
    families: frozenset[str] | None

    def has_person(self, person_id: str) -> bool:
        return self.persons is None or person_id in self.persons

    def has_family(self, family_id: str) -> bool:
        return self.families is None or family_id in self.families


def _ids(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> frozenset[str]:
    return frozenset(str(r[0]) for r in con.execute(sql, params).fetchall())


def scope_persons(con: duckdb.DuckDBPyConnection, spec: ScopeSpec,
                  value: str | None) -> frozenset[str] | None:
    if spec.kind == "all":
        return None
    if spec.kind == "none":
        return frozenset()
    if spec.kind == "area":
        sql = AREA_SQL if table_exists(con, "current_addresses") else AREA_FROM_RECORDS_SQL
        return _ids(con, sql, [spec.postcode_districts])
    if spec.kind == "school":
        if not value or not table_exists(con, "events"):
            return frozenset()
        return _ids(con, SCHOOL_SQL, [spec.school_feed, value])
    return _ids(con, FEEDS_SQL, [spec.feeds])


def scope_families(con: duckdb.DuckDBPyConnection,
                   persons: frozenset[str] | None) -> frozenset[str] | None:
    if persons is None:
        return None
    if not persons or not table_exists(con, "family_members"):
        return frozenset()
    rows = con.execute("SELECT DISTINCT family_id, person_id FROM family_members").fetchall()
    return frozenset(str(f) for f, p in rows if p in persons)


class ScopeCache:
    """Scopes per (snapshot, role, scope value), and other figures that depend only on them
    (the dashboard), all dropped when the snapshot changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot: Path | None = None
        self._scopes: dict[tuple[str, str | None], Scope] = {}
        self._memo: dict[tuple[str, ...], Any] = {}

    def _switch(self, snapshot: Path) -> None:
        if snapshot != self._snapshot:
            self._snapshot, self._scopes, self._memo = snapshot, {}, {}

    def has(self, snapshot: Path, role: str, value: str | None) -> bool:
        """Whether ``get`` would answer from the cache (no query)."""
        with self._lock:
            return snapshot == self._snapshot and (role, value) in self._scopes

    def get(self, snapshot: Path, con: duckdb.DuckDBPyConnection, role: str, spec: ScopeSpec,
            value: str | None) -> Scope:
        with self._lock:
            self._switch(snapshot)
            key = (role, value)
            if key not in self._scopes:
                persons = scope_persons(con, spec, value)
                self._scopes[key] = Scope(persons, scope_families(con, persons))
            return self._scopes[key]

    def remember(self, snapshot: Path, key: tuple[str, ...], make: Callable[[], T]) -> T:
        """``make()`` once per snapshot and key."""
        with self._lock:
            self._switch(snapshot)
            if key not in self._memo:
                self._memo[key] = make()
            return self._memo[key]
