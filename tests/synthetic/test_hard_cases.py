"""The cases that break naive matching are in the town on purpose."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from famlink.project import Feed
from famlink.synthetic.town import TownSummary
from tests.synthetic.helpers import feed_rows, record_id, truth_records, truth_table


def test_twins_share_surname_dob_and_appear_in_the_same_census(
        town: tuple[Path, TownSummary], project_feeds: dict[str, Feed]) -> None:
    out = town[0]
    persons = {p["person_id"]: p for p in truth_table(out, "persons")}
    twins = [(p, persons[p["twin_of"]]) for p in persons.values() if p["twin_of"]]
    assert len(twins) >= 4
    for a, b in twins:
        assert a["dob"] == b["dob"] and a["birth_surname"] == b["birth_surname"]
        assert a["person_id"] != b["person_id"]
        assert a["first_name"] != b["first_name"]  # parents do not give twins one name
    feed = project_feeds["school_census"]
    who = {r["source_record_id"]: r["person_id"] for r in truth_records(out)
           if r["feed"] == "school_census"}
    returns: dict[str, set[str]] = {}
    for row in feed_rows(out, feed):
        returns.setdefault(row["CensusTerm"], set()).add(who[record_id(feed, row)])
    together = [(a, b) for a, b in twins
                if any(a["person_id"] in ids and b["person_id"] in ids for ids in returns.values())]
    assert together


def test_fathers_and_sons_with_the_same_name_live_together(town: tuple[Path, TownSummary]) -> None:
    out = town[0]
    persons = {p["person_id"]: p for p in truth_table(out, "persons")}
    homes: dict[str, set[str]] = {}
    for row in truth_table(out, "households"):
        homes.setdefault(row["person_id"], set()).add(row["uprn"])
    pairs = [(p, persons[p["same_name_father_of"]]) for p in persons.values()
             if p["same_name_father_of"]]
    assert pairs
    for father, son in pairs:
        assert (father["first_name"], father["middle_names"]) == \
            (son["first_name"], son["middle_names"])
        assert father["name_suffix"] == "SR" and son["name_suffix"] == "JR"
    assert any(homes[f["person_id"]] & homes[s["person_id"]] for f, s in pairs)


def test_names_are_skewed_and_some_are_not_ascii(town: tuple[Path, TownSummary]) -> None:
    persons = truth_table(town[0], "persons")
    surnames = Counter(p["surname"] for p in persons)
    top = surnames.most_common(1)[0][1]
    assert top > 10 * (len(persons) / len(surnames)) / 3
    assert any(not p["first_name"].isascii() or not p["surname"].isascii() for p in persons)
    changed = [p for p in persons if ";" in p["surname_history"]]
    assert changed and any("-" in p["surname"] for p in changed)


def test_separated_parents_leave_children_in_two_households(
        town: tuple[Path, TownSummary]) -> None:
    rows = truth_table(town[0], "families")
    ended_parents = [r for r in rows if r["role"] == "parent" and r["to_date"]]
    assert ended_parents
    needs = Counter(r["need"] for r in truth_table(town[0], "family_needs"))
    assert set(needs) >= {"domestic_abuse", "school_attendance", "worklessness", "housing",
                          "health", "crime_asb", "social_care"}
