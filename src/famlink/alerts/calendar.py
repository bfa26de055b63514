"""The school calendar: which days are school days, and when the next school day starts.

Operation Encompass notifications are due "before the start of the next school day". A
school day is a weekday outside the calendar's holidays and closures (INSET days, bank
holidays); the day starts at ``day_starts`` (08:30 by default).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Holiday:
    first: dt.date
    last: dt.date
    name: str


@dataclass(frozen=True)
class SchoolCalendar:
    day_starts: dt.time
    holidays: tuple[Holiday, ...] = ()
    closures: tuple[dt.date, ...] = ()

    def is_school_day(self, day: dt.date) -> bool:
        if day.weekday() >= 5 or day in self.closures:
            return False
        return not any(h.first <= day <= h.last for h in self.holidays)

    def next_school_day_start(self, after: dt.datetime) -> dt.datetime:
        """The first school-day start strictly after ``after``."""
        day = after.date()
        for _ in range(400):
            start = dt.datetime.combine(day, self.day_starts)
            if start > after and self.is_school_day(day):
                return start
            day += dt.timedelta(days=1)
        raise ValueError(f"no school day within 400 days of {after:%Y-%m-%d}: check the "
                         "calendar's holidays")

    def why_not(self, day: dt.date) -> str | None:
        """Why ``day`` is not a school day (for the alert's explanation), or None."""
        if day.weekday() >= 5:
            return "weekend"
        if day in self.closures:
            return "school closure"
        return next((h.name for h in self.holidays if h.first <= day <= h.last), None)
