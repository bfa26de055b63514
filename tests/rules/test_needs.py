"""Each default rule on hand-built families: just under, at and just over its threshold."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import duckdb
import pytest

from famlink.rules.schema import Rulebook

from .warehouse import REF, Fixture

# need -> (role of the member the events are about, its age, the event each occurrence adds)
COUNT_RULES: dict[str, tuple[str, int, dict[str, Any]]] = {
    "suspensions": ("child", 12, {"event_type": "suspension"}),
    "mental_health": ("parent", 36, {"event_type": "emergency_attendance",
                                     "event_subtype": "self_harm"}),
    "substance_misuse": ("parent", 36, {"event_type": "emergency_attendance",
                                        "event_subtype": "alcohol"}),
    "child_in_need_or_protection": ("child", 6, {"event_type": "child_protection_plan"}),
    "adult_offending": ("parent", 36, {"event_type": "police_incident", "role": "SUSPECT",
                                       "event_subtype": "violence"}),
    "youth_offending": ("child", 15, {"event_type": "youth_offence"}),
    "domestic_abuse": ("parent", 36, {"event_type": "police_incident", "role": "VICTIM",
                                      "event_subtype": "domestic_abuse"}),
    "out_of_work_benefits": ("parent", 36, {"event_type": "benefit_claim",
                                            "role": "claimant"}),
    "housing_risk": ("parent", 36, {"event_type": "rent_arrears", "amount": 250.0}),
}


def _family(role: str, age: int) -> tuple[Fixture, str]:
    fx = Fixture()
    fx.person("A", role="parent", age=40)
    subject = fx.person("S", role=role, age=age)
    if role == "parent":
        fx.person("C", role="child", age=9)
    return fx, subject


def _flags(con: duckdb.DuckDBPyConnection, need: str) -> list[tuple]:
    return con.execute("SELECT person_id, value FROM family_flags WHERE need = ?",
                       [need]).fetchall()


def test_every_default_need_has_a_fixture(rulebook: Rulebook) -> None:
    assert set(rulebook.needs) == set(COUNT_RULES) | {"poor_attendance"}


@pytest.mark.parametrize("need", sorted(COUNT_RULES))
@pytest.mark.parametrize("offset", [-1, 0, 1], ids=["under", "at", "over"])
def test_count_rule_at_its_threshold(need: str, offset: int, rulebook: Rulebook,
                                     run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    rule = rulebook.needs[need]
    assert rule.threshold.op == ">="
    n = int(rule.threshold.value) + offset
    role, age, fields = COUNT_RULES[need]
    fx, subject = _family(role, age)
    for i in range(n):
        fx.event(subject, day=REF - dt.timedelta(days=5 + 20 * i), **fields)
    con = run(fx)
    flags = _flags(con, need)
    if offset < 0:
        assert flags == []
        return
    expected_person = None if rule.scope == "family" else subject
    assert flags == [(expected_person, float(n))]
    evidence = con.execute("SELECT person_id FROM flag_evidence WHERE need = ?",
                           [need]).fetchall()
    assert evidence == [(subject,)] * n


@pytest.mark.parametrize(("unauthorised", "flagged"), [(99, False), (100, False), (101, True)],
                         ids=["just over 90%", "at 90%", "just under 90%"])
def test_attendance_at_ninety_percent(unauthorised: int, flagged: bool,
                                      run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    fx, child = _family("child", 10)
    terms = [(dt.date(2025, 9, 3), 400), (dt.date(2026, 1, 6), 300), (dt.date(2026, 4, 15), 300)]
    for i, (start, possible) in enumerate(terms):
        fx.event(child, "attendance", start, sessions_possible=possible,
                 sessions_authorised=20 if i == 0 else 0,
                 sessions_unauthorised=unauthorised - 20 if i == 0 else 0)
    con = run(fx)
    flags = _flags(con, "poor_attendance")
    assert bool(flags) is flagged
    text = con.execute("SELECT value_text FROM family_progress").fetchall()
    assert text == []  # no case, so no progress rows
    if flagged:
        assert flags[0][0] == child
        assert flags[0][1] == pytest.approx(1 - unauthorised / 1000)


def test_attendance_of_an_adult_is_not_a_child_need(
        run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    fx, _ = _family("child", 10)
    adult = fx.person("Y", role="child", age=19)
    fx.event(adult, "attendance", dt.date(2026, 1, 6), sessions_possible=100,
             sessions_unauthorised=50)
    assert _flags(run(fx), "poor_attendance") == []


def test_victim_of_a_crime_is_not_an_offender(
        run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    fx, adult = _family("parent", 36)
    fx.event(adult, "police_incident", REF, role="VICTIM", event_subtype="theft")
    fx.event(adult, "emergency_attendance", REF, event_subtype="alcohol", role="VICTIM")
    con = run(fx)
    assert _flags(con, "adult_offending") == []
    assert _flags(con, "substance_misuse") == []


def test_one_domestic_incident_with_three_members_counts_once(
        run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    fx = Fixture()
    mum, dad, kid = fx.family(children=1)
    for person, role in ((mum, "VICTIM"), (dad, "SUSPECT"), (kid, "CHILD PRESENT")):
        fx.event(person, "police_incident", REF, event_ref="INC1", role=role,
                 event_subtype="domestic_abuse")
    con = run(fx)
    assert _flags(con, "domestic_abuse") == [(None, 1.0)]
    members = con.execute("SELECT person_id FROM flag_evidence ORDER BY 1").fetchall()
    assert members == sorted([(mum,), (dad,), (kid,)])
