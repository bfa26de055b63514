"""Latent family needs (the ground truth the outcomes rules are scored against).

Needs are drawn after the life simulation, so each fits the family it belongs to: school
attendance needs a school-age child, youth offending a child of 10-17, rent arrears a
council tenancy. A family's ``risk`` (most families low, a few high) raises every rate, so
needs cluster the way they do in real caseloads. Each need carries its own seed, from which
every feed that evidences it draws the same episode dates.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from famlink.synthetic.dates import ATTENDANCE_START, ED_START, END, OPEN, START, age_at
from famlink.synthetic.model import Family, Need, Person, Town

# need -> base probability that a family has it at some time in the window
RATES = {
    "domestic_abuse": 0.08, "school_attendance": 0.16, "crime_asb": 0.07,
    "youth_offending": 0.05, "worklessness": 0.22, "housing": 0.30, "social_care": 0.07,
    "health": 0.14, "substance_misuse": 0.06,
}
FLOORS = {"school_attendance": ATTENDANCE_START, "health": ED_START,
          "substance_misuse": ED_START}
MEAN_MULTIPLIER = 0.3 + 4 / 3.5


def _window(rng: random.Random, lo: int, hi: int, shortest: int, longest: int
            ) -> tuple[int, int] | None:
    hi = min(hi, OPEN)
    if hi - lo < 90:
        return None
    start = rng.randrange(lo, hi - 60)
    end = min(start + rng.randint(shortest, longest), hi)
    return start, (OPEN if end > END else end)


def _adults(fam: Family, o: int) -> list[Person]:
    return [p for p in fam.members_at(o) if p.fams and age_at(p.dob, o) >= 18
            and p.family_at(o) is not None and p.family_at(o)[3] != "child"]  # type: ignore[index]


def _kids(fam: Family, o: int, lo: int, hi: int) -> list[Person]:
    return [p for p in fam.members_at(o, "child") if lo <= age_at(p.dob, o) <= hi]


class NeedDrawer:
    def __init__(self, rng: random.Random, town: Town):
        self.rng, self.town = rng, town
        self.subjects: dict[str, Callable[[Family, int], list[Person]]] = {
            "domestic_abuse": self._abuse, "school_attendance": self._pupils,
            "crime_asb": self._offender, "youth_offending": self._young_offender,
            "worklessness": _adults, "housing": self._tenants,
            "social_care": lambda f, o: _kids(f, o, 0, 17), "health": self._patient,
            "substance_misuse": lambda f, o: _adults(f, o)[:1],
        }

    def draw(self, fam: Family) -> None:
        scale = (0.3 + 4 * fam.risk) / MEAN_MULTIPLIER
        for kind, rate in RATES.items():
            if self.rng.random() >= rate * scale:
                continue
            window = _window(self.rng, max(fam.start, FLOORS.get(kind, START)), fam.end,
                             120, 900)
            if window is None:
                continue
            people = self.subjects[kind](fam, window[0])
            if people:
                fam.needs.append(Need(kind, window[0], window[1], people,
                                      self.rng.getrandbits(48)))

    def _abuse(self, fam: Family, o: int) -> list[Person]:
        adults = _adults(fam, o)
        victims = [p for p in adults if p.sex == "F"]
        if not victims:
            return []
        victim = victims[0]
        abuser = victim.partner
        if abuser is None:
            fathers = [k.father for k in fam.members_at(o, "child") if k.father is not None]
            abuser = fathers[0] if fathers else None
        return [victim, abuser] if abuser is not None and abuser.resident(o) else []

    def _pupils(self, fam: Family, o: int) -> list[Person]:
        kids = [k for k in _kids(fam, o, 5, 15) if k.school_at(o) is not None]
        return kids[: self.rng.randint(1, 2)]

    def _offender(self, fam: Family, o: int) -> list[Person]:
        people = _kids(fam, o, 13, 25) + _adults(fam, o)
        males = [p for p in people if p.sex == "M"]
        pool = males or people
        return [pool[self.rng.randrange(len(pool))]] if pool else []

    def _young_offender(self, fam: Family, o: int) -> list[Person]:
        kids = _kids(fam, o, 10, 16)
        return [kids[self.rng.randrange(len(kids))]] if kids else []

    def _tenants(self, fam: Family, o: int) -> list[Person]:
        adults = _adults(fam, o)
        if not adults:
            return []
        span = adults[0].span_at(o)
        return adults if span is not None and span[2].tenure == "social" else []

    def _patient(self, fam: Family, o: int) -> list[Person]:
        people = _adults(fam, o) + _kids(fam, o, 12, 17)
        return [people[self.rng.randrange(len(people))]] if people else []


def draw_needs(rng: random.Random, town: Town) -> None:
    drawer = NeedDrawer(rng, town)
    for fam in town.families:
        drawer.draw(fam)


def episode_dates(need: Need, count_range: tuple[int, int], salt: int = 0) -> list[int]:
    """Dates of the episodes that evidence a need, the same for every feed that asks."""
    rng = random.Random(need.seed + salt)
    end = min(need.end, END + 1)
    n = rng.randint(*count_range)
    return sorted(rng.randrange(need.start, max(need.start + 1, end)) for _ in range(n))
