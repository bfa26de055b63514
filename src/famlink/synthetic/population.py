"""The people of Northbeck: who lives where, with whom, at the start of the window and
whenever new households arrive. Life events over time are in ``life_events``.
"""

from __future__ import annotations

import random
from itertools import accumulate

from famlink.synthetic.dates import END, START, age_at, to_date
from famlink.synthetic.gazetteer import extend
from famlink.synthetic.identifiers import IdAllocator
from famlink.synthetic.model import Family, Household, Person, Town, join_family, move_in
from famlink.synthetic.names import NameBank, gendered, masculine

TWIN_RATE = 0.03  # per birth; about double the real rate so small towns have twins
SAME_NAME_SON_RATE = 0.05
HOUSEHOLD_TYPES = ["couple_family", "lone_parent", "couple", "single", "house_share"]
HOUSEHOLD_CUM = list(accumulate([30, 11, 30, 25, 4]))


class Population:
    """Creates people, households and families; owns the empty-address pool."""

    def __init__(self, rng: random.Random, town: Town, names: NameBank, ids: IdAllocator):
        self.rng, self.town, self.names, self.ids = rng, town, names, ids
        self.free = [a.uprn for a in town.gazetteer.addresses]
        self.vacated: dict[int, int] = {}
        rng.shuffle(self.free)

    # --- entities ---------------------------------------------------------------------
    def person(self, sex: str, dob: int, origin: str, surname: str, first: str = "",
               middle: str = "") -> Person:
        year = to_date(dob).year
        first = first or self.names.forename(self.rng, sex, origin, year)
        if not middle:
            middle = self.names.middle(self.rng, sex, origin, year, first)
        pid = f"P{len(self.town.persons) + 1:07d}"
        person = Person(pid, sex, dob, first, middle, gendered(surname, sex), origin)
        person.nhs = self.ids.nhs()
        if age_at(dob, END) >= 16:
            person.ni = self.ids.ni()
        self.town.persons.append(person)
        return person

    def adult(self, sex: str, age: int, origin: str, o: int, surname: str = "") -> Person:
        dob = o - age * 365 - self.rng.randrange(365)
        return self.person(sex, dob, origin, surname or self.names.surname(self.rng, origin))

    def take_address(self, o: int) -> int:
        """An empty address that is free on day ``o`` (vacated on or before it)."""
        for _ in range(40):
            if not self.free:
                break
            i = self.rng.randrange(len(self.free))
            if self.vacated.get(self.free[i], 0) <= o:
                self.free[i], self.free[-1] = self.free[-1], self.free[i]
                return self.free.pop()
        fresh = [a.uprn for a in extend(self.rng, self.town.gazetteer)]
        self.free.extend(fresh[1:])
        return fresh[0]

    def release(self, uprn: int, o: int) -> None:
        self.free.append(uprn)
        self.vacated[uprn] = o

    def household(self, o: int, tenure: str = "") -> Household:
        uprn = self.take_address(o)
        if not tenure:
            flat = self.town.address(uprn).kind == "flat"
            roll = self.rng.random()
            tenure = ("social" if roll < (0.30 if flat else 0.14) else
                      "private" if roll < (0.70 if flat else 0.40) else "owner")
        hh = Household(f"H{len(self.town.households) + 1:07d}", uprn, tenure)
        self.town.households.append(hh)
        return hh

    def family(self, o: int) -> Family:
        fam = Family(f"F{len(self.town.families) + 1:06d}", o, self.rng.random() ** 2.5)
        self.town.families.append(fam)
        return fam

    # --- relationships ----------------------------------------------------------------
    def marry(self, wife: Person, husband: Person, o: int) -> None:
        roll = self.rng.random()
        maiden = wife.surname
        if roll < 0.80:
            wife.surnames.append((o, gendered(masculine(husband.surname), "F")))
        elif roll < 0.88 and "-" not in maiden and " " not in maiden:
            wife.surnames.append((o, f"{maiden}-{husband.surname}"))

    def pair(self, a: Person, b: Person) -> None:
        a.partner, b.partner = b, a

    def baby(self, mother: Person, father: Person | None, dob: int, surname: str,
             twin_of: Person | None = None) -> Person:
        sex = self.rng.choice("MF")
        origin = mother.origin
        first = ""
        if twin_of is not None and sex == twin_of.sex and self.rng.random() < 0.5:
            first = self._similar_name(sex, origin, dob, twin_of.first)
        child = self.person(sex, dob, origin, surname, first=first)
        if (twin_of is None and father is not None and sex == "M" and not father.same_name_son
                and self.rng.random() < SAME_NAME_SON_RATE):
            child.first, child.middle = father.first, father.middle
            father.same_name_son, father.suffix, child.suffix = child, "SR", "JR"
        child.mother, child.father = mother, father
        if twin_of is not None:
            while child.first == twin_of.first:  # parents do not give twins one name
                child.first = self.names.forename(self.rng, sex, origin, to_date(dob).year)
            child.twin, twin_of.twin = twin_of, child
        return child

    def _similar_name(self, sex: str, origin: str, dob: int, other: str) -> str:
        year = to_date(dob).year
        for _ in range(12):
            name = self.names.forename(self.rng, sex, origin, year)
            if name != other and name[0] == other[0]:
                return name
        return ""

    def births(self, mother: Person, father: Person | None, dob: int, surname: str) -> list[Person]:
        first = self.baby(mother, father, dob, surname)
        if self.rng.random() < TWIN_RATE:
            return [first, self.baby(mother, father, dob, surname, twin_of=first)]
        return [first]

    # --- whole households -------------------------------------------------------------
    def new_household(self, o: int) -> None:
        kind = self.rng.choices(HOUSEHOLD_TYPES, cum_weights=HOUSEHOLD_CUM)[0]
        if kind in ("couple_family", "lone_parent"):
            self.family_household(o, lone=kind == "lone_parent")
        elif kind == "couple":
            self.couple_household(o)
        elif kind == "single":
            age = self._adult_age()
            person = self.adult(self.rng.choice("MF"), age, self.names.origin(self.rng), o)
            move_in(person, self.household(o), o)
        else:
            hh = self.household(o, "private")
            for _ in range(self.rng.randint(2, 4)):
                sex, age = self.rng.choice("MF"), self.rng.randint(19, 36)
                move_in(self.adult(sex, age, self.names.origin(self.rng), o), hh, o)

    def _adult_age(self, youngest: int = 18) -> int:
        """Adult ages with a UK-like shape: few over 85."""
        band = self.rng.choices([(youngest, 34), (35, 64), (65, 79), (80, 96)],
                                cum_weights=[32, 72, 92, 100])[0]
        return self.rng.randint(*band)

    def couple_household(self, o: int) -> None:
        origin = self.names.origin(self.rng)
        age = self._adult_age(20)
        woman = self.adult("F", age, origin, o)
        man = self.adult("M", max(18, age + self.rng.randint(-3, 7)), origin, o)
        self.pair(woman, man)
        if self.rng.random() < (0.45 if age < 35 else 0.8):
            self.marry(woman, man, self._marriage_date(woman, man, o))
        hh = self.household(o)
        move_in(woman, hh, o)
        move_in(man, hh, o)

    def _marriage_date(self, a: Person, b: Person, o: int) -> int:
        earliest = max(a.dob, b.dob) + 18 * 365
        return self.rng.randint(earliest, max(earliest, o - 30))

    def family_household(self, o: int, lone: bool) -> None:
        rng = self.rng
        origin = self.names.origin(rng)
        mum_age = min(58, rng.randint(0, 17) + rng.randint(19, 38))
        mum = self.adult("F", mum_age, origin, o)
        dad = None
        if not lone:
            dad_origin = origin if rng.random() < 0.85 else self.names.origin(rng)
            dad = self.adult("M", max(19, mum_age + rng.randint(-3, 8)), dad_origin, o)
            self.pair(mum, dad)
            if rng.random() < 0.6:
                self.marry(mum, dad, self._marriage_date(mum, dad, o))
        kids = self._children(mum, dad, o)
        hh = self.household(o)
        fam = self.family(o) if kids else None
        for parent in (mum, dad):
            if parent is not None:
                move_in(parent, hh, o)
                if fam is not None:
                    join_family(parent, fam, "parent", o)
        for kid in kids:
            move_in(kid, hh, o)
            if fam is not None:
                join_family(kid, fam, "child", o)
        if rng.random() < 0.04:
            gran = self.adult("F" if rng.random() < 0.7 else "M", mum_age + rng.randint(20, 30),
                              origin, o, surname=mum.surnames[0][1])
            move_in(gran, hh, o)

    def _children(self, mum: Person, dad: Person | None, o: int) -> list[Person]:
        """Children at home: the youngest aged 0-17 evenly, older siblings 1-5 years apart."""
        rng = self.rng
        count = rng.choices([1, 2, 3, 4, 5], cum_weights=[40, 78, 93, 98, 100])[0]
        age = rng.randint(0, 17)
        ages = []
        for _ in range(count):
            ages.append(age)
            age += rng.randint(1, 5)
        kids: list[Person] = []
        for age in reversed(ages):
            if (age > 17 and rng.random() < 0.6) or o - age * 365 < mum.dob + 17 * 365:
                continue  # already left home, or too old for this mother
            dob = o - age * 365 - rng.randrange(365)
            if dad is not None and (len(mum.surnames) > 1 or rng.random() < 0.7):
                surname = dad.surname
            else:
                surname = mum.surname if rng.random() < 0.7 else self.names.surname(rng, mum.origin)
            kids.extend(self.births(mum, dad, dob, masculine(surname)))
        return kids


def populate(pop: Population, target: int, o: int = START) -> None:
    while len(pop.town.persons) < target:
        pop.new_household(o)
