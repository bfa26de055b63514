"""Schools, each child's school history and Unique Pupil Numbers.

The local authority code 999 is fictional; pupils who arrive from elsewhere were issued
their UPN under the equally fictional code 998. Check letters follow the DfE rule (see
``famlink.standardise.identifiers.upn_check_letter``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from famlink.standardise.identifiers import UPN_LETTERS, upn_check_letter
from famlink.synthetic.dates import END, START, academic_year, age_on_31_august, day
from famlink.synthetic.gazetteer import LOCALITIES, STREET_WORDS

if TYPE_CHECKING:
    from famlink.synthetic.model import Person, Town

LA_CODE = "999"
OTHER_LA_CODE = "998"
SIXTH_FORM_RATE = 0.45


@dataclass(frozen=True)
class School:
    laestab: str
    name: str
    phase: str  # primary | secondary
    locality: str


def build_schools(rng: random.Random, people: int) -> list[School]:
    primaries = max(len(LOCALITIES), people // 2200)
    secondaries = max(3, people // 12000)
    schools: list[School] = []
    kinds = ["Primary School", "Primary Academy", "CofE Primary School", "Junior and Infant"]
    for i in range(primaries):
        loc = LOCALITIES[i % len(LOCALITIES)]
        word = rng.choice(STREET_WORDS)
        schools.append(School(f"{LA_CODE}{2001 + i}", f"{word} {rng.choice(kinds)}", "primary",
                              loc))
    for i in range(secondaries):
        loc = LOCALITIES[i % len(LOCALITIES)]
        name = f"{loc} {rng.choice(['Academy', 'High School', 'Community College'])}"
        schools.append(School(f"{LA_CODE}{4001 + i}", name, "secondary", loc))
    return schools


def _phase(age: int, sixth_form: bool) -> str | None:
    if 4 <= age <= 10:
        return "primary"
    if 11 <= age <= 15 or (sixth_form and age in (16, 17)):
        return "secondary"
    return None


class SchoolPlacer:
    """Chooses schools: the local one for the home address, sometimes another."""

    def __init__(self, rng: random.Random, town: Town):
        self.rng, self.town = rng, town
        self.local: dict[tuple[str, str], list[School]] = {}
        for school in town.schools:
            self.local.setdefault((school.locality, school.phase), []).append(school)
        self.by_phase = {p: [s for s in town.schools if s.phase == p]
                         for p in ("primary", "secondary")}
        self.serials: dict[str, int] = {}

    def choose(self, person: Person, phase: str, o: int) -> School:
        span = person.span_at(o) or person.spans[0]
        addr = self.town.address(span[3])
        options = self.local.get((addr.locality, phase)) or self.by_phase[phase]
        if self.rng.random() < 0.12:
            return self.by_phase[phase][self.rng.randrange(len(self.by_phase[phase]))]
        return options[addr.index % len(options)]

    def issue_upn(self, person: Person, school: School, entry_year: int, elsewhere: bool) -> None:
        la = OTHER_LA_CODE if elsewhere else LA_CODE
        key = f"{la}{school.laestab[3:]}{entry_year % 100:02d}"
        serial = self.serials.get(key, 0) + 1
        self.serials[key] = serial
        body = f"{key}{serial % 1000:03d}"
        person.upn = upn_check_letter(body) + body
        if self.rng.random() < 0.04:  # a temporary UPN was used before the permanent one
            temp = f"{key}{self.rng.randrange(100):02d}{UPN_LETTERS[self.rng.randrange(23)]}"
            person.former_upn = upn_check_letter(temp) + temp

    def place(self, person: Person) -> None:
        """Fill ``person.schools`` year by year while the child lives in the town."""
        sixth = self.rng.random() < SIXTH_FORM_RATE
        current: School | None = None
        since = 0
        first_year = academic_year(max(START, person.arrived))
        last_year = academic_year(min(END, person.left - 1))
        for year in range(first_year, last_year + 1):
            sept = max(day(year, 9, 1), person.arrived)
            if not person.resident(sept):
                continue
            phase = _phase(age_on_31_august(person.dob, year), sixth)
            if phase is None:
                if current is not None:
                    person.schools.append((since, sept, current))
                    current = None
                continue
            twin_school = person.twin.school_at(sept) if person.twin is not None else None
            if twin_school is not None and twin_school.phase == phase:
                change = twin_school is not current
            else:
                change = current is None or current.phase != phase or self._changes(
                    person, current, sept)
            if change:
                if current is not None:
                    person.schools.append((since, sept, current))
                current = twin_school if twin_school is not None and twin_school.phase == phase \
                    else self.choose(person, phase, sept)
                since = sept
                if not person.upn:
                    self._first_upn(person, current, year, sept)
        if current is not None:
            person.schools.append((since, person.left, current))

    def _changes(self, person: Person, school: School, o: int) -> bool:
        span = person.span_at(o)
        if span is None:
            return False
        return self.town.address(span[3]).locality != school.locality and self.rng.random() < 0.3

    def _first_upn(self, person: Person, school: School, year: int, o: int) -> None:
        entry = year - max(0, age_on_31_august(person.dob, year) - 4)
        elsewhere = person.arrived > START and self.rng.random() < 0.5
        self.issue_upn(person, school, entry, elsewhere and o == person.arrived)


def place_children(rng: random.Random, town: Town) -> None:
    placer = SchoolPlacer(rng, town)
    for person in town.persons:
        if person.spans and age_on_31_august(person.dob, academic_year(END)) >= 4:
            placer.place(person)
