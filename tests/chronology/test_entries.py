"""Reading a person's or a family's chronology as typed rows."""

from __future__ import annotations

import datetime as dt

import pytest

from famlink.chronology.entries import (
    ChronologyEntry,
    FamilyChronologyEntry,
    family_chronology,
    person_chronology,
)
from famlink.errors import FamlinkError

D = dt.date
EVENTS = [
    {"person_id": "MUM", "source_record_id": "m1", "event_date": D(2019, 5, 1),
     "event_type": "tenancy", "event_ref": "T1", "role": "Lead Tenant"},
    {"person_id": "MUM", "source_record_id": "m2", "event_date": D(2023, 4, 17),
     "event_time": "20:13", "event_type": "police_incident", "event_subtype": "domestic_abuse",
     "role": "VICTIM"},
    {"person_id": "DAD", "source_record_id": "d1", "event_date": D(2023, 4, 17),
     "event_time": "20:13", "event_type": "police_incident", "event_subtype": "domestic_abuse",
     "role": "SUSPECT"},
    {"person_id": "DAD", "source_record_id": "d2", "event_date": D(2024, 2, 1),
     "event_type": "benefit_claim", "role": "claimant"},
    {"person_id": "KID", "source_record_id": "k1", "event_date": D(2022, 9, 1),
     "event_end_date": D(2023, 12, 20), "event_type": "attendance", "period": "2022/23",
     "sessions_possible": 300, "sessions_authorised": 0, "sessions_unauthorised": 30},
    {"person_id": "KID", "source_record_id": "k2", "event_type": "social_care_referral"},
    {"person_id": "NEIGHBOUR", "source_record_id": "n1", "event_date": D(2023, 4, 17),
     "event_type": "police_incident", "role": "WITNESS"},
]


@pytest.fixture
def family(con, build):
    build(EVENTS)
    con.execute("CREATE TABLE persons AS SELECT * FROM (VALUES ('MUM', 'JANE', 'SMITH'), "
                "('DAD', 'JOHN', 'SMITH'), ('KID', 'AMY', 'SMITH'), ('NEIGHBOUR', 'BOB', 'JONES')"
                ") t(person_id, first_name, surname)")
    con.execute("CREATE TABLE family_members (family_id VARCHAR, person_id VARCHAR, "
                "role VARCHAR, start_date DATE, end_date DATE)")
    con.execute("INSERT INTO family_members VALUES ('F1', 'MUM', 'parent', '2015-01-01', NULL), "
                "('F1', 'DAD', 'parent', '2015-01-01', '2023-06-01'), "
                "('F1', 'KID', 'child', '2015-01-01', NULL), "
                "('F2', 'DAD', 'parent', '2023-06-01', NULL)")
    return con


def test_person_chronology_is_typed_and_in_order(family):
    rows = person_chronology(family, "KID")
    assert all(isinstance(r, ChronologyEntry) for r in rows)
    assert [(r.source_record_id, r.is_date_missing) for r in rows] == [("k1", False),
                                                                       ("k2", True)]
    assert rows[0].summary == "Attendance 2022/23: 90.0% (30 unauthorised sessions)"


def test_filters_by_type_and_by_overlapping_dates_keep_undated_events(family):
    assert [r.source_record_id for r in person_chronology(family, "MUM",
                                                          types=["police_incident"])] == ["m2"]
    # The attendance period (2022-09-01 to 2023-12-20) overlaps 2023; the undated referral
    # cannot be placed, so it stays, flagged, unless asked otherwise.
    in_2023 = person_chronology(family, "KID", start=D(2023, 1, 1), end=D(2023, 12, 31))
    assert [r.source_record_id for r in in_2023] == ["k1", "k2"]
    dated_only = person_chronology(family, "KID", start=D(2024, 1, 1), undated=False)
    assert dated_only == []
    assert [r.source_record_id for r in person_chronology(family, "MUM", end=D(2020, 1, 1))] \
        == ["m1"]
    assert len(person_chronology(family, "MUM", limit=1)) == 1


def test_family_chronology_merges_members_and_labels_them(family):
    rows = family_chronology(family, "F1")
    assert all(isinstance(r, FamilyChronologyEntry) for r in rows)
    assert [(r.source_record_id, r.member_name, r.member_role) for r in rows] == [
        ("m1", "JANE SMITH", "parent"), ("k1", "AMY SMITH", "child"),
        ("d1", "JOHN SMITH", "parent"), ("m2", "JANE SMITH", "parent"),
        ("d2", "JOHN SMITH", "parent"), ("k2", "AMY SMITH", "child")]
    assert "n1" not in {r.source_record_id for r in rows}  # the neighbour is not a member


def test_family_chronology_within_membership_drops_events_outside_it(family):
    rows = family_chronology(family, "F1", within_membership=True)
    # Dad's benefit claim (2024) came after he left F1; the undated referral cannot be placed.
    assert [r.source_record_id for r in rows] == ["m1", "k1", "d1", "m2"]
    assert all(r.is_within_membership for r in rows)
    assert [r.source_record_id for r in family_chronology(family, "F2")] == ["d1", "d2"]
    assert [r.is_within_membership for r in family_chronology(family, "F2")] == [False, True]


def test_a_missing_chronology_or_family_table_is_a_clear_error(con, build):
    with pytest.raises(FamlinkError, match="run `famlink run chronology`"):
        person_chronology(con, "P1")
    build([{"person_id": "P1", "event_type": "tenancy"}])
    with pytest.raises(FamlinkError, match="households stage"):
        family_chronology(con, "F1")
