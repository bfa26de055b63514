"""The single view of a family: its members with their roles and periods, the households it
has lived in (two at once after a separation), the relationships among its members, and the
merged chronology of their events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from famlink.chronology.entries import FamilyChronologyEntry, family_chronology
from famlink.views.lookup import display_names, has, households_hint, require_family
from famlink.views.person import Household, Relationship, households_of, relationships_of


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
    rows = con.execute(
        "SELECT m.person_id, m.role, m.start_date, m.end_date, p.date_of_birth, p.sex "
        "FROM family_members m LEFT JOIN persons p USING (person_id) WHERE m.family_id = ? "
        "ORDER BY CASE m.role WHEN 'parent' THEN 0 WHEN 'carer' THEN 1 ELSE 2 END, "
        "p.date_of_birth NULLS LAST, m.person_id, m.start_date NULLS FIRST",
        [family_id]).fetchall()
    names = display_names(con, [r[0] for r in rows])
    return [FamilyMember(pid, names[pid], role, start, end, dob, sex)
            for pid, role, start, end, dob, sex in rows]


def _family_households(con: duckdb.DuckDBPyConnection, member_ids: list[str],
                       start: dt.date | None, end: dt.date | None) -> list[Household]:
    """The households the members lived in while the family existed, with only the members
    of this family listed (a household can also hold people from outside it)."""
    out = []
    for household in households_of(con, member_ids):
        h_end = household.end_date or dt.date.max
        f_end = end or dt.date.max
        if (household.start_date or dt.date.min) > f_end or h_end < (start or dt.date.min):
            continue
        mine = [m for m in household.members if m.person_id in member_ids]
        out.append(Household(household.household_id, household.address, household.postcode,
                             household.start_date, household.end_date, mine))
    return out


def family_view(con: duckdb.DuckDBPyConnection, family_id: str, *,
                types: Sequence[str] | None = None, start: dt.date | None = None,
                end: dt.date | None = None, within_membership: bool = False) -> FamilyView:
    """Everything the warehouse knows about one family (the chronology filtered as
    ``family_chronology`` filters it)."""
    require_family(con, family_id)
    [(f_start, f_end)] = con.execute("SELECT start_date, end_date FROM families "
                                 "WHERE family_id = ?", [family_id]).fetchall()
    members = _members(con, family_id) if has(con, "family_members") else []
    ids = sorted({m.person_id for m in members})
    hints = households_hint(con)
    chronology: list[FamilyChronologyEntry] = []
    if has(con, "chronology", "family_members"):
        chronology = family_chronology(con, family_id, types=types, start=start, end=end,
                                        within_membership=within_membership)
    elif not has(con, "chronology"):
        hints.append("no chronology in the warehouse yet: run `famlink run chronology`")
    return FamilyView(family_id, f_start, f_end, members,
                      _family_households(con, ids, f_start, f_end),
                      relationships_of(con, ids, among=True), chronology, hints)

