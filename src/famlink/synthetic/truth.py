"""Ground truth, written beside the feeds in ``truth/`` and never mixed into them.

records.csv names the true person, household and family behind every feed row, and the
UPRN of the address written on it (``address_uprn``, blank when the row has none);
persons, households, families and family_needs describe the town itself. Dates are
inclusive; a blank ``to_date`` means still true on the reference date.
"""

from __future__ import annotations

from pathlib import Path

from famlink.synthetic.dates import inclusive_end, iso
from famlink.synthetic.model import Person, Town
from famlink.synthetic.writers import CsvSink


class TruthWriter:
    def __init__(self, folder: Path):
        self.folder = folder
        columns = ["feed", "source_record_id", "person_id", "household_id", "family_id",
                   "address_uprn"]
        self.records = CsvSink(folder / "records.csv", columns, crlf=False)

    def record(self, feed: str, source_record_id: str, person: Person | None, o: int,
               uprn: int | None = None) -> None:
        address = "" if uprn is None else str(uprn)
        if person is None:
            self.records.write([feed, source_record_id, "", "", "", address])
            return
        span = person.span_at(o)
        fam = person.family_at(o)
        self.records.write([feed, source_record_id, person.pid, span[2].hid if span else "",
                            fam[2].fid if fam else "", address])

    def close(self) -> list[Path]:
        self.records.close()
        return [self.records.path]


PERSON_COLUMNS = ["person_id", "first_name", "middle_names", "surname", "birth_surname",
                  "surname_history", "name_suffix", "dob", "sex", "nhs_number", "upn",
                  "former_upn", "ni_number", "twin_of", "same_name_father_of", "mother_id",
                  "father_id", "origin"]


def _person_row(p: Person) -> list[str]:
    history = "; ".join(f"{name} from {iso(since)}" for since, name in p.surnames)
    son = p.same_name_son
    return [p.pid, p.first, p.middle, p.surname, p.surnames[0][1], history, p.suffix,
            iso(p.dob), p.sex, p.nhs, p.upn, p.former_upn, p.ni,
            p.twin.pid if p.twin else "", son.pid if son else "",
            p.mother.pid if p.mother else "", p.father.pid if p.father else "", p.origin]


def write_town_truth(town: Town, folder: Path) -> list[Path]:
    persons = CsvSink(folder / "persons.csv", PERSON_COLUMNS, crlf=False)
    households = CsvSink(folder / "households.csv",
                         ["household_id", "uprn", "person_id", "from_date", "to_date"], crlf=False)
    families = CsvSink(folder / "families.csv",
                       ["family_id", "person_id", "role", "from_date", "to_date"], crlf=False)
    for p in town.persons:
        persons.write(_person_row(p))
        for frm, to, hh, uprn in p.spans:
            households.write([hh.hid, str(uprn), p.pid, iso(frm), inclusive_end(to)])
    for fam in town.families:
        for person, role, frm, to in fam.members:
            if to > frm:
                families.write([fam.fid, person.pid, role, iso(frm), inclusive_end(to)])
    needs = CsvSink(folder / "family_needs.csv",
                    ["family_id", "need", "from_date", "to_date", "person_ids"], crlf=False)
    for fam in town.families:
        for need in fam.needs:
            needs.write([fam.fid, need.kind, iso(need.start), inclusive_end(need.end),
                         " ".join(p.pid for p in need.subjects)])
    sinks = [persons, households, families, needs]
    for sink in sinks:
        sink.close()
    return [s.path for s in sinks]
