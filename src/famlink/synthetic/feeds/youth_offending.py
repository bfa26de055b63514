"""Youth justice service case records: one row per offence outcome.

Quirks: DOB with a two-digit year (dd/mm/yy), the whole name in one "Forename Surname"
field, offence and outcome as words, a case reference per young person.
"""

from __future__ import annotations

from famlink.synthetic.dates import age_at, dmy, to_date
from famlink.synthetic.feeds import recorded
from famlink.synthetic.feeds.base import Counter, FeedContext
from famlink.synthetic.model import Need, Person
from famlink.synthetic.needs import episode_dates
from famlink.synthetic.writers import CsvSink

NAME = "youth_offending"
QUALITY = 1.0
OFFENCES = ["Theft and handling", "Violence against the person", "Criminal damage",
            "Drugs offences", "Public order", "Robbery", "Motoring offences", "Arson"]
OUTCOMES = ["Community Resolution", "Youth Caution", "Youth Conditional Caution",
            "Referral Order", "Youth Rehabilitation Order", "Detention and Training Order"]
HEADER = ["Outcome ID", "YOT Case Ref", "Young Person", "Date of Birth", "Gender", "Address",
          "Postcode", "Offence Date", "Offence Type", "Outcome", "Outcome Date"]
SPEC = {
    "description": "Youth justice service: offences and their outcomes per young person.",
    "source": {"path": "incoming/youth_offending/outcomes*.csv", "format": "csv",
               "encoding": "utf-8-sig"},
    "kind": "event",
    "record_id": "Outcome ID",
    "reliability": 0.7,
    "columns": {
        "person_ref": {"from": "YOT Case Ref"},
        "full_name": {"from": "Young Person", "split": "forename_surname"},
        "date_of_birth": {"from": "Date of Birth", "parse": "date", "formats": ["%d/%m/%y"]},
        "sex": {"from": "Gender"},
        "address": {"from": "Address"},
        "postcode": {"from": "Postcode", "parse": "postcode"},
        "event_type": {"value": "youth_offence"},
        "event_date": {"from": "Offence Date", "parse": "date", "formats": ["%d/%m/%Y"],
                       "required": True},
        "category": {"from": "Offence Type"},
        "status": {"from": "Outcome"},
        "x_outcome_date": {"from": "Outcome Date", "parse": "date", "formats": ["%d/%m/%Y"]},
    },
}


class Cases:
    def __init__(self, ctx: FeedContext):
        self.ctx = ctx
        self.sink = ctx.open(NAME, CsvSink(ctx.incoming / "outcomes.csv", HEADER,
                                           encoding="utf-8-sig"))
        self.ids = Counter("YO", 6)
        self.cases = Counter("YJ/", 5)

    def young_person(self, person: Person, dates: list[int]) -> None:
        dates = [o for o in dates if 10 <= age_at(person.dob, o) <= 17 and person.resident(o)]
        if not dates:
            return
        case = self.cases.next()
        for step, o in enumerate(dates):
            outcome = OUTCOMES[min(len(OUTCOMES) - 1, step + self.ctx.rng.randrange(2))]
            self._row(case, person, o, outcome)

    def _row(self, case: str, person: Person, o: int, outcome: str) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        rid = self.ids.next()
        first, _, surname = recorded.names(ctx, person, o)
        recorded_dob = ctx.corrupt.dob(person.dob)
        dob = to_date(recorded_dob).strftime("%d/%m/%y") if recorded_dob else ""
        addr = recorded.home(ctx, person, o)
        row = [rid, case, f"{first} {surname}", dob, person.sex,
               recorded.one_line(ctx, addr, with_town=False) if addr else "",
               recorded.postcode(ctx, addr) if addr else "", dmy(o),
               OFFENCES[rng.randrange(len(OFFENCES))], outcome, dmy(o + rng.randint(14, 120))]
        ctx.emit(self.sink, row, rid, person, o, addr.uprn if addr else None)


def _offences(need: Need) -> list[int]:
    return episode_dates(need, (1, 4), salt=7)  # the same dates police_incidents uses


def generate(ctx: FeedContext) -> None:
    cases = Cases(ctx)
    for fam in ctx.town.families:
        for need in fam.needs:
            if need.kind == "youth_offending":
                cases.young_person(need.subjects[0], _offences(need))
            elif need.kind == "crime_asb" and age_at(need.subjects[0].dob, need.start) < 18:
                cases.young_person(need.subjects[0], episode_dates(need, (1, 4), salt=1))
