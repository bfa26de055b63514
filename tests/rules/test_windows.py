"""Window boundaries: both ends are inside, the day before the start and after the
reference date are not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import duckdb
import pytest

from famlink.rules.schema import Calendar, Window
from famlink.rules.windows import months_back, window_start

from .warehouse import REF, Fixture

DAY = dt.timedelta(days=1)


def test_months_back_clamps_to_the_end_of_a_shorter_month() -> None:
    assert months_back(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)
    assert months_back(dt.date(2024, 2, 29), 12) == dt.date(2023, 2, 28)
    assert months_back(dt.date(2026, 1, 15), -3) == dt.date(2026, 4, 15)


def test_window_starts() -> None:
    cal = Calendar()
    assert window_start(Window(months=12), REF, cal) == dt.date(2025, 8, 1)
    assert window_start(Window(days=30), REF, cal) == dt.date(2026, 7, 2)
    assert window_start(Window(terms=3), REF, cal) == dt.date(2025, 9, 1)
    assert window_start(Window(terms=1), dt.date(2026, 1, 1), cal) == dt.date(2026, 1, 1)
    assert window_start(Window(terms=2), dt.date(2025, 12, 31), cal) == dt.date(2025, 4, 1)


@pytest.mark.parametrize(("day", "inside"), [
    (dt.date(2025, 8, 1), True), (dt.date(2025, 7, 31), False), (REF, True), (REF + DAY, False)],
    ids=["first day", "day before", "reference date", "day after"])
def test_twelve_month_window_edges(day: dt.date, inside: bool,
                                   run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    fx = Fixture()
    young = fx.person("Y", role="child", age=15)
    fx.event(young, "youth_offence", day)
    con = run(fx)
    flags = con.execute("SELECT window_start_date, window_end_date FROM family_flags "
                        "WHERE need = 'youth_offending'").fetchall()
    assert flags == ([(dt.date(2025, 8, 1), REF)] if inside else [])


@pytest.mark.parametrize(("start", "end", "inside"), [
    (dt.date(2020, 1, 1), None, True),
    (dt.date(2020, 1, 1), dt.date(2026, 5, 1), True),
    (dt.date(2020, 1, 1), dt.date(2026, 4, 30), False),
    (REF, None, True), (REF + DAY, None, False)],
    ids=["open claim", "ended on the first day", "ended the day before", "starts on the date",
         "starts after"])
def test_open_ended_spans_count_while_they_overlap(
        start: dt.date, end: dt.date | None, inside: bool,
        run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    fx = Fixture()
    adult = fx.person("A", role="parent", age=30)
    fx.person("C", role="child", age=3)
    fx.event(adult, "benefit_claim", start, event_end_date=end, role="claimant")
    con = run(fx)
    n = con.execute("SELECT count(*) FROM family_flags WHERE need = 'out_of_work_benefits'"
                    ).fetchall()[0][0]
    assert n == int(inside)


def test_age_is_taken_on_the_reference_date(
        run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    fx = Fixture()
    fx.person("A", role="parent", age=40)
    kid = fx.person("K", role="child", age=10)
    fx.event(kid, "youth_offence", REF)
    fx.event(kid, "youth_offence", dt.date(2059, 12, 1))  # inside the window below
    con = run(fx, ref=REF)
    assert con.execute("SELECT count(*) FROM family_flags").fetchall()[0][0] == 1
    con = run(fx, ref=dt.date(2060, 1, 1))  # the same person is 43 then: not a youth
    assert con.execute("SELECT count(*) FROM family_flags").fetchall()[0][0] == 0
