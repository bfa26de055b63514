"""The single view of a family, on the hand-made Smiths, who separate in 2021."""

from __future__ import annotations

import pytest

from famlink.errors import FamlinkError
from famlink.views.family import family_view


def test_members_with_roles_and_periods(smiths):
    view = family_view(smiths, "F1")
    assert [(m.person_id, m.role, m.end_date is None) for m in view.members] == [
        ("P2", "parent", False), ("P1", "parent", True), ("P3", "child", True)]
    assert view.is_current


def test_the_family_spans_two_households_after_the_separation(smiths):
    view = family_view(smiths, "F1")
    assert [(h.household_id, [m.person_id for m in h.members]) for h in view.households] == [
        ("H1", ["P1", "P2", "P3"]), ("H5", ["P1", "P3"]), ("H9", ["P2"])]
    assert [h.household_id for h in view.households if h.end_date is None] == ["H5", "H9"]
    # The neighbour's household is not the family's.
    assert "H3" not in {h.household_id for h in view.households}


def test_relationships_among_members_once_each(smiths):
    view = family_view(smiths, "F1")
    assert [(r.person_id, r.relation, r.other_person_id) for r in view.relationships] == [
        ("P1", "parent of", "P3"), ("P2", "parent of", "P3"), ("P1", "partner of", "P2")]


def test_the_family_chronology_merges_the_members_events(smiths):
    view = family_view(smiths, "F1")
    assert [(e.member_name, e.summary) for e in view.chronology] == [
        ("JANE SMITH", "A&E attendance (injury)"),
        ("JANE SMITH", "Police incident (domestic abuse): VICTIM"),
        ("JOHN SMITH", "Police incident (domestic abuse): SUSPECT"),
        ("JANE SMITH", "Council tax account 40000001, band B"),
        ("AMY SMITH", "School census 2021/22 Spring: Low Road Primary")]
    assert "P4" not in {e.person_id for e in view.chronology}


def test_an_unknown_family_and_a_warehouse_without_families(smiths, smiths_before_households):
    with pytest.raises(FamlinkError, match="no family F404 in the warehouse; find a person"):
        family_view(smiths, "F404")
    with pytest.raises(FamlinkError, match=r"no families .*\(`famlink run households`\)"):
        family_view(smiths_before_households, "F1")
