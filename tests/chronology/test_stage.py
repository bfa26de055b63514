"""The chronology table: one row per event of a linked person, in a stable order."""

from __future__ import annotations

import datetime as dt

import pytest

from famlink.errors import FamlinkError

from .conftest import quiet

D = dt.date


def _order(con, person_id="P1"):
    return [r[0] for r in con.execute("SELECT source_record_id FROM chronology "
                                      "WHERE person_id = ? ORDER BY seq", [person_id]).fetchall()]


def test_same_day_events_order_by_time_then_feed_then_source_record(con, build):
    build([
        {"person_id": "P1", "feed": "police", "source_record_id": "late",
         "event_date": D(2024, 3, 1), "event_time": "21:15", "event_type": "police_incident"},
        {"person_id": "P1", "feed": "health", "source_record_id": "nine",
         "event_date": D(2024, 3, 1), "event_time": "9:05", "event_type": "emergency_attendance"},
        {"person_id": "P1", "feed": "police", "source_record_id": "ten",
         "event_date": D(2024, 3, 1), "event_time": "10:00", "event_type": "police_incident"},
        {"person_id": "P1", "feed": "school", "source_record_id": "b-untimed",
         "event_date": D(2024, 3, 1), "event_type": "attendance"},
        {"person_id": "P1", "feed": "housing", "source_record_id": "z-untimed",
         "event_date": D(2024, 3, 1), "event_type": "tenancy"},
        {"person_id": "P1", "feed": "school", "source_record_id": "a-untimed",
         "event_date": D(2024, 3, 1), "event_type": "attendance"},
        {"person_id": "P1", "feed": "school", "source_record_id": "day-before",
         "event_date": D(2024, 2, 29), "event_time": "23:59", "event_type": "attendance"},
    ])
    # Untimed events open their day, ordered by feed then source record id; "9:05" is a
    # time, so it sorts before "10:00" although it would not as text.
    assert _order(con) == ["day-before", "z-untimed", "a-untimed", "b-untimed", "nine", "ten",
                           "late"]
    seqs = [r[0] for r in con.execute("SELECT seq FROM chronology ORDER BY seq").fetchall()]
    assert seqs == list(range(1, 8))


def test_events_without_a_date_are_kept_last_and_flagged(con, build):
    counts = build([
        {"person_id": "P1", "source_record_id": "undated-b", "event_type": "police_incident"},
        {"person_id": "P1", "source_record_id": "dated", "event_date": D(2030, 1, 1),
         "event_type": "police_incident"},
        {"person_id": "P1", "source_record_id": "undated-a", "event_type": "tenancy",
         "event_time": "08:00"},
    ])
    # Undated events follow the same rules among themselves: untimed first.
    assert _order(con) == ["dated", "undated-b", "undated-a"]
    flags = con.execute("SELECT source_record_id, is_date_missing FROM chronology "
                        "ORDER BY seq").fetchall()
    assert flags == [("dated", False), ("undated-b", True), ("undated-a", True)]
    assert counts["events without a date"] == 2 and counts["chronology rows"] == 3


def test_order_is_per_person_and_the_same_on_every_run(con, build):
    rows = [{"person_id": f"P{i % 3}", "source_record_id": f"S{i:02d}",
             "event_date": D(2024, 1, 1 + i % 2), "event_type": "attendance"} for i in range(12)]
    counts = build(rows)
    first = con.execute("SELECT person_id, seq, event_id FROM chronology ORDER BY ALL").fetchall()
    from famlink.chronology.stage import run_chronology

    run_chronology(None, con, quiet)  # type: ignore[arg-type]
    again = con.execute("SELECT person_id, seq, event_id FROM chronology ORDER BY ALL").fetchall()
    assert first == again
    assert counts["persons with events"] == 3
    assert [s for p, s, _ in first if p == "P0"] == [1, 2, 3, 4]


def test_events_of_records_not_linked_to_a_person_are_counted(con, build):
    counts = build([{"person_id": "P1", "event_date": D(2024, 1, 1), "event_type": "tenancy"},
                    {"event_date": D(2024, 1, 1), "event_type": "tenancy"}])
    assert counts["events"] == 2 and counts["chronology rows"] == 1
    assert counts["events without a person"] == 1


def test_the_stage_needs_events_and_membership(con):
    from famlink.chronology.stage import run_chronology

    with pytest.raises(FamlinkError, match="run `famlink run standardise link`"):
        run_chronology(None, con, quiet)  # type: ignore[arg-type]
