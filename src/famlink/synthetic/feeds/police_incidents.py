"""Police incidents as JSON lines: one line per person per incident.

Quirks: names as "SURNAME, Forename", DOB often missing and an age given instead, the
person's home address as the officer took it (often stale or blank), the incident's own
location, free-text incident types mapped to subtypes, roles in capitals.
"""

from __future__ import annotations

from famlink.synthetic.dates import age_at, iso, to_date
from famlink.synthetic.feeds import recorded
from famlink.synthetic.feeds.base import FeedContext
from famlink.synthetic.gazetteer import TOWN
from famlink.synthetic.model import Need, Person
from famlink.synthetic.needs import episode_dates
from famlink.synthetic.writers import JsonlSink

NAME = "police_incidents"
QUALITY = 1.8
SUBTYPES = {
    "DOMESTIC INCIDENT": "domestic_abuse", "DOMESTIC - CRIME": "domestic_abuse",
    "DOMESTIC - BREACH OF ORDER": "domestic_abuse", "ASB - PERSONAL": "asb",
    "ASB - NUISANCE": "asb", "CRIMINAL DAMAGE": "criminal_damage",
    "THEFT - SHOPLIFTING": "theft", "THEFT - OTHER": "theft", "BURGLARY - DWELLING": "burglary",
    "VIOLENCE WITH INJURY": "violence", "VIOLENCE WITHOUT INJURY": "violence",
    "PUBLIC ORDER": "public_order", "DRUGS - POSSESSION": "drugs",
    "DRUNK AND DISORDERLY": "alcohol", "MISSING PERSON": "missing_person",
    "CONCERN FOR WELFARE": "welfare",
}
CRIME_TYPES = ["ASB - PERSONAL", "ASB - NUISANCE", "CRIMINAL DAMAGE", "THEFT - SHOPLIFTING",
               "PUBLIC ORDER", "VIOLENCE WITH INJURY", "VIOLENCE WITHOUT INJURY"]
VICTIM_TYPES = ["THEFT - OTHER", "BURGLARY - DWELLING", "VIOLENCE WITHOUT INJURY",
                "CRIMINAL DAMAGE", "ASB - PERSONAL"]
SPEC = {
    "description": "Police incidents (niche RMS extract): one JSON line per person per incident.",
    "source": {"path": "incoming/police_incidents/*.jsonl", "format": "jsonl"},
    "kind": "event",
    "record_id": "row_ref",
    "reliability": 0.4,
    "min_age": 10,
    "min_age_roles": ["SUSPECT", "OFFENDER"],
    "max_age": 17,
    "max_age_roles": ["CHILD PRESENT"],
    "distinct_people_within": ["event_ref"],
    "relationships": [
        {"within": "event_ref", "roles": ["VICTIM", "SUSPECT"], "relationship": "partner",
         "where": {"event_subtype": ["domestic_abuse"]}, "confidence": 0.5},
        {"within": "event_ref", "roles": ["VICTIM", "OFFENDER"], "relationship": "partner",
         "where": {"event_subtype": ["domestic_abuse"]}, "confidence": 0.5},
    ],
    "columns": {
        "event_ref": {"from": "incident_ref", "required": True},
        "event_type": {"value": "police_incident"},
        "event_subtype": {"from": "incident_type", "map": dict(SUBTYPES), "map_unknown": "keep"},
        "category": {"from": "incident_type"},
        "event_date": {"from": "occurred_date", "parse": "date", "formats": ["%Y-%m-%d"],
                       "required": True},
        "event_time": {"from": "occurred_time"},
        "role": {"from": "role"},
        "full_name": {"from": "name", "split": "surname_comma_forename"},
        "date_of_birth": {"from": "dob", "parse": "date", "formats": ["%d/%m/%Y"]},
        "x_age": {"from": "age", "parse": "integer"},
        "sex": {"from": "gender"},
        "address": {"from": "home_address"},
        "postcode": {"from": "home_postcode", "parse": "postcode"},
        "x_location": {"from": "location"},
    },
}


class Incidents:
    def __init__(self, ctx: FeedContext):
        self.ctx = ctx
        self.sink = ctx.open(NAME, JsonlSink(ctx.incoming / "incidents.jsonl"))
        self.count = 0

    def add(self, o: int, kind: str, people: list[tuple[Person, str]], where: str) -> None:
        people = [(p, role) for p, role in people if p.resident(o)]
        if not people:
            return
        self.count += 1
        rng = self.ctx.rng
        ref = f"NB-{to_date(o).year}-{self.count:07d}"
        hour = rng.choice([0, 1, 2, 8, 12, 15, 17, 18, 19, 20, 21, 22, 23])
        time = f"{hour}:{rng.randrange(60):02d}"
        for seq, (person, role) in enumerate(people, start=1):
            self._nominal(f"{ref}/{seq:02d}", ref, o, time.zfill(5), kind, person, role, where)

    def _nominal(self, rid: str, ref: str, o: int, time: str, kind: str, person: Person,
                 role: str, where: str) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        first, middle, surname = recorded.names(ctx, person, o)
        given = f"{first} {middle}".strip() if middle and rng.random() < 0.2 else first
        if person.suffix and rng.random() < 0.4:
            given = f"{given} {person.suffix}"
        age = age_at(person.dob, o)
        dob = recorded.dob(ctx, person) if rng.random() < (0.85 if age < 18 else 0.55) else ""
        addr = recorded.home(ctx, person, o) if rng.random() < 0.75 else None
        row = {
            "row_ref": rid, "incident_ref": ref, "occurred_date": iso(o), "occurred_time": time,
            "incident_type": kind, "role": role, "name": f"{surname.upper()}, {given}",
            "dob": dob, "age": str(age) if not dob and rng.random() < 0.6 else "",
            "gender": person.sex if rng.random() < 0.9 else "U",
            "home_address": recorded.one_line(ctx, addr) if addr else "",
            "home_postcode": recorded.postcode(ctx, addr) if addr else "",
            "location": where,
        }
        ctx.emit(self.sink, row, rid, person, o, addr.uprn if addr else None)

    def place(self, person: Person, o: int) -> str:
        span = person.span_at(o)
        if span is None:
            return f"High Street, {TOWN}"
        addr = self.ctx.town.address(span[3])
        return ", ".join([*addr.lines(), TOWN, addr.postcode])

    def street(self, person: Person, o: int) -> str:
        span = person.span_at(o)
        if span is None or self.ctx.rng.random() < 0.4:
            return f"High Street, {TOWN}"
        addr = self.ctx.town.address(span[3])
        return f"{addr.street}, {addr.locality}"


def generate(ctx: FeedContext) -> None:
    inc = Incidents(ctx)
    for fam in ctx.town.families:
        for need in fam.needs:
            handler = HANDLERS.get(need.kind)
            if handler is not None:
                handler(inc, need)
    _background(inc)


def _abuse(inc: Incidents, need: Need) -> None:
    victim, abuser = need.subjects[0], need.subjects[1]
    rng = inc.ctx.rng
    for o in episode_dates(need, (1, 5)):
        kind = rng.choices(["DOMESTIC INCIDENT", "DOMESTIC - CRIME", "DOMESTIC - BREACH OF ORDER"],
                           cum_weights=[70, 92, 100])[0]
        people = [(victim, "VICTIM"), (abuser, "SUSPECT" if rng.random() < 0.7 else "OFFENDER")]
        fam = victim.family_at(o)
        span = victim.span_at(o)
        if fam is not None and span is not None:
            for kid in fam[2].members_at(o, "child"):
                if age_at(kid.dob, o) < 18 and kid.span_at(o) is not None and \
                        kid.span_at(o)[2] is span[2]:
                    people.append((kid, "CHILD PRESENT"))
        inc.add(o, kind, people, inc.place(victim, o))


def _crime(inc: Incidents, need: Need, salt: int = 1) -> None:
    rng = inc.ctx.rng
    offender = need.subjects[0]
    for o in episode_dates(need, (1, 4), salt):
        kind = CRIME_TYPES[rng.randrange(len(CRIME_TYPES))]
        people = [(offender, "SUSPECT" if rng.random() < 0.6 else "OFFENDER")]
        if rng.random() < 0.5:
            other = inc.ctx.town.persons[rng.randrange(len(inc.ctx.town.persons))]
            people.append((other, "VICTIM" if rng.random() < 0.7 else "WITNESS"))
        inc.add(o, kind, people, inc.street(offender, o))


def _youth(inc: Incidents, need: Need) -> None:
    _crime(inc, need, salt=7)


def _substance(inc: Incidents, need: Need) -> None:
    for o in episode_dates(need, (0, 2), 3):
        kind = "DRUNK AND DISORDERLY" if inc.ctx.rng.random() < 0.6 else "DRUGS - POSSESSION"
        inc.add(o, kind, [(need.subjects[0], "OFFENDER")], inc.street(need.subjects[0], o))


def _missing(inc: Incidents, need: Need) -> None:
    for i, kid in enumerate(need.subjects):
        for o in episode_dates(need, (0, 2), 50 + i):
            if age_at(kid.dob, o) >= 11:
                inc.add(o, "MISSING PERSON", [(kid, "MISSING PERSON")], inc.place(kid, o))


HANDLERS = {"domestic_abuse": _abuse, "crime_asb": _crime, "youth_offending": _youth,
            "substance_misuse": _substance, "social_care": _missing}


def _background(inc: Incidents) -> None:
    """Victims, witnesses and welfare checks that no family need explains."""
    rng = inc.ctx.rng
    for person in inc.ctx.town.persons:
        first, last = person.arrived, person.left
        if last <= first or age_at(person.dob, max(first, last - 1)) < 12:
            continue
        years = (last - first) / 365
        if rng.random() < 0.02 * years:
            o = rng.randrange(first, last)
            kind = VICTIM_TYPES[rng.randrange(len(VICTIM_TYPES))]
            inc.add(o, kind, [(person, "VICTIM")], inc.street(person, o))
        if rng.random() < 0.006 * years:
            o = rng.randrange(first, last)
            inc.add(o, "CONCERN FOR WELFARE", [(person, "SUBJECT")], inc.place(person, o))

