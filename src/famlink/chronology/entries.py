"""A person's or a family's chronology as typed rows, read from the ``chronology`` table.

Filters: ``types`` (event types), and ``start``/``end`` (an event is kept when its period,
``event_date`` to ``event_end_date``, overlaps the window). An event whose date is missing is
never filtered out by dates: it is listed last, flagged, so nothing is silently hidden; pass
``undated=False`` to leave such events out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields

import duckdb

from famlink.engine import table_exists
from famlink.errors import FamlinkError


@dataclass(frozen=True)
class ChronologyEntry:
    person_id: str
    seq: int
    event_id: str
    record_id: str
    feed: str
    source_record_id: str | None
    load_batch_id: str | None
    event_date: dt.date | None
    event_time: str | None
    event_end_date: dt.date | None
    event_type: str | None
    event_subtype: str | None
    role: str | None
    summary: str
    is_date_missing: bool


@dataclass(frozen=True)
class FamilyChronologyEntry(ChronologyEntry):
    """An event of one family member, labelled with the member and their role."""

    member_name: str
    member_role: str
    is_within_membership: bool


ENTRY_COLUMNS = [f.name for f in fields(ChronologyEntry)]


def require_chronology(con: duckdb.DuckDBPyConnection) -> None:
    if not table_exists(con, "chronology"):
        raise FamlinkError("no chronology in the warehouse yet: run `famlink run chronology` "
                           "(after ingest, standardise and link)")


def _require_families(con: duckdb.DuckDBPyConnection) -> None:
    require_chronology(con)
    if not table_exists(con, "family_members"):
        raise FamlinkError("no families in the warehouse yet: the households stage builds "
                           "them (`famlink run households`)")


def _filters(types: Sequence[str] | None, start: dt.date | None, end: dt.date | None,
             undated: bool, alias: str = "c") -> tuple[str, list[object]]:
    where: list[str] = []
    params: list[object] = []
    if types:
        where.append(f"list_contains(?, {alias}.event_type)")
        params.append(list(types))
    dated = []
    if start is not None:
        dated.append(f"coalesce({alias}.event_end_date, {alias}.event_date) >= ?")
        params.append(start)
    if end is not None:
        dated.append(f"{alias}.event_date <= ?")
        params.append(end)
    if dated:
        undated_ok = f"{alias}.is_date_missing OR " if undated else ""
        where.append(f"({undated_ok}({' AND '.join(dated)}))")
    elif not undated:
        where.append(f"NOT {alias}.is_date_missing")
    return "".join(f" AND {w}" for w in where), params


def person_chronology(con: duckdb.DuckDBPyConnection, person_id: str, *,
                      types: Sequence[str] | None = None, start: dt.date | None = None,
                      end: dt.date | None = None, undated: bool = True,
                      limit: int | None = None, checked: bool = False) -> list[ChronologyEntry]:
    """The person's events in chronological order (undated ones last). ``checked``: the
    caller knows the chronology table exists (a served snapshot), so it is not looked up."""
    if not checked:
        require_chronology(con)
    where, params = _filters(types, start, end, undated)
    sql = (f"SELECT {', '.join('c.' + c for c in ENTRY_COLUMNS)} FROM chronology c "
           f"WHERE c.person_id = ?{where} ORDER BY c.seq")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    rows = con.execute(sql, [person_id, *params]).fetchall()
    return [ChronologyEntry(*row) for row in rows]


# One membership row per member event: the period that holds the event's date, else the
# member's latest; `is_within_membership` says whether any period holds it.
FAMILY_SQL = """
WITH members AS (
    SELECT person_id, role, start_date, end_date FROM family_members WHERE family_id = ?),
matched AS (
    SELECT {columns}, coalesce(nullif(trim(concat_ws(' ', p.first_name, p.surname)), ''),
                               c.person_id) AS member_name,
           fm.role AS member_role,
           coalesce(c.event_date >= coalesce(fm.start_date, DATE '0001-01-01')
                    AND c.event_date <= coalesce(fm.end_date, DATE '9999-12-31'), false)
               AS is_within_membership
    FROM chronology c JOIN members fm USING (person_id)
    LEFT JOIN (SELECT * FROM persons WHERE list_contains(?, person_id)) p
        ON p.person_id = c.person_id
    WHERE list_contains(?, c.person_id){where}
    QUALIFY row_number() OVER (PARTITION BY c.event_id, c.person_id
                               ORDER BY is_within_membership DESC,
                                        fm.start_date DESC NULLS LAST, fm.role) = 1)
SELECT * FROM matched {within}
ORDER BY event_date ASC NULLS LAST, seq_time ASC NULLS FIRST, event_time ASC NULLS FIRST,
         feed, source_record_id, person_id, event_id
"""


def family_chronology(con: duckdb.DuckDBPyConnection, family_id: str, *,
                      types: Sequence[str] | None = None, start: dt.date | None = None,
                      end: dt.date | None = None, undated: bool = True,
                      within_membership: bool = False, limit: int | None = None,
                      member_ids: Sequence[str] | None = None) -> list[FamilyChronologyEntry]:
    """The events of the family's members, merged in order, each labelled with its member.

    ``within_membership``: only events dated within the member's time in the family (an
    undated event cannot be placed, so it is left out then). ``member_ids``: the family's
    members when the caller has them (a served snapshot's page), which also says that the
    tables exist.
    """
    if member_ids is None:
        _require_families(con)
    where, params = _filters(types, start, end, undated)
    columns = ", ".join("c." + c for c in ENTRY_COLUMNS)
    columns += ", try_cast(c.event_time AS TIME) AS seq_time"
    sql = FAMILY_SQL.format(columns=columns, where=where,
                            within="WHERE is_within_membership" if within_membership else "")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    # The member IDs first: chronology and persons are then read by key, not joined whole.
    ids = list(member_ids) if member_ids is not None else [
        r[0] for r in con.execute("SELECT DISTINCT person_id FROM family_members "
                                  "WHERE family_id = ?", [family_id]).fetchall()]
    rows = con.execute(sql, [family_id, ids, ids, *params]).fetchall()
    n = len(ENTRY_COLUMNS)
    return [FamilyChronologyEntry(*row[:n], *row[n + 1:]) for row in rows]
