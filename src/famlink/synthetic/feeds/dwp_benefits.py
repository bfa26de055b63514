"""Out-of-work benefit claims shared by DWP: one row per person on a claim.

Quirks: upper-case names, all forenames in one field, DOB as yyyymmdd, dates as
dd.mm.yyyy, role codes C/P/D (claimant, partner, dependant), no NI number for children.
"""

from __future__ import annotations

from famlink.synthetic.dates import END, OPEN, START, age_at, dmy
from famlink.synthetic.feeds import recorded
from famlink.synthetic.feeds.base import Counter, FeedContext, Sink
from famlink.synthetic.model import Person
from famlink.synthetic.writers import CsvSink

NAME = "dwp_benefits"
QUALITY = 0.8
HEADER = ["CLAIM_REF", "MEMBER_NO", "NINO", "CLAIMANT_ROLE", "SURNAME", "FORENAMES", "DOB",
          "ADDRESS", "POSTCODE", "BENEFIT", "START_DATE", "END_DATE"]
SPEC = {
    "description": "Out-of-work benefit claims (DWP data share): claimant, partner, dependants.",
    "source": {"path": "incoming/dwp_benefits/*.csv", "format": "csv"},
    "kind": "event",
    "record_id": ["CLAIM_REF", "MEMBER_NO"],
    "reliability": 0.6,
    "min_age": 16,
    "min_age_roles": ["claimant", "partner"],
    "max_age": 19,
    "max_age_roles": ["dependant"],
    "distinct_people_within": ["event_ref"],
    "residence": {"start": "event_date", "end": "event_end_date"},
    "relationships": [
        {"within": "event_ref", "roles": ["claimant", "partner"], "relationship": "partner",
         "confidence": 0.95},
        {"within": "event_ref", "roles": ["claimant", "dependant"], "relationship": "parent",
         "confidence": 0.9},
        {"within": "event_ref", "roles": ["partner", "dependant"], "relationship": "parent",
         "confidence": 0.85},
    ],
    "columns": {
        "event_ref": {"from": "CLAIM_REF", "required": True},
        "ni_number": {"from": "NINO", "parse": "ni_number"},
        "role": {"from": "CLAIMANT_ROLE",
                 "map": {"C": "claimant", "P": "partner", "D": "dependant"}},
        "surname": {"from": "SURNAME"},
        "first_name": {"from": "FORENAMES"},
        "date_of_birth": {"from": "DOB", "parse": "date", "formats": ["%Y%m%d"]},
        "address": {"from": "ADDRESS"},
        "postcode": {"from": "POSTCODE", "parse": "postcode"},
        "event_type": {"value": "benefit_claim"},
        "event_subtype": {"from": "BENEFIT", "map": {
            "UC": "universal_credit", "JSA": "jobseekers_allowance",
            "ESA": "employment_support_allowance", "IS": "income_support"}},
        "event_date": {"from": "START_DATE", "parse": "date", "formats": ["%d.%m.%Y"],
                       "required": True},
        "event_end_date": {"from": "END_DATE", "parse": "date", "formats": ["%d.%m.%Y"]},
    },
}


class Claims:
    def __init__(self, ctx: FeedContext):
        self.ctx = ctx
        self.sink: Sink = ctx.open(NAME, CsvSink(ctx.incoming / "claims.csv", HEADER))
        self.refs = Counter("", 9, start=300_000_000)

    def claim(self, claimant: Person, start: int, end: int) -> None:
        if not claimant.resident(start):
            return
        rng = self.ctx.rng
        legacy = start < START + 365 and rng.random() < 0.35
        benefit = rng.choice(["JSA", "ESA", "IS"]) if legacy else "UC"
        ref = f"{benefit}{self.refs.next()}"
        members: list[tuple[Person, str]] = [(claimant, "C")]
        span = claimant.span_at(start)
        assert span is not None
        partner = claimant.partner
        if partner is not None and partner.span_at(start) is not None and \
                partner.span_at(start)[2] is span[2]:  # type: ignore[index]
            members.append((partner, "P"))
        fam = claimant.family_at(start)
        if fam is not None:
            for kid in fam[2].members_at(start, "child"):
                if age_at(kid.dob, start) < 19 and kid.resident(start):
                    members.append((kid, "D"))
        for n, (person, role) in enumerate(members, start=1):
            self._row(ref, n, person, role, benefit, start, end)

    def _row(self, ref: str, n: int, person: Person, role: str, benefit: str, start: int,
             end: int) -> None:
        ctx = self.ctx
        first, middle, surname = recorded.names(ctx, person, start)
        forenames = f"{first} {middle}".strip().upper()
        nino = ctx.corrupt.identifier(person.ni) if role != "D" and person.ni else ""
        addr = recorded.home(ctx, person, start)
        row = [ref, str(n), nino, role, surname.upper(), forenames,
               recorded.dob(ctx, person, "%Y%m%d"),
               recorded.one_line(ctx, addr).upper() if addr else "",
               recorded.postcode(ctx, addr) if addr else "", benefit, dmy(start, "."),
               "" if end >= OPEN else dmy(end, ".")]
        ctx.emit(self.sink, row, f"{ref}|{n}", person, start, addr.uprn if addr else None)


def generate(ctx: FeedContext) -> None:
    claims = Claims(ctx)
    for fam in ctx.town.families:
        for need in fam.needs:
            if need.kind == "worklessness":
                claims.claim(need.subjects[0], need.start, need.end)
    rng = ctx.rng
    for person in ctx.town.persons:  # single adults without a family
        if person.fams or person.arrived >= OPEN or rng.random() >= 0.1:
            continue
        if age_at(person.dob, person.arrived) < 18 or age_at(person.dob, person.arrived) > 64:
            continue
        start = rng.randrange(person.arrived, person.left)
        end = start + rng.randint(60, 900)
        claims.claim(person, start, OPEN if end > END else end)
