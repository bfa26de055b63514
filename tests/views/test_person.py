"""The single view of a person, on the hand-made Smiths."""

from __future__ import annotations

import datetime as dt

import pytest

from famlink.errors import FamlinkError
from famlink.views.person import person_view


def test_identity_lists_every_variant_with_its_sources(smiths):
    view = person_view(smiths, "P1")
    assert view.name == "JANE SMITH" and view.n_records == 3
    assert [(v.value, v.n_records, v.feeds) for v in view.names] == [
        ("JANE SMITH", 2, ["council_tax", "health"]), ("JANE ANN SMITH", 1, ["police"])]
    assert view.names[1].as_recorded == ["SMITH, Jane Ann"]
    [dob] = view.dates_of_birth
    assert (dob.value, dob.record_ids, dob.as_recorded) == (
        "1985-03-02", ["health:1", "police:1"], ["02/03/1985", "1985-03-02"])
    assert [(i.kind, i.value, i.feeds) for i in view.identifiers] == [
        ("nhs_number", "9434765919", ["health"]), ("ni_number", "QQ123456C", ["council_tax"])]
    assert [s.value for s in view.sexes] == ["F"]


def test_addresses_households_relationships_and_families(smiths):
    view = person_view(smiths, "P1")
    assert view.addresses_from == "address_history"
    assert [(a.address, a.first_seen_date) for a in view.addresses] == [
        ("1 HIGH STREET", dt.date(2015, 1, 1)), ("5 LOW ROAD", dt.date(2021, 6, 1))]
    assert view.current_address is not None
    assert view.current_address.reason == "still open on council_tax"
    assert [(h.household_id, [m.person_id for m in h.members]) for h in view.households] == [
        ("H1", ["P1", "P2", "P3"]), ("H5", ["P1", "P3"])]
    assert [(r.relation, r.other_name, r.source) for r in view.relationships] == [
        ("parent of", "AMY SMITH", "stated"), ("partner of", "JOHN SMITH", "inferred")]
    child = person_view(smiths, "P3")
    assert {(r.relation, r.other_person_id) for r in child.relationships} == {
        ("child of", "P1"), ("child of", "P2")}
    assert [(f.family_id, f.role) for f in view.families] == [("F1", "parent")]
    assert view.hints == []


def test_chronology_in_the_view_and_filtered(smiths):
    view = person_view(smiths, "P1")
    assert [e.summary for e in view.chronology] == [
        "A&E attendance (injury)", "Police incident (domestic abuse): VICTIM",
        "Council tax account 40000001, band B"]
    only = person_view(smiths, "P1", types=["police_incident"], start=dt.date(2021, 1, 1))
    assert [e.event_type for e in only.chronology] == ["police_incident"]


def test_before_the_households_stage_addresses_come_from_records_with_a_hint(
        smiths_before_households):
    view = person_view(smiths_before_households, "P1")
    assert view.addresses_from == "records"
    assert [(a.address, a.n_records) for a in view.addresses] == [
        ("1 HIGH STREET", 2), ("5 LOW ROAD", 1)]
    assert view.households == [] and view.relationships == [] and view.families == []
    assert view.current_address is None
    assert len(view.hints) == 1 and "run `famlink run households`" in view.hints[0]


def test_an_unknown_person_is_a_clear_error(smiths):
    with pytest.raises(FamlinkError, match=r"no person P999 in the warehouse; search with "
                                           r"`famlink find"):
        person_view(smiths, "P999")


def test_a_merged_person_id_points_to_where_its_records_went(smiths):
    with pytest.raises(FamlinkError, match=r"no person POLD .* now in P1; see `famlink person P1`"):
        person_view(smiths, "POLD")
