"""Households and families: couples with children, twins, separations, new partners, a child
in two homes, grandparents, grown-up children, people living alone, and stable IDs."""

from __future__ import annotations

import datetime as dt

from tests.households.conftest import Street


def _family_with_twins(street: Street) -> None:
    street.person("MUM", "1985-02-02", "JONES")
    street.person("DAD", "1983-07-07", "JONES")
    street.person("TWIN1", "2015-06-01", "JONES")
    street.person("TWIN2", "2015-06-01", "JONES")
    for pid in ("MUM", "DAD"):
        street.row(pid, "council_tax", "2019-09-01", "100")
    for pid in ("TWIN1", "TWIN2"):
        street.row(pid, "census", "2026-01-15", "100")
    street.row("MUM", "claims", "2024-01-01", "100", role="claimant", ref="C1")
    street.row("TWIN1", "claims", "2024-01-01", "100", role="dependant", ref="C1")
    street.row("TWIN2", "claims", "2024-01-01", "100", role="dependant", ref="C1")


def test_a_couple_and_their_twins_are_one_household_and_one_family(street: Street) -> None:
    _family_with_twins(street)
    street.run()
    assert street.household_of("TWIN1") == {"MUM", "DAD", "TWIN1", "TWIN2"}
    assert street.family_of("TWIN1") == {"MUM": "parent", "DAD": "parent", "TWIN1": "child",
                                         "TWIN2": "child"}
    rels = {(a, b, r, s) for a, b, r, s in street.query(
        "SELECT person_id_a, person_id_b, relationship, source FROM person_relationships")}
    assert ("MUM", "TWIN1", "parent", "stated") in rels
    assert ("DAD", "TWIN1", "parent", "inferred") in rels
    assert ("TWIN1", "TWIN2", "sibling", "inferred") in rels
    assert ("DAD", "MUM", "partner", "inferred") in rels
    evidence = street.query("SELECT evidence FROM person_relationships WHERE person_id_a = "
                            "'MUM' AND person_id_b = 'TWIN2'")[0][0]
    assert evidence == "claims event_ref C1: claimant and dependant"


def test_an_adult_living_alone_has_a_household_but_no_family(street: Street) -> None:
    street.person("ALONE", "1950-01-01")
    street.row("ALONE", "council_tax", "2010-01-01", "500")
    street.run()
    assert street.household_of("ALONE") == {"ALONE"}
    assert street.family_of("ALONE") == {}


def test_separation_and_a_new_partner_over_time(street: Street) -> None:
    _family_with_twins(street)
    street.rows = [r for r in street.rows if r["pid"] != "DAD"]
    street.row("DAD", "council_tax", "2019-09-01", "100", end="2024-03-31")
    street.row("DAD", "council_tax", "2024-04-01", "300")
    street.row("DAD", "social", "2024-05-01", None, person_ref="S-DAD", related="S-T1",
               relationship="Father")
    street.row("TWIN1", "social", "2024-05-01", None, person_ref="S-T1")
    street.person("NEW", "1984-04-04", "BROWN")
    street.row("NEW", "council_tax", "2025-06-01", "100")
    street.run()
    assert street.household_of("TWIN1") == {"MUM", "TWIN1", "TWIN2", "NEW"}
    assert street.household_of("TWIN1", dt.date(2024, 1, 1)) == {"MUM", "DAD", "TWIN1", "TWIN2"}
    assert street.household_of("DAD") == {"DAD"}
    family = street.family_of("TWIN1")
    assert family["DAD"] == "parent_elsewhere"
    assert {p for p, r in family.items() if r != "parent_elsewhere"} == {
        "MUM", "TWIN1", "TWIN2", "NEW"}
    homes = street.query("SELECT len(household_ids) FROM families")
    assert homes == [(2,)]  # the family spans the father's new home too


def test_a_parent_elsewhere_of_two_children_counts_from_the_first_statement(
        street: Street) -> None:
    _family_with_twins(street)
    street.rows = [r for r in street.rows if r["pid"] != "DAD"]
    street.row("DAD", "council_tax", "2019-09-01", "100", end="2022-03-31")
    street.row("DAD", "council_tax", "2022-04-01", "300")
    for twin, ref, date in (("TWIN1", "S-T1", "2024-05-01"), ("TWIN2", "S-T2", "2023-02-01")):
        street.row("DAD", "social", date, None, person_ref="S-DAD", related=ref,
                   relationship="Father")
        street.row(twin, "social", date, None, person_ref=ref)
    street.run()
    assert street.query("SELECT start_date FROM family_members WHERE person_id = 'DAD'") == \
        [(dt.date(2023, 2, 1),)]


def test_a_child_recorded_at_both_parents_homes_lives_in_one(street: Street) -> None:
    street.person("MUM", "1985-02-02")
    street.person("DAD", "1983-07-07")
    street.person("KID", "2014-06-01")
    street.row("MUM", "council_tax", "2020-01-01", "100")
    street.row("DAD", "council_tax", "2022-01-01", "300")
    street.row("KID", "census", "2026-01-15", "100")
    street.row("KID", "ed", "2025-11-01", "300")  # an A&E visit from the father's home
    street.run()
    assert street.current("KID")[0] == "100"
    seen = {u for (u,) in street.query("SELECT uprn FROM address_history WHERE person_id='KID'")}
    assert seen == {"100", "300"}
    assert set(street.family_of("KID")) == {"MUM", "KID"}


def test_grandparents_and_grown_up_children_are_not_taken_for_parents(street: Street) -> None:
    street.person("GRAN", "1955-01-01")
    street.person("MUM", "1986-01-01")
    street.person("BIG", "2003-01-01")  # 23: a grown-up son, still at home
    street.person("KID", "2016-01-01")
    for pid in ("GRAN", "MUM"):
        street.row(pid, "council_tax", "2020-01-01", "100")
    street.row("BIG", "ed", "2026-01-01", "100")
    street.row("KID", "census", "2026-01-15", "100")
    street.run()
    parents_of_kid = {a for (a,) in street.query(
        "SELECT person_id_a FROM person_relationships WHERE person_id_b = 'KID' "
        "AND relationship = 'parent'")}
    assert parents_of_kid == {"MUM"}
    family = street.family_of("KID")
    assert family.get("GRAN") is None
    assert family["BIG"] == "child" and family["MUM"] == "parent"


def test_ids_are_identical_on_a_rerun_and_survive_a_new_baby(street: Street) -> None:
    _family_with_twins(street)
    street.run()
    first_families = street.query("SELECT family_id, person_id FROM family_members ORDER BY 2")
    first_households = street.query("SELECT DISTINCT household_id FROM household_members")
    result = street.run()
    assert street.query("SELECT family_id, person_id FROM family_members ORDER BY 2") == \
        first_families
    assert result.counts["family ids created"] == 0
    street.person("BABY", "2026-03-01", "JONES")
    street.row("BABY", "ed", "2026-04-01", "100")
    street.run()
    ids = {f for f, _ in street.query("SELECT family_id, person_id FROM family_members")}
    assert ids == {first_families[0][0]}
    assert street.query("SELECT DISTINCT household_id FROM household_members") == \
        first_households
    history = street.query("SELECT event, id FROM family_id_history ORDER BY run_at, event")
    assert history == [("created", first_families[0][0])]


def test_a_split_family_is_logged(street: Street) -> None:
    _family_with_twins(street)
    street.run()
    (old,) = {f for (f,) in street.query("SELECT family_id FROM family_members")}
    street.rows = [r for r in street.rows if r["pid"] not in ("DAD", "TWIN2")]
    street.row("DAD", "council_tax", "2019-09-01", "100", end="2025-12-31")
    street.row("DAD", "council_tax", "2026-01-01", "300")
    street.row("TWIN2", "census", "2026-01-15", "300")
    street.run()
    assert street.family_of("TWIN1") == {"MUM": "parent", "TWIN1": "child"}
    assert set(street.family_of("TWIN2")) == {"DAD", "TWIN2"}
    ids = {p: f for p, f in street.query("SELECT person_id, family_id FROM family_members")}
    assert ids["TWIN1"] != ids["TWIN2"]
    assert old in (ids["TWIN1"], ids["TWIN2"])  # one part keeps the ID, the other is new
    events = {e for (e,) in street.query("SELECT event FROM family_id_history")}
    assert {"created", "split"} <= events


def test_a_lone_parents_partner_of_the_same_generation_is_a_carer(street: Street) -> None:
    street.person("MUM", "1988-01-01", "VU")
    street.person("KID", "2012-01-01", "LE")
    street.person("NEW", "2000-06-12", "JONES")  # 26: too young to be the child's parent
    street.person("LODGER", "1999-01-01", "GREEN")
    for pid in ("MUM", "NEW"):
        street.row(pid, "council_tax", "2020-01-01", "100")
    street.row("KID", "census", "2026-01-15", "100")
    street.run()
    assert street.family_of("KID") == {"MUM": "parent", "KID": "child", "NEW": "carer"}
    partner = street.query("SELECT source, evidence FROM person_relationships WHERE "
                           "person_id_a = 'MUM' AND person_id_b = 'NEW'")
    assert partner == [("inferred", "lives with the parent and the children, of the parent's "
                                    "generation")]
    street.row("LODGER", "council_tax", "2020-01-01", "100")  # two candidates: neither
    street.run()
    assert street.family_of("KID") == {"MUM": "parent", "KID": "child"}


def test_an_adult_of_unknown_age_is_a_grown_up_childs_parent_only_by_surname(
        street: Street) -> None:
    street.person("MUM", None, "TAYLOR")  # on council tax only: an adult, age unknown
    street.person("SON", "2007-01-24", "TAYLOR")  # 19
    street.person("FLATMATE", None, "BROWN")
    street.person("LODGER", "2006-01-01", "GREEN")
    for pid in ("MUM", "SON"):
        street.row(pid, "council_tax" if pid == "MUM" else "ed", "2026-01-01", "100")
    street.row("FLATMATE", "council_tax", "2025-01-01", "200")
    street.row("LODGER", "ed", "2026-01-01", "200")
    street.run()
    assert street.family_of("SON") == {"MUM": "parent", "SON": "child"}
    assert street.family_of("LODGER") == {}


def test_a_child_living_only_with_adults_older_than_a_parents_generation_is_in_their_family(
        street: Street) -> None:
    street.person("DAD", "1966-01-01", "LAWSON")  # 60: more than 50 years older than KID
    street.person("SIS", "2012-01-01", "LAWSON")
    street.person("KID", "2017-01-01", "LAWSON")
    street.person("NAN", "1950-01-01", "GREEN")  # 75, living with a child and its mother
    street.person("MUM", "1990-01-01", "GREEN")
    street.person("BOY", "2015-01-01", "GREEN")
    street.row("DAD", "council_tax", "2019-09-01", "100")
    street.row("NAN", "council_tax", "2019-09-01", "200")
    street.row("MUM", "council_tax", "2019-09-01", "200")
    for pid, uprn in (("SIS", "100"), ("KID", "100"), ("BOY", "200")):
        street.row(pid, "census", "2026-01-15", uprn)
    street.run()
    assert street.family_of("KID") == {"DAD": "parent", "SIS": "child", "KID": "child"}
    evidence = street.query("SELECT confidence, evidence FROM person_relationships WHERE "
                            "person_id_a = 'DAD' AND person_id_b = 'KID'")
    assert evidence == [(0.5, "lives with the child, 51 years older, same surname, no adult "
                              "of a parent's generation there")]
    assert street.family_of("BOY") == {"MUM": "parent", "BOY": "child"}  # not the grandmother


def test_in_a_house_share_only_the_adults_with_the_childs_surname_are_its_parents(
        street: Street) -> None:
    street.person("MUM", "1987-06-20", "VU")
    street.person("BABY", "2022-03-20", "VU")
    street.person("SHARER1", "1992-07-24", "GREEN")
    street.person("SHARER2", "1998-05-19", "BROWN")
    for pid in ("MUM", "SHARER1", "SHARER2"):
        street.row(pid, "council_tax", "2021-01-01", "100")
    street.row("BABY", "ed", "2026-03-01", "100")
    street.run()
    assert street.household_of("BABY") == {"MUM", "BABY", "SHARER1", "SHARER2"}
    assert street.family_of("BABY") == {"MUM": "parent", "BABY": "child"}
