"""School days and the next school-day start: weekends, holidays, closures, early hours."""

from __future__ import annotations

import datetime as dt

import pytest

from famlink.alerts.calendar import Holiday, SchoolCalendar

CAL = SchoolCalendar(dt.time(8, 30),
                     (Holiday(dt.date(2026, 2, 16), dt.date(2026, 2, 20), "spring half term"),),
                     (dt.date(2026, 3, 2),))


@pytest.mark.parametrize(("after", "due"), [
    # Friday evening -> Monday morning
    (dt.datetime(2026, 2, 6, 21, 30), dt.datetime(2026, 2, 9, 8, 30)),
    # Tuesday 02:00 -> the same morning; 08:30 exactly -> the next day
    (dt.datetime(2026, 2, 10, 2, 0), dt.datetime(2026, 2, 10, 8, 30)),
    (dt.datetime(2026, 2, 10, 8, 30), dt.datetime(2026, 2, 11, 8, 30)),
    # Friday before half term -> the Monday after it
    (dt.datetime(2026, 2, 13, 18, 0), dt.datetime(2026, 2, 23, 8, 30)),
    # Friday before an INSET Monday -> Tuesday
    (dt.datetime(2026, 2, 27, 23, 0), dt.datetime(2026, 3, 3, 8, 30)),
    # Sunday -> Monday
    (dt.datetime(2026, 3, 8, 12, 0), dt.datetime(2026, 3, 9, 8, 30)),
])
def test_next_school_day_start(after: dt.datetime, due: dt.datetime) -> None:
    assert CAL.next_school_day_start(after) == due


def test_reasons_a_day_is_not_a_school_day() -> None:
    assert CAL.why_not(dt.date(2026, 2, 14)) == "weekend"
    assert CAL.why_not(dt.date(2026, 2, 17)) == "spring half term"
    assert CAL.why_not(dt.date(2026, 3, 2)) == "school closure"
    assert CAL.why_not(dt.date(2026, 3, 3)) is None


def test_a_calendar_without_school_days_is_an_error() -> None:
    never = SchoolCalendar(dt.time(8, 30), (Holiday(dt.date(2026, 1, 1), dt.date(2028, 1, 1),
                                                   "closed"),))
    with pytest.raises(ValueError, match="no school day"):
        never.next_school_day_start(dt.datetime(2026, 6, 1))
