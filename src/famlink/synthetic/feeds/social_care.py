"""Children's social care episodes (LCS-style export), pipe-delimited.

Quirks: the child's row and a separate row for the mother or carer (role, related
person id), the system's own person id, NHS number often present and sometimes spaced
3-3-4, ISO dates, open episodes with a blank end date, gender as Male/Female.
"""

from __future__ import annotations

import random

from famlink.standardise.identifiers import format_nhs_number
from famlink.synthetic.dates import OPEN, START, age_at, iso
from famlink.synthetic.feeds import recorded
from famlink.synthetic.feeds.base import Counter, FeedContext, Sink
from famlink.synthetic.model import Need, Person
from famlink.synthetic.needs import episode_dates
from famlink.synthetic.writers import CsvSink

NAME = "social_care"
QUALITY = 1.0
EPISODES = {"REF": "social_care_referral", "CIN": "child_in_need",
            "CPP": "child_protection_plan", "LAC": "looked_after"}
CP_CATEGORIES = ["Neglect", "Emotional abuse", "Physical abuse", "Sexual abuse", "Multiple"]
HEADER = ["EpisodeID", "PersonID", "Role", "RelatedPersonID", "Relationship", "Forename",
          "Surname", "DOB", "Gender", "NHSNumber", "Address", "Postcode", "EpisodeType",
          "Category", "StartDate", "EndDate", "Team"]
SPEC = {
    "description": "Children's social care episodes: referrals, child in need, child "
                   "protection plans, looked after; carers as separate rows.",
    "source": {"path": "incoming/social_care/episodes*.csv", "format": "csv", "delimiter": "|"},
    "kind": "event",
    "record_id": "EpisodeID",
    "reliability": 0.7,
    "events_before_birth": True,
    "max_age": 25,  # a child's episodes run on, as care leavers are supported, to 25
    "max_age_roles": ["Child"],
    "relationships": [
        {"map": {"Mother": "parent", "Father": "parent", "Step-parent": "parent",
                 "Grandparent": None, "Sibling": "sibling", "Partner": "partner"},
         "confidence": 0.95},
    ],
    "columns": {
        "person_ref": {"from": "PersonID"},
        "role": {"from": "Role"},
        "related_person_ref": {"from": "RelatedPersonID"},
        "relationship": {"from": "Relationship"},
        "first_name": {"from": "Forename"},
        "surname": {"from": "Surname"},
        "date_of_birth": {"from": "DOB", "parse": "date", "formats": ["%Y-%m-%d"]},
        "sex": {"from": "Gender", "map": {"Male": "M", "Female": "F", "Unknown": None}},
        "nhs_number": {"from": "NHSNumber", "parse": "nhs_number"},
        "address": {"from": "Address"},
        "postcode": {"from": "Postcode", "parse": "postcode"},
        "event_type": {"from": "EpisodeType", "map": dict(EPISODES), "required": True,
                       "map_unknown": "quarantine"},
        "category": {"from": "Category"},
        "event_date": {"from": "StartDate", "parse": "date", "formats": ["%Y-%m-%d"],
                       "required": True},
        "event_end_date": {"from": "EndDate", "parse": "date", "formats": ["%Y-%m-%d"]},
        "organisation_name": {"from": "Team"},
    },
}


class Episodes:
    def __init__(self, ctx: FeedContext):
        self.ctx = ctx
        self.sink: Sink = ctx.open(NAME, CsvSink(ctx.incoming / "episodes.csv", HEADER,
                                                 delimiter="|"))
        self.ids = Counter("EP", 7)
        self.lcs_ids: dict[str, str] = {}

    def lcs_id(self, person: Person) -> str:
        if person.pid not in self.lcs_ids:
            self.lcs_ids[person.pid] = str(100_000 + 7 * len(self.lcs_ids) + 3)
        return self.lcs_ids[person.pid]

    def add(self, kind: str, child: Person, start: int, end: int, category: str = "") -> None:
        if not child.resident(start):
            return
        self._row(kind, child, "Child", None, start, end, category)
        carer = child.mother if child.mother is not None and child.mother.resident(start) else None
        if carer is not None and self.ctx.rng.random() < 0.6:
            self._row(kind, carer, "Carer", child, start, end, category)

    def _row(self, kind: str, person: Person, role: str, child: Person | None, start: int,
             end: int, category: str) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        rid = self.ids.next()
        first, _, surname = recorded.names(ctx, person, start)
        nhs = ctx.corrupt.identifier(person.nhs) if rng.random() < 0.75 else ""
        if nhs and rng.random() < 0.3:
            nhs = format_nhs_number(nhs)
        addr = recorded.home(ctx, person, start)
        gender = {"M": "Male", "F": "Female"}[person.sex] if rng.random() < 0.97 else "Unknown"
        row = [rid, self.lcs_id(person), role, self.lcs_id(child) if child else "",
               "Mother" if child else "", first, surname, _dob(ctx, person), gender, nhs,
               recorded.one_line(ctx, addr) if addr else "",
               recorded.postcode(ctx, addr) if addr else "", kind, category, iso(start),
               "" if end >= OPEN else iso(end), rng.choice(["MASH", "Assessment", "CIN Team 1",
                                                            "CIN Team 2", "Children in Care"])]
        ctx.emit(self.sink, row, rid, person, start, addr.uprn if addr else None)


def _dob(ctx: FeedContext, person: Person) -> str:
    return recorded.dob(ctx, person, "%Y-%m-%d")


def _journey(eps: Episodes, need: Need) -> None:
    """Referral, then perhaps child in need, a protection plan, and care."""
    rng = random_for(need)
    for child in need.subjects:
        start, end = need.start, need.end
        eps.add("REF", child, start, start)
        if rng.random() < 0.65 and start + 30 < end:
            eps.add("CIN", child, start + 30, end)
        if rng.random() < 0.3 and start + 60 < end:
            eps.add("CPP", child, start + 60, min(end, start + 60 + rng.randint(180, 600)),
                    CP_CATEGORIES[rng.randrange(len(CP_CATEGORIES))])
            if rng.random() < 0.25 and start + 150 < end:
                eps.add("LAC", child, start + 150, end)


def random_for(need: Need) -> random.Random:
    return random.Random(need.seed + 11)


def generate(ctx: FeedContext) -> None:
    eps = Episodes(ctx)
    rng = ctx.rng
    for fam in ctx.town.families:
        for need in fam.needs:
            if need.kind == "social_care":
                _journey(eps, need)
            elif need.kind == "domestic_abuse" and rng.random() < 0.5:
                for o in episode_dates(need, (1, 5))[:1]:
                    for kid in fam.members_at(o, "child"):
                        if age_at(kid.dob, o) < 18:
                            eps.add("REF", kid, o + 1, o + 1)
    for person in ctx.town.persons:  # referrals that led nowhere
        if person.arrived < OPEN and age_at(person.dob, max(START, person.arrived)) < 17 \
                and rng.random() < 0.02:
            o = rng.randrange(person.arrived, person.left)
            eps.add("REF", person, o, o)
