"""Life over time: births, partnerships, separations, moves, leaving home, deaths and
people arriving in or leaving the town, a year at a time.

Within a year each household's events get dates drawn and are applied in date order;
``_after`` pushes an event past the latest change already recorded for the people it
touches, so every span stays well ordered.
"""

from __future__ import annotations

from famlink.synthetic.dates import OPEN, START, age_at
from famlink.synthetic.model import (
    Household,
    Person,
    current_family,
    current_household,
    join_family,
    leave_family,
    move_in,
    move_out,
    relocate,
)
from famlink.synthetic.names import masculine
from famlink.synthetic.population import Population, populate

YEARS = 7
MOVE_RATE = {"owner": 0.05, "private": 0.10, "social": 0.04}


def _after(o: int, *people: Person) -> int:
    latest = o
    for p in people:
        if p.spans:
            latest = max(latest, p.spans[-1][0] + 1)
        if p.fams:
            latest = max(latest, p.fams[-1][0] + 1)
        latest = max(latest, p.surnames[-1][0] + 1)
    return latest


def _is_parent(person: Person) -> bool:
    return current_family(person) is not None and person.fams[-1][3] == "parent"


class Life:
    def __init__(self, pop: Population):
        self.pop, self.rng, self.town = pop, pop.rng, pop.town

    def run(self, target: int) -> None:
        for year in range(YEARS):
            y0 = START + year * 365
            y1 = min(y0 + 365, OPEN)
            active = [hh for hh in self.town.households if hh.members]
            for hh in active:
                self.household_year(hh, y0, y1)
            self.partnerships(y0, y1)
            self.arrivals(target, year, y0, y1)

    def household_year(self, hh: Household, y0: int, y1: int) -> None:
        rng = self.rng
        events = []
        for kind, rate in (("birth", 1.0), ("separate", 1.0), ("move", MOVE_RATE[hh.tenure]),
                           ("leave_home", 1.0), ("marry", 0.05), ("death", 1.0),
                           ("emigrate", 0.012)):
            if rng.random() < rate:
                events.append((rng.randrange(y0, y1), kind))
        for o, kind in sorted(events):
            if hh.members:
                getattr(self, kind)(hh, o, y1)

    # --- household events -------------------------------------------------------------
    def birth(self, hh: Household, o: int, y1: int) -> None:
        rng = self.rng
        mothers = [p for p in hh.members if p.sex == "F" and 18 <= age_at(p.dob, o) <= 44]
        if not mothers:
            return
        mum = mothers[0]
        dad = mum.partner if mum.partner in hh.members else None
        fam = current_family(mum)
        kids = len(fam.members_at(o, "child")) if fam else 0
        rate = (0.11 if dad else 0.025) * (0.3 if kids >= 3 else 1.0)
        if rng.random() >= rate:
            return
        o = _after(o, mum, *([dad] if dad else []))
        if o >= y1:
            return
        if fam is None or mum.fams[-1][3] == "child":
            fam = self.pop.family(o)
            for parent in (mum, dad):
                if parent is not None:
                    leave_family(parent, o)
                    join_family(parent, fam, "parent", o)
        surname = masculine((dad or mum).surname if dad or rng.random() < 0.8 else mum.surname)
        for baby in self.pop.births(mum, dad, o, surname):
            move_in(baby, hh, o)
            join_family(baby, fam, "child", o)

    def separate(self, hh: Household, o: int, y1: int) -> None:
        couples = [p for p in hh.members if p.sex == "F" and p.partner in hh.members]
        if not couples:
            return
        woman = couples[0]
        man = woman.partner
        assert man is not None
        fam = current_family(woman)
        if self.rng.random() >= 0.025 + (0.12 * fam.risk if fam else 0.0):
            return
        o = _after(o, woman, man)
        if o >= y1:
            return
        leaver = man if self.rng.random() < 0.88 else woman
        if fam is not None and woman.fams[-1][3] == "carer":
            leaver = woman
        elif fam is not None and current_family(man) is fam and man.fams[-1][3] == "carer":
            leaver = man
        self._split(hh, woman, man, leaver, o)

    def _split(self, hh: Household, woman: Person, man: Person, leaver: Person, o: int) -> None:
        rng = self.rng
        woman.partner = man.partner = None
        fam = current_family(woman)
        move_out(leaver, o)
        leave_family(leaver, o)
        home = self.pop.household(o)
        move_in(leaver, home, o)
        if len(woman.surnames) > 1 and rng.random() < 0.25 and o + 365 < OPEN:
            woman.surnames.append((o + 365, woman.surnames[0][1]))
        if fam is None:
            return
        for kid in fam.members_at(o, "child"):
            if kid not in hh.members or age_at(kid.dob, o) >= 18:
                continue
            if kid.father is leaver and rng.random() < 0.08:
                self._go_with_parent(kid, leaver, home, o)
            elif kid.father is leaver and rng.random() < 0.3:
                kid.other_home = home

    def _go_with_parent(self, kid: Person, parent: Person, home: Household, o: int) -> None:
        new = current_family(parent)
        if new is None:
            new = self.pop.family(o)
            join_family(parent, new, "parent", o)
        move_out(kid, o)
        leave_family(kid, o)
        move_in(kid, home, o)
        join_family(kid, new, "child", o)

    def move(self, hh: Household, o: int, y1: int) -> None:
        o = _after(o, *hh.members)
        if o >= y1:
            return
        old = hh.uprn
        relocate(hh, self.pop.take_address(o), o)
        self.pop.release(old, o)

    def leave_home(self, hh: Household, o: int, y1: int) -> None:
        for person in list(hh.members):
            fam = person.family_at(o)
            if fam is None or fam[3] != "child" or not 18 <= age_at(person.dob, o) <= 30:
                continue
            if self.rng.random() < 0.2:
                when = _after(o, person)
                if when < y1:
                    self._depart(person, when)
                    move_in(person, self.pop.household(when), when)

    def marry(self, hh: Household, o: int, y1: int) -> None:
        for woman in hh.members:
            man = woman.partner
            if woman.sex == "F" and man in hh.members and len(woman.surnames) == 1:
                assert man is not None
                when = _after(o, woman, man)
                if when < y1:
                    self.pop.marry(woman, man, when)
                return

    def death(self, hh: Household, o: int, y1: int) -> None:
        last = o
        for person in list(hh.members):
            age = age_at(person.dob, o)
            if age >= 70 and self.rng.random() < min(0.2, 0.01 + 0.005 * (age - 70)):
                when = _after(o, person)
                if when < y1:
                    if person.partner is not None:
                        person.partner.partner = None
                    self._depart(person, when)
                    last = max(last, when)
        self._release_if_empty(hh, last)

    def emigrate(self, hh: Household, o: int, y1: int) -> None:
        when = _after(o, *hh.members)
        if when >= y1:
            return
        for person in list(hh.members):
            self._depart(person, when)
        self._release_if_empty(hh, when)

    def _depart(self, person: Person, o: int) -> None:
        move_out(person, o)
        leave_family(person, o)

    def _release_if_empty(self, hh: Household, o: int) -> None:
        if not hh.members and hh.uprn:
            self.pop.release(hh.uprn, o)
            hh.uprn = 0

    # --- town-wide events -------------------------------------------------------------
    def partnerships(self, y0: int, y1: int) -> None:
        rng = self.rng
        women: list[Person] = []
        men: list[Person] = []
        for hh in self.town.households:
            for p in hh.members:
                if p.partner is None and 20 <= age_at(p.dob, y0) <= 55 and rng.random() < 0.07:
                    (women if p.sex == "F" else men).append(p)
        women.sort(key=lambda p: (p.dob, p.pid))
        men.sort(key=lambda p: (p.dob, p.pid))
        for woman, man in zip(women, men, strict=False):
            if abs(woman.dob - man.dob) < 12 * 365:
                self._couple_up(woman, man, rng.randrange(y0, y1), y1)

    def _couple_up(self, woman: Person, man: Person, o: int, y1: int) -> None:
        host, mover = (woman, man)
        if _is_parent(man) and not _is_parent(woman):
            host, mover = man, woman
        home = current_household(host)
        old = current_household(mover)
        if home is None or old is None:
            return
        o = _after(o, host, mover, *home.members)
        if o >= y1:
            return
        self._depart(mover, o)
        self._release_if_empty(old, o)
        move_in(mover, home, o)
        self.pop.pair(woman, man)
        fam = current_family(host)
        if fam is not None and host.fams[-1][3] == "parent":
            join_family(mover, fam, "carer", o)

    def arrivals(self, target: int, year: int, y0: int, y1: int) -> None:
        """New households move in from elsewhere, steering the town towards ``target``."""
        missing = target - len(self.town.persons)
        if missing <= 0:
            return
        goal = len(self.town.persons) + missing // (YEARS - year)
        while len(self.town.persons) < goal:
            o = self.rng.randrange(y0, y1)
            populate(self.pop, len(self.town.persons) + 1, o)
