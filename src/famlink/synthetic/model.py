"""The true state of the town: people, the households they live in and the families they
belong to, each with its history over the simulation window.

Spans are ``[from, to, ...]`` lists with ``to`` exclusive (``OPEN`` while still true on
the reference date). Everything is kept in lists in creation order, never in sets, so any
walk over the town is the same in every process.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from famlink.synthetic.dates import OPEN
from famlink.synthetic.gazetteer import Address, Gazetteer
from famlink.synthetic.schools import School


class Person:
    __slots__ = (
        "dob",
        "fams",
        "father",
        "first",
        "former_upn",
        "middle",
        "mother",
        "nhs",
        "ni",
        "origin",
        "other_home",
        "partner",
        "pid",
        "same_name_son",
        "schools",
        "sex",
        "spans",
        "suffix",
        "surnames",
        "twin",
        "upn",
    )

    def __init__(self, pid: str, sex: str, dob: int, first: str, middle: str, surname: str,
                 origin: str):
        self.pid, self.sex, self.dob, self.origin = pid, sex, dob, origin
        self.first, self.middle = first, middle
        self.surnames: list[tuple[int, str]] = [(dob, surname)]
        self.suffix = ""  # JR / SR for same-name fathers and sons
        self.nhs = self.upn = self.former_upn = self.ni = ""
        self.twin: Person | None = None
        self.same_name_son: Person | None = None
        self.mother: Person | None = None
        self.father: Person | None = None
        self.partner: Person | None = None
        self.other_home: Household | None = None  # a separated parent's home, some nights
        self.spans: list[list] = []  # [from, to, Household, uprn]
        self.fams: list[list] = []  # [from, to, Family, role]
        self.schools: list[tuple[int, int, School]] = []  # (from, to, school)

    @property
    def surname(self) -> str:
        return self.surnames[-1][1]

    def surname_at(self, o: int) -> str:
        current = self.surnames[0][1]
        for since, name in self.surnames:
            if since > o:
                break
            current = name
        return current

    def previous_surname(self, o: int) -> str | None:
        """The surname held before the latest change on or before ``o``, if any."""
        before = [name for since, name in self.surnames if since <= o]
        return before[-2] if len(before) > 1 else None

    def span_at(self, o: int) -> list | None:
        for span in self.spans:
            if span[0] <= o < span[1]:
                return span
        return None

    def previous_span(self, o: int, within_days: int) -> list | None:
        """The address span left most recently, if the move was within ``within_days``."""
        best = None
        for span in self.spans:
            if span[1] <= o and o - span[1] <= within_days:
                best = span
        return best

    def family_at(self, o: int) -> list | None:
        for fam in self.fams:
            if fam[0] <= o < fam[1]:
                return fam
        return None

    def school_at(self, o: int) -> School | None:
        for frm, to, school in self.schools:
            if frm <= o < to:
                return school
        return None

    def resident(self, o: int) -> bool:
        return self.span_at(o) is not None

    @property
    def arrived(self) -> int:
        return self.spans[0][0] if self.spans else OPEN

    @property
    def left(self) -> int:
        return self.spans[-1][1] if self.spans else 0


class Household:
    __slots__ = ("hid", "members", "tenure", "uprn")

    def __init__(self, hid: str, uprn: int, tenure: str):
        self.hid, self.uprn, self.tenure = hid, uprn, tenure
        self.members: list[Person] = []


@dataclass
class Need:
    kind: str
    start: int
    end: int  # exclusive; OPEN if ongoing on the reference date
    subjects: list[Person]
    seed: int


class Family:
    __slots__ = ("fid", "members", "needs", "risk", "start")

    def __init__(self, fid: str, start: int, risk: float):
        self.fid, self.start, self.risk = fid, start, risk
        self.members: list[list] = []  # [Person, role, from, to]
        self.needs: list[Need] = []

    def members_at(self, o: int, role: str | None = None) -> list[Person]:
        return [m[0] for m in self.members
                if m[2] <= o < m[3] and (role is None or m[1] == role)]

    @property
    def end(self) -> int:
        return max((m[3] for m in self.members), default=self.start)


@dataclass
class Town:
    gazetteer: Gazetteer
    schools: list[School]
    persons: list[Person] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    families: list[Family] = field(default_factory=list)

    def address(self, uprn: int) -> Address:
        return self.gazetteer.by_uprn[uprn]


# --- changes to the state, used by the simulation ------------------------------------------

def move_in(person: Person, hh: Household, o: int) -> None:
    hh.members.append(person)
    person.spans.append([o, OPEN, hh, hh.uprn])


def move_out(person: Person, o: int) -> None:
    hh = person.spans[-1][2]
    person.spans[-1][1] = o
    hh.members.remove(person)


def relocate(hh: Household, uprn: int, o: int) -> None:
    hh.uprn = uprn
    for person in hh.members:
        person.spans[-1][1] = o
        person.spans.append([o, OPEN, hh, uprn])


def join_family(person: Person, fam: Family, role: str, o: int) -> None:
    row = [person, role, o, OPEN]
    fam.members.append(row)
    person.fams.append([o, OPEN, fam, role])


def leave_family(person: Person, o: int) -> None:
    if not person.fams or person.fams[-1][1] != OPEN:
        return
    entry = person.fams[-1]
    entry[1] = o
    for row in entry[2].members:
        if row[0] is person and row[3] == OPEN:
            row[3] = o


def current_family(person: Person) -> Family | None:
    if person.fams and person.fams[-1][1] == OPEN:
        fam: Family = person.fams[-1][2]
        return fam
    return None


def current_household(person: Person) -> Household | None:
    if person.spans and person.spans[-1][1] == OPEN:
        hh: Household = person.spans[-1][2]
        return hh
    return None
