"""Field restrictions on single views: full, summary (that it happened, when, whom to
contact) and hidden (gone, feed name included)."""

from __future__ import annotations

import datetime as dt

from famlink.access.fields import FieldPolicy
from famlink.access.roles import DEFAULT_ACCESS, load_access
from famlink.chronology.entries import ChronologyEntry
from famlink.views.person import Relationship, Variant

ACCESS = load_access(DEFAULT_ACCESS)
SCHOOL = FieldPolicy(ACCESS.roles["school_dsl"], ACCESS)


def _entry(feed: str, summary: str) -> ChronologyEntry:
    return ChronologyEntry("P1", 1, f"{feed}:E1", f"{feed}:R1", feed, "NB-2024-0000001/01",
                           "batch-1", dt.date(2024, 3, 1), "23:10", None, "police_incident",
                           "domestic_abuse", "VICTIM", summary, False)


def test_a_summary_keeps_the_date_and_contact_and_drops_the_details():
    shown = SCHOOL.entry(_entry("police_incidents", "Police incident (domestic abuse): VICTIM"))
    assert shown is not None
    assert shown.event_date == dt.date(2024, 3, 1) and shown.feed == "police_incidents"
    assert "01632 960100" in shown.summary and "domestic" not in shown.summary
    assert (shown.event_subtype, shown.role, shown.event_time, shown.source_record_id,
            shown.record_id) == (None, None, None, None, "")


def test_full_feeds_are_untouched_and_hidden_feeds_vanish():
    attendance = _entry("school_attendance", "Attendance 2023/24 Autumn")
    assert SCHOOL.entry(attendance) == attendance
    assert SCHOOL.entry(_entry("health_ed", "ED attendance: overdose")) is None
    assert SCHOOL.entries([attendance, _entry("health_ed", "x")]) == [attendance]


def test_variants_lose_hidden_feeds_and_their_record_ids():
    name = Variant("name", "AMY POND", 3, ["health_ed", "police_incidents", "school_census"],
                   ["health_ed:1", "police_incidents:2", "school_census:3"], ["POND, Amy"])
    shown = SCHOOL.variant(name)
    assert shown is not None
    assert shown.feeds == ["police_incidents", "school_census"]
    assert shown.record_ids == ["school_census:3"] and shown.n_records == 2
    assert shown.as_recorded == []  # could reveal how a hidden feed writes the name
    only_health = Variant("name", "A POND", 1, ["health_ed"], ["health_ed:1"])
    assert SCHOOL.variant(only_health) is None


def test_a_relationship_stated_by_a_feed_not_seen_in_full_does_not_name_the_record():
    stated = Relationship("P1", "AMY", "P2", "RORY", "partner of", "stated", 0.9,
                          "police_incidents event_ref NB-2024-0000001: victim and suspect",
                          None, None)
    assert "NB-2024" not in (SCHOOL.relationship(stated).evidence or "")
    police = FieldPolicy(ACCESS.roles["police"], ACCESS)
    assert police.relationship(stated) == stated


def test_the_current_addresss_reason_does_not_name_a_hidden_feed():
    from famlink.views.person import CurrentAddress

    told = CurrentAddress("1 HIGH ST", "NB1 1AA", None,
                          "seen on health_ed since 2024-01-01; 2 record(s) here")
    assert SCHOOL.current(told).reason is None
    plain = CurrentAddress("1 HIGH ST", "NB1 1AA", None, "seen on school_census since 2024")
    assert SCHOOL.current(plain) == plain
