"""The town's address register, shaped like a council LLPG / AddressBase extract.

Northbeck is fictional, and so is its postcode area ``NB`` (not a Royal Mail area; it is
still format-valid: letters, district digits, and an inward code whose letters avoid
C I K M O V). Addresses mix numbered houses, flats above shops ("Flat 2, 14 High Street"),
flats in named blocks ("Flat 3, Beech Court, Acorn Road") and named houses.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

TOWN = "Northbeck"
AREA = "NB"
LOCALITIES = ["Northbeck", "Beckside", "Millhaven", "Thornley Green", "Hobwell",
              "Fennick Cross", "Wyvern Heath", "Ashby Moor", "Cressing Vale"]
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
STREET_WORDS = [
    "Acorn", "Alder", "Appleby", "Ash", "Aspen", "Badger", "Barley", "Beacon", "Beech",
    "Birch", "Blackthorn", "Bramble", "Brook", "Buttercup", "Canal", "Castle", "Cedar",
    "Chapel", "Cherry", "Chestnut", "Church", "Clover", "Coronation", "Cowslip", "Crab",
    "Dairy", "Dale", "Elm", "Falcon", "Fern", "Field", "Forge", "Fox", "Foxglove",
    "Garden", "Glebe", "Gorse", "Granary", "Hawthorn", "Hazel", "Heather", "Heron",
    "Hill", "Holly", "Hop", "Jubilee", "Juniper", "Kestrel", "Kiln", "Laburnum", "Lark",
    "Laurel", "Lilac", "Lime", "Linden", "Linnet", "Malt", "Manor", "Maple", "Marsh",
    "Meadow", "Mill", "Moor", "Mulberry", "Nettle", "Oak", "Orchard", "Osier", "Otter",
    "Park", "Partridge", "Pear", "Pinfold", "Plover", "Poplar", "Priory", "Quarry",
    "Railway", "Rectory", "Reed", "Rowan", "Saffron", "Sandpiper", "School", "Sedge",
    "Sheepfold", "Sorrel", "Spinney", "Spring", "Station", "Swallow", "Sycamore",
    "Tannery", "Teasel", "Thistle", "Thrush", "Tithe", "Vicarage", "Victoria", "Wagtail",
    "Walnut", "Warren", "Water", "Weaver", "Wharf", "Willow", "Windmill", "Wren", "Yew"
]
STREET_TYPES = ["Street", "Road", "Lane", "Avenue", "Close", "Drive", "Way", "Grove",
                "Crescent", "Terrace", "Gardens", "Place", "Walk", "Row", "Rise"]
BLOCK_TYPES = ["Court", "House", "Lodge", "Mews", "Point"]
HOUSE_NAMES = ["Rose Cottage", "The Old Forge", "Ivy House", "The Laurels", "Orchard View",
               "Holly Lodge", "The Willows", "Meadow View", "The Old School House",
               "Brook Cottage", "The Coach House", "Field End", "The Barn", "Hillcrest",
               "Woodside", "Fairview", "The Old Rectory", "Sunnyside", "Glenroy", "Tŷ Coch"]


@dataclass(slots=True)
class Address:
    uprn: int
    usrn: int
    saon: str  # secondary addressable object: "Flat 3"
    paon: str  # primary: "12", "12A", "Beech Court", "Rose Cottage"
    street: str
    locality: str
    postcode: str
    kind: str  # house | flat | named
    classification: str
    index: int

    def lines(self) -> list[str]:
        """The address as a council would print it, without town and postcode."""
        first = f"{self.paon} {self.street}" if self.paon[:1].isdigit() else self.paon
        out = [self.saon] if self.saon else []
        out.append(first)
        if not self.paon[:1].isdigit():
            out.append(self.street)
        if self.locality != TOWN:
            out.append(self.locality)
        return out


@dataclass
class Gazetteer:
    addresses: list[Address] = field(default_factory=list)
    by_uprn: dict[int, Address] = field(default_factory=dict)
    districts: dict[str, list[str]] = field(default_factory=dict)
    _streets: int = 0
    _next_uprn: int = 0
    _units: dict[str, int] = field(default_factory=dict)

    def add(self, addr: Address) -> None:
        self.addresses.append(addr)
        self.by_uprn[addr.uprn] = addr


class _Builder:
    def __init__(self, rng: random.Random, gaz: Gazetteer):
        self.rng, self.gaz = rng, gaz
        self.used_names: dict[str, list[str]] = {loc: [] for loc in LOCALITIES}
        self.in_unit = 0

    def uprn(self) -> int:
        self.gaz._next_uprn += self.rng.randint(1, 40)
        return 990_000_000_000 + self.gaz._next_uprn

    def postcode(self, locality: str) -> str:
        districts = self.gaz.districts[locality]
        district = districts[self.rng.randrange(len(districts))]
        sector = f"{district} {self.rng.randrange(10)}"
        n = self.gaz._units.get(sector, 0)
        self.gaz._units[sector] = n + 1
        a, b = divmod(n % (len(UNIT_LETTERS) ** 2), len(UNIT_LETTERS))
        return f"{sector}{UNIT_LETTERS[a]}{UNIT_LETTERS[b]}"

    def street_name(self, locality: str) -> str:
        used = self.used_names[locality]
        for _ in range(50):
            name = f"{self.rng.choice(STREET_WORDS)} {self.rng.choice(STREET_TYPES)}"
            if name not in used:
                used.append(name)
                return name
        return f"{self.rng.choice(STREET_WORDS)} {len(used)} {self.rng.choice(STREET_TYPES)}"

    def address(self, kind: str, saon: str, paon: str, street: str, locality: str,
                postcode: str, usrn: int) -> None:
        cls = {"house": "RD03", "flat": "RD06", "named": "RD02"}[kind]
        self.in_unit += 1
        self.gaz.add(Address(self.uprn(), usrn, saon, paon, street, locality, postcode, kind,
                             cls, len(self.gaz.addresses)))

    def street(self, locality: str, high_street: bool = False) -> None:
        rng = self.rng
        self.gaz._streets += 1
        usrn = 48_000_000 + self.gaz._streets
        name = "High Street" if high_street else self.street_name(locality)
        numbers = rng.randint(6, 24) if high_street else rng.randint(8, 90)
        postcode = self.postcode(locality)
        self.in_unit = 0
        for number in range(1, numbers + 1):
            if self.in_unit >= 12 + number % 9:
                postcode, self.in_unit = self.postcode(locality), 0
            roll = rng.random()
            if high_street or roll < 0.06:
                for flat in range(1, rng.randint(2, 6) + 1):
                    self.address("flat", f"Flat {flat}", str(number), name, locality,
                                 postcode, usrn)
            elif roll < 0.09:
                for letter in "AB":
                    self.address("flat", "", f"{number}{letter}", name, locality, postcode, usrn)
            elif roll < 0.12:
                block = f"{rng.choice(STREET_WORDS)} {rng.choice(BLOCK_TYPES)}"
                for flat in range(1, rng.randint(6, 24) + 1):
                    self.address("flat", f"Flat {flat}", block, name, locality, postcode, usrn)
            elif roll < 0.16:
                self.address("named", "", rng.choice(HOUSE_NAMES), name, locality, postcode,
                             usrn)
            else:
                self.address("house", "", str(number), name, locality, postcode, usrn)


def build_gazetteer(rng: random.Random, addresses: int) -> Gazetteer:
    """At least ``addresses`` addresses spread over the town's localities."""
    gaz = Gazetteer()
    district = 1
    for loc in LOCALITIES:
        count = 2 if loc in ("Northbeck", "Beckside") else 1
        gaz.districts[loc] = [f"{AREA}{district + i}" for i in range(count)]
        district += count
    builder = _Builder(rng, gaz)
    for loc in LOCALITIES:
        builder.street(loc, high_street=True)
    while len(gaz.addresses) < addresses:
        builder.street(LOCALITIES[rng.randrange(len(LOCALITIES))])
    return gaz


def extend(rng: random.Random, gaz: Gazetteer) -> list[Address]:
    """A new-build street, for when the town runs out of empty homes."""
    before = len(gaz.addresses)
    _Builder(rng, gaz).street(LOCALITIES[rng.randrange(len(LOCALITIES))])
    return gaz.addresses[before:]
