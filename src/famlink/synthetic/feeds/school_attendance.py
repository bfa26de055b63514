"""Termly attendance (2023/24 to 2025/26): tab-delimited, one row per pupil per term.

Quirks: its own column names, DOB as 05-Apr-2013, the term as "2024/25 Autumn".
Unauthorised absence is high for pupils in families with an attendance need.
"""

from __future__ import annotations

from famlink.synthetic.dates import ATTENDANCE_YEARS, Term, iso, terms_between
from famlink.synthetic.feeds import recorded
from famlink.synthetic.feeds.base import Counter, FeedContext, Sink
from famlink.synthetic.model import Person
from famlink.synthetic.schools import School
from famlink.synthetic.writers import CsvSink

NAME = "school_attendance"
QUALITY = 0.6
HEADER = ["AttendanceID", "PupilUPN", "Legal Surname", "Legal Forename", "Date of Birth",
          "Gender", "Establishment", "Term", "Term Start", "Term End", "Possible Sessions",
          "Authorised Absence", "Unauthorised Absence"]
SPEC = {
    "description": "Termly attendance per pupil from the schools' MIS, tab-delimited.",
    "source": {"path": "incoming/school_attendance/*.tsv", "format": "csv",
               "encoding": "utf-8", "delimiter": "\t"},
    "kind": "event",
    "record_id": "AttendanceID",
    "reliability": 0.85,
    "columns": {
        "upn": {"from": "PupilUPN", "parse": "upn"},
        "surname": {"from": "Legal Surname"},
        "first_name": {"from": "Legal Forename"},
        "date_of_birth": {"from": "Date of Birth", "parse": "date", "formats": ["%d-%b-%Y"]},
        "sex": {"from": "Gender", "map": {"Male": "M", "Female": "F"}},
        "organisation_ref": {"from": "Establishment"},
        "event_type": {"value": "attendance"},
        "period": {"from": "Term", "required": True},
        "event_date": {"from": "Term Start", "parse": "date", "formats": ["%Y-%m-%d"],
                       "required": True},
        "event_end_date": {"from": "Term End", "parse": "date", "formats": ["%Y-%m-%d"]},
        "sessions_possible": {"from": "Possible Sessions", "parse": "integer",
                              "required": True},
        "sessions_authorised": {"from": "Authorised Absence", "parse": "integer"},
        "sessions_unauthorised": {"from": "Unauthorised Absence", "parse": "integer"},
    },
}


def attendance_terms() -> list[Term]:
    return terms_between(ATTENDANCE_YEARS[0], ATTENDANCE_YEARS[-1])


def _attendance_need_terms(person: Person, terms: list[Term]) -> set[str]:
    """Labels of the terms in which this pupil's family attendance need was active."""
    out: set[str] = set()
    for fam in person.fams:
        for need in fam[2].needs:
            if need.kind == "school_attendance" and person in need.subjects:
                out.update(t.label for t in terms if need.start <= t.end and t.start < need.end)
    return out


def generate(ctx: FeedContext) -> None:
    terms = attendance_terms()
    sinks: dict[int, Sink] = {}
    for year in ATTENDANCE_YEARS:
        path = ctx.incoming / f"attendance_{year}-{(year + 1) % 100:02d}.tsv"
        sinks[year] = ctx.open(str(year), CsvSink(path, HEADER, delimiter="\t", crlf=False))
    ids = Counter("ATT", 8)
    for person in ctx.town.persons:
        if not person.schools or not person.schools[-1][1] > terms[0].start:
            continue
        needy = _attendance_need_terms(person, terms)
        habit = ctx.rng.random() ** 3  # a few pupils miss a lot even without a recorded need
        for term in terms:
            school = person.school_at(term.census)
            if school is not None:
                _row(ctx, sinks[term.academic], ids.next(), person, term, school,
                     term.label in needy, habit)


def _row(ctx: FeedContext, sink: Sink, rid: str, person: Person, term: Term, school: School,
         needy: bool, habit: float) -> None:
    rng = ctx.rng
    possible = term.sessions - (rng.randrange(2, 30) if rng.random() < 0.04 else 0)
    authorised = int(possible * min(0.4, abs(rng.gauss(0.035, 0.03))))
    rate = rng.uniform(0.12, 0.45) if needy else habit * 0.08
    unauthorised = min(possible - authorised, int(possible * rate))
    first, _, surname = recorded.names(ctx, person, term.start)
    dob = recorded.dob(ctx, person, "%d-%b-%Y")
    row = [rid, ctx.corrupt.identifier(person.upn), surname, first, dob,
           "Male" if person.sex == "M" else "Female", school.laestab, term.label,
           iso(term.start), iso(term.end), str(possible), str(authorised), str(unauthorised)]
    ctx.emit(sink, row, rid, person, term.census)
