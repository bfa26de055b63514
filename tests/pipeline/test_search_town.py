"""Person search on the seeded town's snapshot: typos and nicknames find the right person
first, identifiers find their person, and the warehouse gives the same hits."""

from __future__ import annotations

import datetime as dt

import pytest

from famlink.engine import connect
from famlink.project import Project
from famlink.snapshot import open_snapshot
from famlink.standardise.nicknames import forename_variants
from famlink.views.search import SearchQuery, search_persons

SAMPLE = 40


def _typo(word: str) -> str:
    """Two letters in the middle swapped: SMITH -> SMTIH."""
    i = len(word) // 2
    return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]


@pytest.fixture
def snap(published_town: Project):
    con = open_snapshot(published_town)
    yield con
    con.close()


def _people(con, where: str = "true") -> list[tuple]:
    return con.execute(
        "SELECT person_id, first_name, surname, date_of_birth FROM persons WHERE "
        f"length(surname) >= 5 AND first_name IS NOT NULL AND date_of_birth IS NOT NULL AND "
        f"{where} ORDER BY hash(person_id) LIMIT {SAMPLE}").fetchall()


def _rank(hits, person_id: str) -> int | None:
    return next((i for i, h in enumerate(hits) if h.person_id == person_id), None)


def test_a_surname_typo_finds_the_person_first(snap) -> None:
    people = _people(snap)
    ranks = [_rank(search_persons(snap, SearchQuery(name=f"{first} {_typo(surname)}",
                                                    dob=dob.strftime("%d/%m/%Y"))), pid)
             for pid, first, surname, dob in people]
    assert len(people) == SAMPLE
    assert ranks.count(0) >= 0.9 * SAMPLE and all(r is not None and r < 3 for r in ranks), ranks


def test_a_nickname_finds_the_person_first(snap) -> None:
    nickname = {}
    for variant, canon in sorted(forename_variants().items()):
        nickname.setdefault(canon, variant)
    people = _people(snap, f"list_contains({sorted(nickname)!r}, first_name)")
    assert len(people) >= 10
    for pid, first, surname, dob in people:
        hits = search_persons(snap, SearchQuery(name=f"{nickname[first]} {surname}", dob=dob))
        assert hits[0].person_id == pid or (hits[0].name, hits[0].date_of_birth) == (
            f"{first} {surname}", dob), (first, surname, hits[:2])
        assert any("nickname" in r or "forms of" in r for r in hits[_rank(hits, pid)].reasons)


def test_an_identifier_finds_its_person(snap) -> None:
    rows = snap.execute("SELECT person_id, nhs_number FROM persons WHERE nhs_number IS NOT NULL "
                        "ORDER BY hash(person_id) LIMIT 10").fetchall()
    for pid, nhs in rows:
        hits = search_persons(snap, SearchQuery(identifier=f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"))
        assert pid in [h.person_id for h in hits] and hits[0].reasons == ["nhs number exact"]


def test_snapshot_and_warehouse_give_the_same_hits(published_town: Project, snap) -> None:
    live = connect(published_town.warehouse_path, read_only=True)
    try:
        [(first, surname, dob, postcode)] = snap.execute(
            "SELECT first_name, surname, date_of_birth, postcode FROM serve_search WHERE "
            "postcode IS NOT NULL AND date_of_birth IS NOT NULL ORDER BY n_person DESC, "
            "person_id LIMIT 1").fetchall()
        queries = [SearchQuery(name=f"{first} {_typo(surname)}"), SearchQuery(name=surname),
                   SearchQuery(dob=dob + dt.timedelta(days=1)),
                   SearchQuery(name=first, postcode=postcode[:-2])]
        for query in queries:
            assert search_persons(snap, query) == search_persons(live, query), query
    finally:
        live.close()
