"""Advanced person search on hand-made people, on the warehouse tables and on the serving
tables of a snapshot (the same hits either way)."""

from __future__ import annotations

import duckdb
import pytest

from famlink.errors import FamlinkError
from famlink.views.search import SearchQuery, search_persons
from famlink.views.serving import prepare_serving

from .people import build_people


@pytest.fixture(params=["warehouse", "snapshot"])
def people(request) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    build_people(con)
    if request.param == "snapshot":
        assert prepare_serving(con)["serve_search"] == 7
    yield con
    con.close()


def _top(con: duckdb.DuckDBPyConnection, **query) -> tuple[str, list[str]]:
    hits = search_persons(con, SearchQuery(**query))
    assert hits, query
    return hits[0].person_id, hits[0].reasons


def test_a_nickname_finds_the_person_first(people) -> None:
    hits = search_persons(people, SearchQuery(name="Bobby Jones"))
    assert hits[0].person_id == "P1"
    assert "forename BOBBY is a nickname of ROBERT" in hits[0].reasons
    assert [h.person_id for h in hits].count("P1") == 1  # one hit per person, its best row


def test_a_typo_in_the_surname_is_forgiven(people) -> None:
    person, reasons = _top(people, name="Robert Jnoes")
    assert person == "P1" and any(r.startswith("surname JONES") for r in reasons)


def test_a_surname_that_sounds_the_same_ranks_below_the_exact_one(people) -> None:
    hits = search_persons(people, SearchQuery(name="John Smith"))
    assert [h.person_id for h in hits[:2]] == ["P5", "P6"]
    assert hits[0].score > hits[1].score
    assert "surname SMYTH sounds like SMITH" in hits[1].reasons


def test_the_former_surname_finds_a_person_who_married(people) -> None:
    person, reasons = _top(people, name="Catherine Smith")
    assert person == "P3" and "former surname SMITH" in reasons


def test_date_of_birth_with_day_and_month_swapped(people) -> None:
    person, reasons = _top(people, name="Smith", dob="07/03/1983")  # really 3 July
    assert person == "P5" and reasons[-1] == "date of birth exact"
    person, reasons = _top(people, dob="1983-07-03")
    assert person == "P5" and reasons == ["date of birth day/month swapped"]


def test_postcode_sector_and_district(people) -> None:
    hits = search_persons(people, SearchQuery(name="Smith", postcode="NB2 4XX"))
    assert {h.person_id for h in hits[:2]} == {"P3", "P4"}
    assert all("postcode sector match (NB2 4)" in h.reasons for h in hits[:2])
    in_sector = search_persons(people, SearchQuery(postcode="nb2 4"))
    assert {h.person_id for h in in_sector} == {"P3", "P4"}
    assert {h.person_id for h in search_persons(people, SearchQuery(postcode="NB3"))} == {
        "P5", "P6"}


def test_identifiers_find_their_person(people) -> None:
    assert _top(people, identifier="943 476 5919") == ("P1", ["nhs number exact"])
    assert _top(people, identifier="ab 12 34 56 c") == ("P1", ["ni number exact"])
    assert _top(people, identifier="B801200005001") == ("P4", ["upn exact"])
    assert search_persons(people, SearchQuery(identifier="9434765870")) == []  # valid, unknown


@pytest.mark.parametrize(("query", "message"), [
    (SearchQuery(identifier="9434765918"), "not a valid NHS number: its check digit"),
    (SearchQuery(identifier="Q207000016049"), "not a valid UPN: its check letter should be P"),
    (SearchQuery(identifier="DQ123456C"), "not a valid NI number"),
    (SearchQuery(identifier="12345"), "not an identifier famlink knows"),
    (SearchQuery(name="Smith", dob="31/31/1990"), "cannot read the date of birth"),
    (SearchQuery(dob="2990-01-01"), "in the future"),
    (SearchQuery(postcode="not a postcode"), "not a UK postcode"),
    (SearchQuery(), "give at least one of"),
    (SearchQuery(name="Smith", limit=0), "between 1 and 200"),
])
def test_bad_input_is_a_clear_error(people, query: SearchQuery, message: str) -> None:
    with pytest.raises(FamlinkError, match=message):
        search_persons(people, query)


def test_limit_and_ranking_are_deterministic(people) -> None:
    hits = search_persons(people, SearchQuery(name="Jones", limit=1))
    assert len(hits) == 1 and hits[0].person_id == "P1"  # two records beat one on a tie
    again = search_persons(people, SearchQuery(name="Jones"))
    assert [h.person_id for h in again][:2] == ["P1", "P2"]
    assert again[1].score > again[2].score  # JON: a forename close to the word, ranked lower


def test_snapshot_and_warehouse_give_the_same_hits() -> None:
    live, snap = duckdb.connect(), duckdb.connect()
    for con in (live, snap):
        build_people(con)
    prepare_serving(snap)
    for query in (SearchQuery(name="Jon Smith"), SearchQuery(name="Robert", dob="1950-01-01"),
                  SearchQuery(postcode="NB3 1XY"), SearchQuery(name="Smith", postcode="NB2")):
        assert search_persons(snap, query) == search_persons(live, query)
