"""The single view of a family: its members with their roles and periods, the households it
has lived in (two at once after a separation), the relationships among its members, and the
merged chronology of their events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from famlink.chronology.entries import FamilyChronologyEntry, family_chronology
from famlink.views import pages
from famlink.views.family_events import served_family_chronology
from famlink.views.lookup import (
    Tables,
    display_names,
    households_hint,
    require_family,
    tables_of,
)
from famlink.views.person import (
    Household,
    Relationship,
    households_from,
    households_of,
    relationships_of,
)


@dataclass(frozen=True)
class FamilyMember:
    person_id: str
    name: str
    role: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    date_of_birth: dt.date | None
    sex: str | None


@dataclass
class FamilyView:
    family_id: str
    start_date: dt.date | None
    end_date: dt.date | None
    members: list[FamilyMember]
    households: list[Household]
    relationships: list[Relationship]
    chronology: list[FamilyChronologyEntry]
    hints: list[str]

    @property
    def is_current(self) -> bool:
        return self.end_date is None


def _members(con: duckdb.DuckDBPyConnection, family_id: str) -> list[FamilyMember]:
    # The member IDs first, so that persons is read by key rather than joined whole.
    ids = [r[0] for r in con.execute("SELECT DISTINCT person_id FROM family_members "
                                     "WHERE family_id = ?", [family_id]).fetchall()]
    rows = con.execute(
        "SELECT m.person_id, m.role, m.start_date, m.end_date, p.date_of_birth, p.sex "
        "FROM family_members m LEFT JOIN (SELECT person_id, date_of_birth, sex FROM persons "
        "WHERE list_contains($ids, person_id)) p USING (person_id) WHERE m.family_id = $f "
        "ORDER BY CASE m.role WHEN 'parent' THEN 0 WHEN 'carer' THEN 1 ELSE 2 END, "
        "p.date_of_birth NULLS LAST, m.person_id, m.start_date NULLS FIRST",
        {"ids": ids, "f": family_id}).fetchall()
    names = display_names(con, [r[0] for r in rows])
    return [FamilyMember(pid, names[pid], role, start, end, dob, sex)
            for pid, role, start, end, dob, sex in rows]


def _family_households(households: list[Household], member_ids: list[str],
                       start: dt.date | None, end: dt.date | None) -> list[Household]:
    """The households the members lived in while the family existed, with only the members
    of this family listed (a household can also hold people from outside it)."""
    out = []
    for household in households:
        h_end = household.end_date or dt.date.max
        f_end = end or dt.date.max
        if (household.start_date or dt.date.min) > f_end or h_end < (start or dt.date.min):
            continue
        mine = [m for m in household.members if m.person_id in member_ids]
        out.append(Household(household.household_id, household.address, household.postcode,
                             household.start_date, household.end_date, mine))
    return out


def _page_view(con: duckdb.DuckDBPyConnection, family_id: str, types: Sequence[str] | None,
               start: dt.date | None, end: dt.date | None,
               within_membership: bool) -> FamilyView:
    """The view from the family's page row (one lookup) and its chronology."""
    row = pages.page(con, "serve_family_pages", "family_id", family_id)
    if row is None:
        require_family(con, family_id)  # raises, saying how to find a family
        raise AssertionError("unreachable")
    members = [FamilyMember(**m) for m in row["members"] or []]
    ids = sorted({m.person_id for m in members})
    chronology = served_family_chronology(con, row["members"] or [], types=types, start=start,
                                          end=end, within_membership=within_membership)
    return FamilyView(family_id, row["start_date"], row["end_date"], members,
                      _family_households(households_from(row["households"]), ids,
                                         row["start_date"], row["end_date"]),
                      [Relationship(**r) for r in row["relationships"] or []], chronology, [])


def family_view(con: duckdb.DuckDBPyConnection, family_id: str, *,
                types: Sequence[str] | None = None, start: dt.date | None = None,
                end: dt.date | None = None, within_membership: bool = False,
                tables: Tables | None = None) -> FamilyView:
    """Everything the warehouse knows about one family (the chronology filtered as
    ``family_chronology`` filters it). ``tables``: the snapshot's tables when the caller
    has them, else they are read."""
    t = tables or tables_of(con)
    if t.has("serve_family_pages", "chronology"):
        return _page_view(con, family_id, types, start, end, within_membership)
    require_family(con, family_id)
    [(f_start, f_end)] = con.execute("SELECT start_date, end_date FROM families "
                                 "WHERE family_id = ?", [family_id]).fetchall()
    members = _members(con, family_id) if t.has("family_members") else []
    ids = sorted({m.person_id for m in members})
    hints = households_hint(con, t)
    chronology: list[FamilyChronologyEntry] = []
    if t.has("chronology", "family_members"):
        chronology = family_chronology(con, family_id, types=types, start=start, end=end,
                                        within_membership=within_membership)
    elif not t.has("chronology"):
        hints.append("no chronology in the warehouse yet: run `famlink run chronology`")
    return FamilyView(family_id, f_start, f_end, members,
                      _family_households(households_of(con, ids, t), ids, f_start, f_end),
                      relationships_of(con, ids, among=True, tables=t), chronology, hints)

