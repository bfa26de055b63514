"""Suspensions and permanent exclusions, as the schools return them.

Quirks: category PERM / SUSP mapped to event types, up to three DfE reason codes,
start date as dd/mm/yyyy, sessions as text. Pupils in families with crime, youth
offending or attendance needs are suspended far more often.
"""

from __future__ import annotations

from famlink.synthetic.dates import age_at, dmy
from famlink.synthetic.feeds import recorded
from famlink.synthetic.feeds.base import Counter, FeedContext, Sink
from famlink.synthetic.feeds.school_attendance import attendance_terms
from famlink.synthetic.model import Person
from famlink.synthetic.writers import CsvSink

NAME = "school_exclusions"
QUALITY = 0.7
REASONS = ["DB", "VA", "VP", "PP", "PA", "DM", "DA", "BU", "TH", "OW", "MT", "RA", "SM", "LG"]
REASON_CUM = [30, 45, 58, 68, 73, 78, 83, 87, 90, 92, 95, 97, 98, 100]
RISKY = ("crime_asb", "youth_offending", "school_attendance")
HEADER = ["ExclusionID", "UPN", "Surname", "Forename", "DOB", "LAESTAB", "Category",
          "StartDate", "Sessions", "Reason1", "Reason2", "Reason3"]
SPEC = {
    "description": "Suspensions and permanent exclusions returned by schools.",
    "source": {"path": "incoming/school_exclusions/exclusions*.csv", "format": "csv"},
    "kind": "event",
    "record_id": "ExclusionID",
    "reliability": 0.8,
    "columns": {
        "upn": {"from": "UPN", "parse": "upn"},
        "surname": {"from": "Surname"},
        "first_name": {"from": "Forename"},
        "date_of_birth": {"from": "DOB", "parse": "date", "formats": ["%d/%m/%Y"]},
        "organisation_ref": {"from": "LAESTAB"},
        "event_type": {"from": "Category", "required": True, "map_unknown": "quarantine",
                       "map": {"PERM": "permanent_exclusion", "SUSP": "suspension"}},
        "category": {"from": "Category"},
        "event_date": {"from": "StartDate", "parse": "date", "formats": ["%d/%m/%Y"],
                       "required": True},
        "x_sessions": {"from": "Sessions", "parse": "integer"},
        "reason": {"from": "Reason1"},
        "x_reason_2": {"from": "Reason2"},
        "x_reason_3": {"from": "Reason3"},
    },
}


def _risky(person: Person, o: int) -> bool:
    for fam in person.fams:
        for need in fam[2].needs:
            if need.kind in RISKY and need.start <= o < need.end:
                return True
    return False


def generate(ctx: FeedContext) -> None:
    sink = ctx.open(NAME, CsvSink(ctx.incoming / "exclusions.csv", HEADER))
    ids = Counter("EXC", 7)
    terms = attendance_terms()
    rng = ctx.rng
    for person in ctx.town.persons:
        if not person.schools or person.schools[-1][1] <= terms[0].start:
            continue
        for term in terms:
            school = person.school_at(term.census)
            if school is None:
                continue
            rate = 0.004 if school.phase == "primary" else 0.012
            if _risky(person, term.census):
                rate *= 12
            while rng.random() < rate:
                o = rng.randint(term.start, term.end)
                o = o if person.resident(o) else term.census
                _row(ctx, sink, ids.next(), person, o, school.laestab, rate > 0.1)
                rate /= 2


def _row(ctx: FeedContext, sink: Sink, rid: str, person: Person, o: int, laestab: str,
         high_risk: bool) -> None:
    rng = ctx.rng
    perm = high_risk and age_at(person.dob, o) >= 11 and rng.random() < 0.08
    reasons = [rng.choices(REASONS, cum_weights=REASON_CUM)[0] for _ in range(3)]
    count = rng.choices([1, 2, 3], cum_weights=[70, 92, 100])[0]
    reasons = list(dict.fromkeys(reasons[:count])) + [""] * 3
    first, _, surname = recorded.names(ctx, person, o)
    row = [rid, ctx.corrupt.identifier(person.upn), surname, first, recorded.dob(ctx, person),
           laestab, "PERM" if perm else "SUSP", dmy(o),
           "" if perm else str(rng.choice([1, 2, 2, 3, 4, 6, 10])), *reasons[:3]]
    ctx.emit(sink, row, rid, person, o)
