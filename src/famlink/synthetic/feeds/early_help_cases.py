"""Early help (Supporting Families) case records: one row per family member per case.

A share of the families with two or more needs get a case (most of those with three at once):
it starts a few months after one of their needs began, on the day most of their needs are
active, and closes months
later (or is still open on the reference date); half of them stay open until the needs
they found have ended, as a case that worked would.
The outcomes stage takes its baseline from the case start and checks claims against the
close. Quirks: dates as dd/mm/yyyy, the lead person marked, the whole name in one field.
"""

from __future__ import annotations

from famlink.synthetic.dates import END, age_at, dmy
from famlink.synthetic.feeds import recorded
from famlink.synthetic.feeds.base import Counter, FeedContext
from famlink.synthetic.model import Family
from famlink.synthetic.writers import CsvSink

NAME = "early_help_cases"
QUALITY = 0.6
# the share of families with two or more needs that get a case, by the number of needs
# active when it starts
SHARE = {0: 0.05, 1: 0.1, 2: 0.4, 3: 0.9}
WORKED = 0.5  # cases kept open until the family's needs have ended
HEADER = ["CaseMemberID", "CaseRef", "Role", "Name", "DOB", "Gender", "Postcode",
          "CaseStart", "CaseClosed", "Team"]
TEAMS = ["Early Help North", "Early Help South", "Family Support Hub"]
SPEC = {
    "description": "Early help / Supporting Families cases: start and close per family member.",
    "source": {"path": "incoming/early_help_cases/cases*.csv", "format": "csv"},
    "kind": "event",
    "record_id": "CaseMemberID",
    "reliability": 0.6,
    "distinct_people_within": ["event_ref"],
    "columns": {
        "event_ref": {"from": "CaseRef", "required": True},
        "role": {"from": "Role"},
        "full_name": {"from": "Name", "split": "forename_surname"},
        "date_of_birth": {"from": "DOB", "parse": "date", "formats": ["%d/%m/%Y"]},
        "sex": {"from": "Gender"},
        "postcode": {"from": "Postcode", "parse": "postcode"},
        "event_type": {"value": "early_help_case"},
        "event_date": {"from": "CaseStart", "parse": "date", "formats": ["%d/%m/%Y"],
                       "required": True},
        "event_end_date": {"from": "CaseClosed", "parse": "date", "formats": ["%d/%m/%Y"]},
        "organisation_name": {"from": "Team"},
    },
}


def _busiest(fam: Family, lag: int) -> int:
    """The day, ``lag`` days after one of the needs began, on which most needs are active."""
    days = [n.start + lag for n in fam.needs]
    return max(days, key=lambda o: (_active(fam, o), -o))


def _active(fam: Family, o: int) -> int:
    return sum(n.start <= o < n.end for n in fam.needs)


def _case_dates(ctx: FeedContext, fam: Family) -> tuple[int, int | None] | None:
    if len(fam.needs) < 2:
        return None
    start = _busiest(fam, ctx.rng.randint(60, 120))
    if ctx.rng.random() >= SHARE.get(_active(fam, start), SHARE[3]):
        return None
    if start >= END:
        return None
    if ctx.rng.random() < WORKED:  # closes some months after the needs it found have ended
        ended = max([n.end for n in fam.needs if n.start <= start < n.end] + [start + 90])
        close = ended + ctx.rng.randint(100, 200)
    else:
        close = start + ctx.rng.randint(90, 420)
    return start, (close if close <= END else None)


def generate(ctx: FeedContext) -> None:
    sink = ctx.open(NAME, CsvSink(ctx.incoming / "cases.csv", HEADER))
    ids, refs = Counter("EHM", 7), Counter("EH", 6)
    for fam in ctx.town.families:
        dates = _case_dates(ctx, fam)
        if dates is None:
            continue
        start, close = dates
        members = fam.members_at(start)
        if not members:
            continue
        ref, team = refs.next(), TEAMS[ctx.rng.randrange(len(TEAMS))]
        lead = next((p for p in members if age_at(p.dob, start) >= 18), members[0])
        for person in members:
            first, _, surname = recorded.names(ctx, person, start)
            addr = recorded.home(ctx, person, start)
            rid = ids.next()
            row = [rid, ref, "Lead Person" if person is lead else "Family Member",
                   f"{first} {surname}", recorded.dob(ctx, person), person.sex,
                   recorded.postcode(ctx, addr) if addr else "", dmy(start),
                   dmy(close) if close is not None else "", team]
            ctx.emit(sink, row, rid, person, start, None)
