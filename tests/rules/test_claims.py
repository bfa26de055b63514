"""Baseline, progress and the claim check: resolved at closure and sustained six months."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import duckdb
import pytest

from famlink.rules.claims import CaseStart
from famlink.rules.views import family_outcomes

from .warehouse import Fixture

START = dt.date(2025, 3, 1)


def _three_needs(fx: Fixture, family: str = "F1", n: int = 3) -> list[str]:
    mum, dad, kid = fx.family(family)
    before = [(mum, "police_incident", dt.date(2025, 2, 1),
               {"role": "VICTIM", "event_subtype": "domestic_abuse"}),
              (dad, "police_incident", dt.date(2025, 1, 15),
               {"role": "SUSPECT", "event_subtype": "theft"}),
              (mum, "rent_arrears", dt.date(2025, 2, 10), {})]
    for person, kind, day, fields in before[:n]:
        fx.event(person, kind, day, **fields)
    return [mum, dad, kid]


def _case(fx: Fixture, person: str, close: dt.date | None, start: dt.date = START) -> None:
    fx.event(person, "early_help_case", start, event_end_date=close, event_ref="EH1",
             feed="early_help_cases")


def _claim(con: duckdb.DuckDBPyConnection, family: str = "F1") -> tuple:
    return con.execute("SELECT status, baseline_needs, needs_outstanding, earliest_claim_date "
                       "FROM claims WHERE family_id = ?", [family]).fetchall()[0]


BASELINE = ["adult_offending", "domestic_abuse", "housing_risk"]


def test_resolved_and_sustained_six_months_is_claimable(
        run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    fx = Fixture()
    mum, _, _ = _three_needs(fx)
    _case(fx, mum, dt.date(2025, 10, 31))
    con = run(fx)
    assert _claim(con) == ("claimable", BASELINE, [], dt.date(2026, 4, 30))
    pack = con.execute("SELECT DISTINCT need, label FROM claim_evidence ORDER BY 1, 2").fetchall()
    assert pack == [(n, "baseline") for n in BASELINE]


def test_resolved_but_not_yet_sustained_six_months(
        run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    fx = Fixture()
    mum, _, _ = _three_needs(fx)
    _case(fx, mum, dt.date(2026, 3, 31))
    con = run(fx)
    status, baseline, outstanding, earliest = _claim(con)
    assert (status, baseline, outstanding) == ("resolved_not_yet_sustained", BASELINE, [])
    assert earliest == dt.date(2026, 9, 30)
    reason = con.execute("SELECT reason FROM claims").fetchall()[0][0]
    assert "6 months pass only on 2026-09-30" in reason


def test_a_need_that_comes_back_after_closure_is_not_sustained(
        run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    fx = Fixture()
    mum, dad, _ = _three_needs(fx)
    _case(fx, mum, dt.date(2025, 10, 31))
    fx.event(dad, "police_incident", dt.date(2026, 1, 10), role="SUSPECT",
             event_subtype="domestic_abuse")
    con = run(fx)
    assert _claim(con) == ("not_sustained", BASELINE, ["domestic_abuse"], None)


def test_a_need_still_met_at_closure_is_not_resolved(
        run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    fx = Fixture()
    mum, _, _ = _three_needs(fx)
    fx.event(mum, "rent_arrears", dt.date(2025, 9, 1))  # during the case
    _case(fx, mum, dt.date(2025, 10, 31))
    con = run(fx)
    assert _claim(con) == ("not_resolved", BASELINE, ["housing_risk"], None)


def test_fewer_than_three_needs_at_baseline_cannot_be_claimed(
        run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    fx = Fixture()
    mum, _, _ = _three_needs(fx, n=2)
    _case(fx, mum, dt.date(2025, 10, 31))
    status, baseline, _, _ = _claim(run(fx))
    assert (status, baseline) == ("not_eligible_at_baseline", ["adult_offending", "domestic_abuse"])


def test_open_case_shows_distance_travelled(
        run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    fx = Fixture()
    mum, _, kid = _three_needs(fx)
    _case(fx, mum, None)
    terms = [dt.date(2024, 4, 15), dt.date(2024, 9, 3), dt.date(2025, 1, 6),
             dt.date(2025, 9, 3), dt.date(2026, 1, 6), dt.date(2026, 4, 15)]
    for i, day in enumerate(terms):
        fx.event(kid, "attendance", day, sessions_possible=100,
                 sessions_unauthorised=22 if i < 3 else 12)
    con = run(fx)
    assert _claim(con)[0] == "open"
    claim = family_outcomes(con, "F1").claim
    assert claim is not None
    [att] = [p for p in claim.progress if p.need == "poor_attendance"]
    assert (att.baseline, att.latest) == ("78.0%", "88.0%")
    assert att.distance == pytest.approx(0.10)
    flags = {f.need for f in family_outcomes(con, "F1").flags}
    assert "poor_attendance" in flags  # still under 90%, though ten points better


def test_case_starts_recorded_in_the_app_or_passed_in(
        run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    fx = Fixture()
    _three_needs(fx)
    _three_needs(fx, "F2")
    con = run(fx, case_starts=[CaseStart("F1", START, dt.date(2025, 10, 31), "APP-1")])
    assert con.execute("SELECT family_id, case_ref, case_source FROM claims").fetchall() == [
        ("F1", "APP-1", "recorded")]
    con.execute("CREATE TABLE case_starts AS SELECT 'F2' AS family_id, 'APP-2' AS case_ref, "
                "DATE '2025-03-01' AS case_start_date, NULL::DATE AS case_close_date")
    fx.build(con)
    from famlink.rules.rulebook import load_rulebook
    from famlink.rules.stage import build_outcomes

    build_outcomes(con, load_rulebook(), dt.date(2026, 7, 31))
    assert con.execute("SELECT family_id, status, case_source FROM claims").fetchall() == [
        ("F2", "open", "case_starts")]


@pytest.mark.parametrize(("day", "status"), [
    (dt.date(2025, 7, 31), "claimable"), (dt.date(2025, 8, 1), "not_resolved")],
    ids=["before the last three months", "first day of the last three months"])
def test_resolved_means_nothing_in_the_case_last_three_months(
        day: dt.date, status: str, run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    fx = Fixture()
    mum, _, _ = _three_needs(fx)
    fx.event(mum, "rent_arrears", day)  # during the case, which closes on 31 October
    _case(fx, mum, dt.date(2025, 10, 31))
    assert _claim(run(fx))[0] == status
