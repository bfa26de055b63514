"""The town's calendar: a fixed simulation window, school terms and date formatting.

Dates are held as proleptic ordinals (``date.toordinal()``) so they compare and add as ints.
The window ends on a fixed reference date, never today, so output depends on the seed only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

START = date(2019, 9, 1).toordinal()
END = date(2026, 7, 31).toordinal()  # the reference date, inclusive
OPEN = END + 1  # exclusive end of anything still true on the reference date
YEAR_DAYS = 365


def day(y: int, m: int, d: int) -> int:
    return date(y, m, d).toordinal()


def iso(o: int) -> str:
    return date.fromordinal(o).isoformat()


def dmy(o: int, sep: str = "/") -> str:
    x = date.fromordinal(o)
    return f"{x.day:02d}{sep}{x.month:02d}{sep}{x.year}"


def to_date(o: int) -> date:
    return date.fromordinal(o)


def inclusive_end(o: int) -> str:
    """Truth files: an exclusive end ordinal as an inclusive ISO date, blank if still open."""
    return "" if o >= OPEN else iso(o - 1)


def age_at(dob: int, o: int) -> int:
    b, x = date.fromordinal(dob), date.fromordinal(o)
    return x.year - b.year - ((x.month, x.day) < (b.month, b.day))


def academic_year(o: int) -> int:
    """The calendar year in which the academic year containing ``o`` started (1 Sep)."""
    x = date.fromordinal(o)
    return x.year if x.month >= 9 else x.year - 1


def age_on_31_august(dob: int, academic: int) -> int:
    return age_at(dob, day(academic, 8, 31))


@dataclass(frozen=True)
class Term:
    academic: int  # 2024 for 2024/25
    season: str  # Autumn, Spring, Summer
    start: int
    end: int  # inclusive
    census: int
    sessions: int

    @property
    def label(self) -> str:
        return f"{self.academic}/{(self.academic + 1) % 100:02d} {self.season}"

    @property
    def slug(self) -> str:
        return f"{self.academic}-{(self.academic + 1) % 100:02d}_{self.season.lower()}"


def _third_thursday(y: int, m: int) -> int:
    first = date(y, m, 1)
    offset = (3 - first.weekday()) % 7
    return first.toordinal() + offset + 14


def _first_thursday(y: int, m: int) -> int:
    return _third_thursday(y, m) - 14


def terms_of(academic: int) -> list[Term]:
    a, b = academic, academic + 1
    return [
        Term(a, "Autumn", day(a, 9, 3), day(a, 12, 19), _first_thursday(a, 10), 140),
        Term(a, "Spring", day(b, 1, 6), day(b, 3, 31), _third_thursday(b, 1), 118),
        Term(a, "Summer", day(b, 4, 15), day(b, 7, 21), _third_thursday(b, 5), 128),
    ]


def terms_between(first_academic: int, last_academic: int) -> list[Term]:
    return [t for a in range(first_academic, last_academic + 1) for t in terms_of(a)]

# what each feed covers
CENSUS_SPRING_YEARS = range(2020, 2027)  # the January census each year
ATTENDANCE_YEARS = range(2023, 2026)  # termly attendance for 2023/24 .. 2025/26
ATTENDANCE_START = day(2023, 9, 1)
ED_START = day(2023, 4, 1)  # emergency department extract starts here
