"""Council housing: tenancies and the arrears actions taken on them, as one XLSX report.

Quirks: real Excel date cells, arrears as a money cell, role words (Lead Tenant, Joint
Tenant, Household Member), titles in their own column, the council's own property
address (never stale) with a UPRN on most rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from famlink.synthetic.dates import OPEN, age_at
from famlink.synthetic.feeds import recorded
from famlink.synthetic.feeds.base import Counter, FeedContext
from famlink.synthetic.model import Household, Need, Person
from famlink.synthetic.needs import episode_dates
from famlink.synthetic.writers import XlsxSink

NAME = "housing"
QUALITY = 1.2
EVENTS = {"TENANCY": "tenancy", "ARREARS": "rent_arrears", "NOSP": "notice_seeking_possession",
          "NTQ": "notice_seeking_possession", "WARRANT": "eviction"}
HEADER = ["Line Ref", "Tenancy Ref", "Role", "Title", "Forename", "Surname", "DOB",
          "Property Address", "Postcode", "UPRN", "Tenancy Start", "Tenancy End", "Event",
          "Event Date", "Arrears Balance"]
KINDS = ["text", "text", "text", "text", "text", "text", "date", "text", "text", "text",
         "date", "date", "text", "date", "money"]
SPEC = {
    "description": "Council housing tenancies and arrears actions (housing management report).",
    "source": {"path": "incoming/housing/*.xlsx", "format": "xlsx", "sheet": "Tenancy Events"},
    "kind": "event",
    "record_id": "Line Ref",
    "reliability": 0.8,
    "min_age": 18,
    "min_age_roles": ["Lead Tenant", "Joint Tenant"],
    # the people listed on a tenancy are different people; its later rows (arrears, notices)
    # name the tenant again, so only the tenancy rows count
    "distinct_people_within": ["event_ref+x_household_list"],
    "residence": {"start": "x_tenancy_start", "end": "x_tenancy_end"},
    "relationships": [
        {"within": "event_ref", "roles": ["Lead Tenant", "Joint Tenant"],
         "relationship": "partner", "confidence": 0.7},
        {"within": "event_ref", "roles": ["Lead Tenant", "Household Member"],
         "relationship": "parent", "min_age_gap": 15, "confidence": 0.6},
        {"within": "event_ref", "roles": ["Joint Tenant", "Household Member"],
         "relationship": "parent", "min_age_gap": 15, "confidence": 0.6},
    ],
    "columns": {
        "event_ref": {"from": "Tenancy Ref", "required": True},
        "role": {"from": "Role"},
        "title": {"from": "Title"},
        "first_name": {"from": "Forename"},
        "surname": {"from": "Surname"},
        "date_of_birth": {"from": "DOB", "parse": "date"},
        "address": {"from": "Property Address"},
        "postcode": {"from": "Postcode", "parse": "postcode"},
        "uprn": {"from": "UPRN", "parse": "uprn"},
        "x_tenancy_start": {"from": "Tenancy Start", "parse": "date"},
        "x_tenancy_end": {"from": "Tenancy End", "parse": "date"},
        "event_type": {"from": "Event", "map": dict(EVENTS), "required": True,
                       "map_unknown": "quarantine"},
        "category": {"from": "Event"},
        "x_household_list": {"from": "Event", "map": {"TENANCY": "listed"}, "map_unknown": "null"},
        "event_date": {"from": "Event Date", "parse": "date", "required": True},
        "amount": {"from": "Arrears Balance", "parse": "decimal"},
    },
}


@dataclass
class Tenancy:
    ref: str
    household: Household
    uprn: int
    start: int
    end: int
    members: list[tuple[Person, int]] = field(default_factory=list)


def tenancies(ctx: FeedContext) -> list[Tenancy]:
    found: dict[tuple[str, int], Tenancy] = {}
    refs = Counter("TEN", 7)
    for person in ctx.town.persons:
        for frm, to, hh, uprn in person.spans:
            if hh.tenure != "social" or to <= frm:
                continue
            key = (hh.hid, uprn)
            if key not in found:
                found[key] = Tenancy("", hh, uprn, frm, to)
            t = found[key]
            t.start, t.end = min(t.start, frm), max(t.end, to)
            t.members.append((person, frm))
    out = sorted(found.values(), key=lambda t: (t.start, t.household.hid, t.uprn))
    for t in out:
        t.ref = refs.next()
    return out


class Report:
    def __init__(self, ctx: FeedContext):
        self.ctx = ctx
        path = ctx.incoming / "tenancy_events.xlsx"
        self.sink = ctx.open(NAME, XlsxSink(path, "Tenancy Events", HEADER, KINDS))
        self.ids = Counter("HL", 8)

    def row(self, t: Tenancy, person: Person, role: str, event: str, o: int,
            amount: float | None = None) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        rid = self.ids.next()
        first, _, surname = recorded.names(ctx, person, o)
        addr = ctx.town.address(t.uprn)
        title = _title(person, o) if rng.random() < 0.9 else ""
        dob = ctx.corrupt.dob(person.dob) if rng.random() < 0.95 else None
        row = [rid, t.ref, role, title, first, surname, dob,
               ", ".join(recorded.lines(ctx, addr, 4)).strip(", "),
               recorded.postcode(ctx, addr), str(t.uprn) if rng.random() < 0.85 else "",
               t.start, None if t.end >= OPEN else t.end, event, o, amount]
        ctx.emit(self.sink, row, rid, person, o, t.uprn)


def _title(person: Person, o: int) -> str:
    if age_at(person.dob, o) < 18:
        return ""
    if person.sex == "M":
        return "Mr"
    return "Mrs" if len(person.surnames) > 1 else ("Miss" if person.dob > o - 30 * 365 else "Ms")


def _members(report: Report, t: Tenancy) -> None:
    lead = t.members[0][0]
    for person, since in t.members:
        if person is lead:
            role = "Lead Tenant"
        elif person is lead.partner and since == t.start:
            role = "Joint Tenant"
        else:
            role = "Household Member"
        report.row(t, person, role, "TENANCY", since)


def _arrears(report: Report, t: Tenancy, need: Need) -> None:
    rng = report.ctx.rng
    person = need.subjects[0]
    dates = episode_dates(need, (1, 3), salt=31)
    balance = 0.0
    for o in dates:
        balance += round(rng.uniform(250, 1400), 2)
        report.row(t, person, "Lead Tenant", "ARREARS", o, round(balance, 2))
    o = dates[-1]
    if rng.random() < 0.6 and o + 40 < t.end:
        report.row(t, person, "Lead Tenant", "NOSP" if rng.random() < 0.9 else "NTQ", o + 40,
                   round(balance, 2))
        if rng.random() < 0.2 and o + 200 < t.end:
            report.row(t, person, "Lead Tenant", "WARRANT", o + 200, round(balance * 1.2, 2))


def generate(ctx: FeedContext) -> None:
    report = Report(ctx)
    by_household: dict[str, list[Tenancy]] = {}
    for t in tenancies(ctx):
        _members(report, t)
        by_household.setdefault(t.household.hid, []).append(t)
        if ctx.rng.random() < 0.04:
            o = ctx.rng.randrange(t.start, min(t.end, OPEN - 1) + 1)
            if t.members[0][0].resident(o):
                report.row(t, t.members[0][0], "Lead Tenant", "ARREARS", o,
                           round(ctx.rng.uniform(20, 180), 2))
    for fam in ctx.town.families:
        for need in fam.needs:
            if need.kind != "housing":
                continue
            span = need.subjects[0].span_at(need.start)
            for t in by_household.get(span[2].hid, []) if span else []:
                if t.uprn == span[3]:  # type: ignore[index]
                    _arrears(report, t, need)
