"""The error model: scale 0 gives clean data, the defaults give realistic noise."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from famlink.project import Feed, load_project
from famlink.synthetic.corruption import Corruptor, ErrorRates, strip_accents, typo
from famlink.synthetic.town import TownSummary
from famlink.synthetic.writers import _encodable
from tests.synthetic.helpers import feed_rows, record_id, truth_records, truth_table


def _surname_at(person: dict[str, str], when: str) -> str:
    current = ""
    for part in person["surname_history"].split("; "):
        name, since = part.rsplit(" from ", 1)
        if since <= when:
            current = name
    return current


def _census_mismatches(out: Path) -> tuple[int, int]:
    feed = load_project(out).feeds["school_census"]
    persons = {p["person_id"]: p for p in truth_table(out, "persons")}
    who = {r["source_record_id"]: r["person_id"] for r in truth_records(out)
           if r["feed"] == "school_census"}
    bad = total = 0
    for row in feed_rows(out, feed):
        p = persons[who[record_id(feed, row)]]
        when = "-".join(reversed(row["CensusDate"].split("/")))
        expected = (_encodable(p["first_name"], "cp1252"),
                    _encodable(_surname_at(p, when), "cp1252"),
                    "/".join(reversed(p["dob"].split("-"))), p["upn"])
        total += 1
        bad += (row["Forename"], row["Surname"], row["DOB"], row["UPN"]) != expected
    return bad, total


def test_scale_zero_gives_clean_names_dates_and_ids(clean_town: tuple[Path, TownSummary]) -> None:
    bad, total = _census_mismatches(clean_town[0])
    assert total > 500 and bad == 0


def test_default_rates_give_some_noise(town: tuple[Path, TownSummary]) -> None:
    bad, total = _census_mismatches(town[0])
    assert 0.02 < bad / total < 0.25, (bad, total)


def test_clean_health_and_benefit_rows_match_truth(clean_town: tuple[Path, TownSummary]) -> None:
    out = clean_town[0]
    feeds: dict[str, Feed] = load_project(out).feeds
    persons = {p["person_id"]: p for p in truth_table(out, "persons")}
    who = {(r["feed"], r["source_record_id"]): r["person_id"] for r in truth_records(out)}
    for row in feed_rows(out, feeds["health_ed"]):
        p = persons[who[("health_ed", row["ATTENDANCE_IDENTIFIER"])]]
        assert row["PATIENT_FORENAME"] == p["first_name"].upper()
        assert row["DATE_OF_BIRTH"] == p["dob"]
        assert row["NHS_NUMBER"] in ("", p["nhs_number"])
    for row in feed_rows(out, feeds["dwp_benefits"]):
        p = persons[who[("dwp_benefits", f"{row['CLAIM_REF']}|{row['MEMBER_NO']}")]]
        assert row["FORENAMES"] == f"{p['first_name']} {p['middle_names']}".strip().upper()
        assert row["NINO"] in ("", p["ni_number"])


def test_error_kinds() -> None:
    import random

    rng = random.Random(1)
    assert strip_accents("Łukasz Nguyễn Zoë") == "Lukasz Nguyen Zoe"
    assert all(typo(rng, "Elizabeth") != "Elizabeth" for _ in range(50))
    loud = Corruptor(ErrorRates(scale=20), 1.0, rng)
    assert {loud.forename("Robert") for _ in range(200)} & {"Bob", "Rob", "Bobby", "Robbie"}
    assert None in {loud.dob(date(2010, 3, 4).toordinal()) for _ in range(200)}
    quiet = Corruptor(ErrorRates(scale=0), 1.0, rng)
    assert {quiet.postcode("NB1 2AB") for _ in range(100)} == {"NB1 2AB"}
    assert {quiet.identifier("9434765919") for _ in range(100)} == {"9434765919"}
