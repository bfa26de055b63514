"""Rule windows: the first day a rule looks at, counted back from a reference date.

Windows include both ends: "the last 12 months" on 31 July 2026 runs from 1 August 2025 to
31 July 2026; "the last 3 terms" runs from the start of the term two before the one the
reference date falls in (the school calendar's term starts are in the rulebook).
"""

from __future__ import annotations

import datetime as dt

from famlink.rules.schema import Calendar, Window


def months_back(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier, clamped to the end of a shorter month."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(f"no date {months} months before {day}")  # unreachable


def term_starts(calendar: Calendar, around: dt.date) -> list[dt.date]:
    return sorted(dt.date.fromisoformat(f"{year}-{mmdd}")
                  for year in range(around.year - 6, around.year + 1)
                  for mmdd in calendar.term_starts)


def window_start(window: Window, as_of: dt.date, calendar: Calendar) -> dt.date:
    if window.months is not None:
        return months_back(as_of, window.months) + dt.timedelta(days=1)
    if window.days is not None:
        return as_of - dt.timedelta(days=window.days - 1)
    assert window.terms is not None
    started = [d for d in term_starts(calendar, as_of) if d <= as_of]
    return started[-window.terms]
