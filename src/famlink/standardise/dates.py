"""Dates of birth as UK council feeds write them, and how far each can be trusted.

``parse_date`` reads ISO dates and datetimes, 04/03/2012 (also with - . or space, one-digit
parts and two-digit years), 4 March 2012, 04-Mar-2012, 4th March 2012, March 4, 2012,
20120304 and, when asked, Excel serial numbers. Numeric day/month order follows ``dayfirst``
strictly: a date that is invalid in the declared order is None, never silently swapped,
so a feed in the wrong order shows up in data-quality reports.

Two-digit years are read as dates of birth: 20yy unless that is after the reference date
(default today), then 19yy.

``dob_quality`` labels:
- "placeholder": system default dates (1900-01-01, 1901-01-01, 1800-01-01, 9999-12-31, ...).
  1970-01-01, the Unix epoch, is NOT a placeholder: real people were born that day. It is
  worth a look in data-quality reports, but it is kept as evidence for matching.
- "future", "implausible" (older than 115 at the reference date), "missing" and "ok".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache

CACHE_SIZE = 200_000
MAX_PLAUSIBLE_AGE = 115
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (ignoring Excel's 1900-02-29 bug)
EXCEL_MAX_SERIAL = 2_958_465  # 9999-12-31

PLACEHOLDER_DATES = frozenset(
    {
        date(1, 1, 1),
        date(1753, 1, 1),  # SQL Server datetime minimum
        date(1800, 1, 1),
        date(1899, 12, 30),  # Excel serial 0
        date(1899, 12, 31),
        date(1900, 1, 1),
        date(1901, 1, 1),
        date(2999, 12, 31),
        date(9999, 1, 1),
        date(9999, 12, 31),
    }
)
DOB_OK, DOB_MISSING, DOB_PLACEHOLDER = "ok", "missing", "placeholder"
DOB_FUTURE, DOB_IMPLAUSIBLE = "future", "implausible"

_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_YEAR_FIRST = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME, re.ASCII)
_NUMERIC = re.compile(r"(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4}|\d{2})" + _TIME, re.ASCII)
_COMPACT = re.compile(r"(\d{8})", re.ASCII)
_SERIAL = re.compile(r"(\d{1,7})(?:\.\d+)?", re.ASCII)
_SEP = r"[\s\-/.,]*"
_DAY_MONTH_YEAR = re.compile(
    rf"(\d{{1,2}})(?:ST|ND|RD|TH)?{_SEP}([A-Z]{{3,9}}){_SEP}(\d{{4}}|\d{{2}})", re.ASCII
)
_MONTH_DAY_YEAR = re.compile(
    rf"([A-Z]{{3,9}}){_SEP}(\d{{1,2}})(?:ST|ND|RD|TH)?{_SEP}(\d{{4}})", re.ASCII
)
_MONTH_NAMES = (
    "JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE",
    "JULY", "AUGUST", "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER",
)  # fmt: skip
MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
MONTHS |= {name[:3]: number for name, number in MONTHS.items()} | {"SEPT": 9}

# (year, month, day, year_has_two_digits)
_Parts = tuple[int, int, int, bool]


def parse_date(
    text: object,
    formats: Sequence[str] | None = None,
    dayfirst: bool = True,
    *,
    allow_excel_serial: bool = False,
    reference_date: date | None = None,
) -> date | None:
    """The date in ``text``, or None when there is none; never raises.

    ``formats`` (strptime patterns) replaces the built-in formats when a feed declares one.
    ``reference_date`` (default today) settles the century of two-digit years.
    """
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    if isinstance(text, int | float) and not isinstance(text, bool):
        return _from_excel_serial(text) if allow_excel_serial else None
    if not isinstance(text, str) or not text:
        return None
    if formats:
        return _parse_with_formats(text.strip(), tuple(formats), reference_date)
    parts = _parse_parts(text, dayfirst, allow_excel_serial)
    if parts is None:
        return None
    return _to_date(parts, reference_date)


def _to_date(parts: _Parts, reference_date: date | None) -> date | None:
    year, month, day, two_digit_year = parts
    try:
        if two_digit_year:
            return _birth_century(year, month, day, reference_date or date.today())
        return date(year, month, day)
    except ValueError:
        return None


def _birth_century(two_digit_year: int, month: int, day: int, reference: date) -> date:
    """The latest of 19yy and 20yy that is not after the reference date."""
    year = 2000 + two_digit_year
    if (year, month, day) > (reference.year, reference.month, reference.day):
        year -= 100
    return date(year, month, day)


@lru_cache(maxsize=CACHE_SIZE)
def _parse_parts(text: str, dayfirst: bool, allow_excel_serial: bool) -> _Parts | None:
    text = text.strip().upper()
    if match := _YEAR_FIRST.fullmatch(text):
        return int(match[1]), int(match[2]), int(match[3]), False
    if match := _NUMERIC.fullmatch(text):
        first, second = int(match[1]), int(match[2])
        day, month = (first, second) if dayfirst else (second, first)
        return _with_year(match[3], month, day)
    if match := _COMPACT.fullmatch(text):
        return _compact_parts(match[1], dayfirst)
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        return _named_month_parts(match[3], match[2], match[1])
    if match := _MONTH_DAY_YEAR.fullmatch(text):
        return _named_month_parts(match[3], match[1], match[2])
    if allow_excel_serial and (match := _SERIAL.fullmatch(text)):
        serial_date = _from_excel_serial(int(match[1]))
        return (
            (serial_date.year, serial_date.month, serial_date.day, False) if serial_date else None
        )
    return None


def _with_year(year_text: str, month: int, day: int) -> _Parts:
    return int(year_text), month, day, len(year_text) == 2


def _named_month_parts(year_text: str, month_name: str, day_text: str) -> _Parts | None:
    month = MONTHS.get(month_name)
    return None if month is None else _with_year(year_text, month, int(day_text))


def _compact_parts(digits: str, dayfirst: bool) -> _Parts | None:
    """YYYYMMDD when that is a real date from 1800 on, else DDMMYYYY (or MMDDYYYY)."""
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:])
    if year >= 1800 and _is_real_date(year, month, day):
        return year, month, day, False
    first, second, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
    day, month = (first, second) if dayfirst else (second, first)
    return year, month, day, False


def _is_real_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _from_excel_serial(serial: float) -> date | None:
    if not 1 <= serial <= EXCEL_MAX_SERIAL:
        return None
    return EXCEL_EPOCH + timedelta(days=int(serial))


def _parse_with_formats(
    text: str, formats: tuple[str, ...], reference_date: date | None
) -> date | None:
    for pattern in formats:
        try:
            parsed = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if "%y" in pattern:
            reference = reference_date or date.today()
            return _to_date((parsed.year % 100, parsed.month, parsed.day, True), reference)
        return parsed
    return None


def dob_quality(dob: date | None, reference_date: date | None = None) -> str:
    """One of "ok", "missing", "placeholder", "future" or "implausible" (age over 115)."""
    if dob is None:
        return DOB_MISSING
    if isinstance(dob, datetime):
        dob = dob.date()
    if dob in PLACEHOLDER_DATES:
        return DOB_PLACEHOLDER
    reference = reference_date or date.today()
    if dob > reference:
        return DOB_FUTURE
    if age_on(dob, reference) > MAX_PLAUSIBLE_AGE:
        return DOB_IMPLAUSIBLE
    return DOB_OK


def age_on(dob: date, reference: date) -> int:
    """Age in whole years on the reference date."""
    before_birthday = (reference.month, reference.day) < (dob.month, dob.day)
    return reference.year - dob.year - before_birthday


def dob_day_month_swapped(a: date | None, b: date | None) -> bool:
    """True when two different dates are the same date with day and month transposed."""
    if a is None or b is None or a == b:
        return False
    return a.year == b.year and a.day == b.month and a.month == b.day
