from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from famlink.standardise.dates import (
    PLACEHOLDER_DATES,
    dob_day_month_swapped,
    dob_quality,
    parse_date,
)

MARCH_4_2012 = date(2012, 3, 4)
REFERENCE = date(2024, 6, 1)


@pytest.mark.parametrize(
    "text",
    [
        "2012-03-04",
        "2012-3-4",
        "2012/03/04",
        "04/03/2012",
        "4/3/2012",
        "04-03-2012",
        "04.03.2012",
        "04 03 2012",
        "04/03/12",
        "4 March 2012",
        "4 march 2012",
        "04-Mar-2012",
        "04-MAR-12",
        "4th March 2012",
        "March 4, 2012",
        "Mar 4th 2012",
        "4 Mar. 2012",
        "20120304",
        "04032012",
        "2012-03-04T00:00:00",
        "2012-03-04T00:00:00.000Z",
        "2012-03-04 00:00:00",
        "2012-03-04 00:00:00+00:00",
        "04/03/2012 00:00",
        "04/03/2012 00:00:00",
        "  04/03/2012  ",
    ],
)
def test_parse_date_reads_uk_feed_formats(text: str) -> None:
    assert parse_date(text, reference_date=REFERENCE) == MARCH_4_2012


def test_parse_date_reads_september_abbreviations() -> None:
    assert parse_date("4 Sept 2012") == date(2012, 9, 4)
    assert parse_date("4 Sep 2012") == date(2012, 9, 4)


def test_day_first_is_the_default_and_month_first_is_a_switch() -> None:
    assert parse_date("03/04/2012") == date(2012, 4, 3)
    assert parse_date("03/04/2012", dayfirst=False) == date(2012, 3, 4)
    assert parse_date("03042012", dayfirst=False) == date(2012, 3, 4)


def test_day_first_does_not_apply_to_year_first_or_named_months() -> None:
    assert parse_date("2012-03-04", dayfirst=False) == MARCH_4_2012
    assert parse_date("4 March 2012", dayfirst=False) == MARCH_4_2012


@pytest.mark.parametrize(
    ("text", "dayfirst"),
    [("12/25/2012", True), ("25/12/2012", False), ("31/02/2012", True), ("00/01/2012", True)],
)
def test_a_date_invalid_in_the_declared_order_is_not_swapped(text: str, dayfirst: bool) -> None:
    assert parse_date(text, dayfirst=dayfirst) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("04/03/12", date(2012, 3, 4)),
        ("04/03/30", date(1930, 3, 4)),
        ("04/03/99", date(1999, 3, 4)),
        ("04/03/00", date(2000, 3, 4)),
        ("01/06/24", date(2024, 6, 1)),  # the reference day itself is not in the future
        ("02/06/24", date(1924, 6, 2)),  # one day later is
        ("4 Mar 85", date(1985, 3, 4)),
    ],
)
def test_two_digit_years_are_births_not_in_the_future(text: str, expected: date) -> None:
    assert parse_date(text, reference_date=REFERENCE) == expected


def test_two_digit_leap_day_falls_back_to_a_leap_century() -> None:
    assert parse_date("29/02/28", reference_date=REFERENCE) == date(1928, 2, 29)
    assert parse_date("29/02/00", reference_date=REFERENCE) == date(2000, 2, 29)


def test_excel_serial_numbers_only_when_allowed() -> None:
    assert parse_date("40972", allow_excel_serial=True) == MARCH_4_2012
    assert parse_date("40972.0", allow_excel_serial=True) == MARCH_4_2012
    assert parse_date(40972, allow_excel_serial=True) == MARCH_4_2012
    assert parse_date(40972.5, allow_excel_serial=True) == MARCH_4_2012
    assert parse_date("40972") is None
    assert parse_date(40972) is None
    assert parse_date("0", allow_excel_serial=True) is None


def test_declared_formats_replace_the_built_in_ones() -> None:
    assert parse_date("04MAR2012", formats=["%d%b%Y"]) == MARCH_4_2012
    assert parse_date("2012-03-04", formats=["%d%b%Y"]) is None
    assert parse_date("x", formats=["%d/%m/%Y", "%Y%m%d"]) is None
    assert parse_date("20120304", formats=["%d/%m/%Y", "%Y%m%d"]) == MARCH_4_2012


def test_declared_two_digit_year_formats_are_births() -> None:
    assert parse_date("04/03/30", formats=["%d/%m/%y"], reference_date=REFERENCE) == date(
        1930, 3, 4
    )
    assert parse_date("04/03/12", formats=["%d/%m/%y"], reference_date=REFERENCE) == MARCH_4_2012


def test_dates_and_datetimes_pass_through() -> None:
    assert parse_date(MARCH_4_2012) == MARCH_4_2012
    assert parse_date(datetime(2012, 3, 4, 13, 30)) == MARCH_4_2012


@pytest.mark.parametrize(
    "text",
    [None, "", "   ", "unknown", "N/A", "2012-13-01", "2012-02-30", "31/04/2012", "0000-00-00",
     "4 Smarch 2012", "March 2012", "2012", "12/2012", "99999999", True, object()],
)  # fmt: skip
def test_unparseable_is_none(text: object) -> None:
    assert parse_date(text) is None


@given(st.text(), st.booleans(), st.booleans())
def test_parse_date_never_raises(text: str, dayfirst: bool, allow_excel_serial: bool) -> None:
    result = parse_date(text, dayfirst=dayfirst, allow_excel_serial=allow_excel_serial)
    assert result is None or isinstance(result, date)


@given(st.dates(min_value=date(1000, 1, 1)))
def test_iso_text_round_trips(value: date) -> None:
    assert parse_date(value.isoformat()) == value
    assert parse_date(value.strftime("%d/%m/%Y")) == value


# --- dob_quality ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dob", "quality"),
    [
        (None, "missing"),
        (date(1900, 1, 1), "placeholder"),
        (date(1901, 1, 1), "placeholder"),
        (date(1800, 1, 1), "placeholder"),
        (date(9999, 12, 31), "placeholder"),
        (date(1899, 12, 30), "placeholder"),
        (date(1970, 1, 1), "ok"),  # the Unix epoch: suspicious, but real people were born then
        (date(2012, 3, 4), "ok"),
        (REFERENCE, "ok"),
        (date(2024, 6, 2), "future"),
        (date(1909, 6, 1), "ok"),  # 115 today
        (date(1908, 6, 2), "ok"),  # still 115, 116 tomorrow
        (date(1908, 6, 1), "implausible"),  # 116 today
        (date(1850, 7, 7), "implausible"),
    ],
)
def test_dob_quality(dob: date | None, quality: str) -> None:
    assert dob_quality(dob, reference_date=REFERENCE) == quality


def test_dob_quality_accepts_datetimes() -> None:
    assert dob_quality(datetime(2012, 3, 4, 0, 0), reference_date=REFERENCE) == "ok"


def test_every_placeholder_is_reported_as_one() -> None:
    for placeholder in PLACEHOLDER_DATES:
        assert dob_quality(placeholder, reference_date=REFERENCE) == "placeholder"


# --- day/month swaps --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "swapped"),
    [
        (date(2012, 3, 4), date(2012, 4, 3), True),
        (date(2012, 4, 3), date(2012, 3, 4), True),
        (date(2012, 3, 4), date(2013, 4, 3), False),
        (date(2012, 3, 3), date(2012, 3, 3), False),
        (date(2012, 3, 4), date(2012, 3, 4), False),
        (date(2012, 3, 4), date(2012, 4, 4), False),
        (date(2012, 3, 4), None, False),
        (None, None, False),
    ],
)
def test_dob_day_month_swapped(a: date | None, b: date | None, swapped: bool) -> None:
    assert dob_day_month_swapped(a, b) is swapped


def test_an_ambiguous_date_read_both_ways_is_a_swap() -> None:
    uk, us = parse_date("03/04/2012"), parse_date("03/04/2012", dayfirst=False)
    assert dob_day_month_swapped(uk, us)
