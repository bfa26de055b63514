"""Emergency department attendances (ECDS-style extract) from April 2023.

Quirks: NHS number nearly always present (10 digits, no spaces), upper-case column
names, gender as NHS codes 1/2/9, DOB yyyy-mm-dd, sometimes only the postcode and no
address, a diagnosis group mapped to an event subtype.
"""

from __future__ import annotations

from famlink.synthetic.dates import ED_START, age_at, iso
from famlink.synthetic.feeds import recorded
from famlink.synthetic.feeds.base import Counter, FeedContext, Sink
from famlink.synthetic.model import Need, Person
from famlink.synthetic.needs import episode_dates
from famlink.synthetic.writers import CsvSink

NAME = "health_ed"
QUALITY = 0.5
RATE = 0.3  # attendances per person per year
GENERAL = ["INJURY - FALL", "INJURY - OTHER", "RESPIRATORY", "ABDOMINAL PAIN", "CHEST PAIN",
           "INFECTION", "ALLERGY", "OTHER"]
NEED_GROUPS = {"health": ["SELF-HARM", "MENTAL HEALTH CRISIS", "SELF-HARM"],
               "substance_misuse": ["ALCOHOL", "DRUG OVERDOSE", "ALCOHOL"],
               "domestic_abuse": ["ASSAULT"]}
SUBTYPES = {"SELF-HARM": "self_harm", "MENTAL HEALTH CRISIS": "mental_health",
            "ALCOHOL": "alcohol", "DRUG OVERDOSE": "drug_overdose", "ASSAULT": "assault",
            "INJURY - FALL": "injury", "INJURY - OTHER": "injury", "RESPIRATORY": "respiratory",
            "ABDOMINAL PAIN": "abdominal", "CHEST PAIN": "cardiac", "INFECTION": "infection",
            "ALLERGY": "allergy", "OTHER": "other"}
HEADER = ["ATTENDANCE_IDENTIFIER", "SITE_CODE", "NHS_NUMBER", "PATIENT_FORENAME",
          "PATIENT_SURNAME", "DATE_OF_BIRTH", "GENDER", "ADDRESS_LINE_1", "ADDRESS_LINE_2",
          "POSTCODE", "ARRIVAL_DATE", "ARRIVAL_TIME", "DIAGNOSIS_GROUP"]
SPEC = {
    "description": "Emergency department attendances at Northbeck General (ECDS extract).",
    "source": {"path": "incoming/health_ed/ecds_*.csv", "format": "csv"},
    "kind": "event",
    "record_id": "ATTENDANCE_IDENTIFIER",
    "reliability": 0.9,
    "columns": {
        "nhs_number": {"from": "NHS_NUMBER", "parse": "nhs_number"},
        "first_name": {"from": "PATIENT_FORENAME"},
        "surname": {"from": "PATIENT_SURNAME"},
        "date_of_birth": {"from": "DATE_OF_BIRTH", "parse": "date", "formats": ["%Y-%m-%d"]},
        "sex": {"from": "GENDER", "map": {"1": "M", "2": "F", "9": None}},
        "address_line_1": {"from": "ADDRESS_LINE_1"},
        "address_line_2": {"from": "ADDRESS_LINE_2"},
        "postcode": {"from": "POSTCODE", "parse": "postcode"},
        "organisation_ref": {"from": "SITE_CODE"},
        "event_type": {"value": "emergency_attendance"},
        "event_date": {"from": "ARRIVAL_DATE", "parse": "date", "formats": ["%Y-%m-%d"],
                       "required": True},
        "event_time": {"from": "ARRIVAL_TIME"},
        "event_subtype": {"from": "DIAGNOSIS_GROUP", "map": dict(SUBTYPES)},
        "reason": {"from": "DIAGNOSIS_GROUP"},
    },
}


class Attendances:
    def __init__(self, ctx: FeedContext):
        self.ctx = ctx
        self.sink: Sink = ctx.open(NAME, CsvSink(ctx.incoming / "ecds_2023-2026.csv", HEADER))
        self.ids = Counter("RXN", 9, start=40_000_000)

    def add(self, person: Person, o: int, group: str) -> None:
        if o < ED_START or not person.resident(o):
            return
        ctx, rng = self.ctx, self.ctx.rng
        rid = self.ids.next()
        first, _, surname = recorded.names(ctx, person, o)
        addr = recorded.home(ctx, person, o, stale_days=365)
        full = addr is not None and rng.random() < 0.5
        lines = recorded.lines(ctx, addr, 2) if full and addr else ["", ""]
        nhs = ctx.corrupt.identifier(person.nhs) if rng.random() < 0.98 else ""
        row = [rid, "RXN01" if rng.random() < 0.85 else "RXN02", nhs, first.upper(),
               surname.upper(), recorded.dob(ctx, person, "%Y-%m-%d"),
               {"M": "1", "F": "2"}[person.sex] if rng.random() < 0.99 else "9", *lines,
               recorded.postcode(ctx, addr) if addr else "", iso(o),
               f"{rng.randrange(24):02d}:{rng.randrange(60):02d}", group]
        ctx.emit(self.sink, row, rid, person, o, addr.uprn if full and addr else None)


def _needs(att: Attendances, need: Need) -> None:
    groups = NEED_GROUPS[need.kind]
    count = (0, 2) if need.kind == "domestic_abuse" else (1, 4)
    person = need.subjects[0]
    for i, o in enumerate(episode_dates(need, count, salt=21)):
        att.add(person, o, groups[i % len(groups)])


def generate(ctx: FeedContext) -> None:
    att = Attendances(ctx)
    for fam in ctx.town.families:
        for need in fam.needs:
            if need.kind in NEED_GROUPS:
                _needs(att, need)
    rng = ctx.rng
    for person in ctx.town.persons:
        first, last = max(ED_START, person.arrived), person.left
        if last <= first:
            continue
        age = age_at(person.dob, first)
        rate = RATE * (1.6 if age < 5 or age > 75 else 1.0) * (last - first) / 365
        while rng.random() < rate:
            att.add(person, rng.randrange(first, last), GENERAL[rng.randrange(len(GENERAL))])
            rate -= 1
