"""School census returns: one cp1252 CSV per census day, one row per pupil on roll.

Quirks: cp1252 (letters it lacks, such as Ł or ễ, lose their accents), DOB dd/mm/yyyy,
former UPNs, UPRN on most rows, the return's own columns for address lines.
"""

from __future__ import annotations

from famlink.synthetic.dates import (
    CENSUS_SPRING_YEARS,
    Term,
    academic_year,
    age_on_31_august,
    dmy,
    terms_of,
)
from famlink.synthetic.feeds import recorded
from famlink.synthetic.feeds.base import FeedContext, Sink
from famlink.synthetic.gazetteer import TOWN
from famlink.synthetic.model import Person
from famlink.synthetic.schools import School
from famlink.synthetic.writers import CsvSink

NAME = "school_census"
QUALITY = 0.5
HEADER = ["CensusTerm", "CensusDate", "LAESTAB", "SchoolName", "UPN", "FormerUPN", "Surname",
          "Forename", "MiddleNames", "FormerSurname", "DOB", "Sex", "NCYearActual", "EntryDate",
          "AddressLine1", "AddressLine2", "AddressLine3", "Town", "Postcode", "UPRN"]
SPEC = {
    "description": "School census (spring each year, plus autumn 2025): one row per pupil "
                   "on roll on census day. cp1252 CSV from the MIS.",
    "source": {"path": "incoming/school_census/*.csv", "format": "csv", "encoding": "cp1252"},
    "kind": "person",
    "record_id": ["CensusTerm", "LAESTAB", "UPN"],
    "reliability": 0.9,
    "distinct_people_within": ["file"],
    "columns": {
        "upn": {"from": "UPN", "parse": "upn"},
        "former_upn": {"from": "FormerUPN", "parse": "upn"},
        "surname": {"from": "Surname"},
        "first_name": {"from": "Forename"},
        "middle_names": {"from": "MiddleNames"},
        "former_surname": {"from": "FormerSurname"},
        "date_of_birth": {"from": "DOB", "parse": "date", "formats": ["%d/%m/%Y"]},
        "sex": {"from": "Sex"},
        "organisation_ref": {"from": "LAESTAB"},
        "organisation_name": {"from": "SchoolName"},
        "address_line_1": {"from": "AddressLine1"},
        "address_line_2": {"from": "AddressLine2"},
        "address_line_3": {"from": "AddressLine3"},
        "town": {"from": "Town"},
        "postcode": {"from": "Postcode", "parse": "postcode"},
        "uprn": {"from": "UPRN", "parse": "uprn"},
        "event_type": {"value": "school_census_return"},
        "event_date": {"from": "CensusDate", "parse": "date", "formats": ["%d/%m/%Y"],
                       "required": True},
        "period": {"from": "CensusTerm"},
        "x_nc_year": {"from": "NCYearActual"},
        "x_entry_date": {"from": "EntryDate", "parse": "date", "formats": ["%d/%m/%Y"]},
    },
}


def census_terms() -> list[Term]:
    spring = [terms_of(y - 1)[1] for y in CENSUS_SPRING_YEARS]
    return [*spring, terms_of(2025)[0]]


def generate(ctx: FeedContext) -> None:
    terms = census_terms()
    sinks: dict[str, Sink] = {}
    for term in terms:
        path = ctx.incoming / f"census_{term.slug}.csv"
        sinks[term.label] = ctx.open(term.label, CsvSink(path, HEADER, encoding="cp1252"))
    for person in ctx.town.persons:
        if not person.schools:
            continue
        for term in terms:
            school = person.school_at(term.census)
            if school is not None:
                _row(ctx, sinks[term.label], person, term, school)


def _entry_date(person: Person, school: School) -> int:
    return min(frm for frm, _, s in person.schools if s is school)


def _row(ctx: FeedContext, sink: Sink, person: Person, term: Term, school: School) -> None:
    c, o = ctx.corrupt, term.census
    first, middle, surname = recorded.names(ctx, person, o)
    addr = recorded.home(ctx, person, o)
    lines = recorded.lines(ctx, addr, 3) if addr else ["", "", ""]
    upn = c.identifier(person.upn) or person.upn
    former = person.surnames[-2][1] if len(person.surnames) > 1 else ""
    nc_year = age_on_31_august(person.dob, academic_year(o)) - 4
    row = [term.label, dmy(o), school.laestab, school.name, upn, person.former_upn, surname,
           first, middle, former, recorded.dob(ctx, person), person.sex,
           "R" if nc_year == 0 else str(nc_year), dmy(_entry_date(person, school)), *lines,
           c.missing(TOWN), recorded.postcode(ctx, addr) if addr else "",
           str(addr.uprn) if addr and ctx.rng.random() < 0.8 else ""]
    rid = f"{term.label}|{school.laestab}|{upn}"
    ctx.emit(sink, row, rid, person, o, addr.uprn if addr else None)
