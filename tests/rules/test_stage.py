"""The stage as a whole: missing inputs are named, and a failure leaves the previous tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import duckdb
import pytest

from famlink.errors import FamlinkError
from famlink.rules.rulebook import load_rulebook
from famlink.rules.stage import WRITES, build_outcomes

from .warehouse import REF, Fixture


def _fixture() -> Fixture:
    fx = Fixture()
    mum, dad, kid = fx.family()
    fx.event(mum, "police_incident", REF, role="VICTIM", event_subtype="domestic_abuse")
    fx.event(dad, "benefit_claim", dt.date(2025, 1, 1), role="claimant")
    fx.event(kid, "youth_offence", REF)
    return fx


def test_missing_inputs_are_named(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(FamlinkError, match=r"needs families, .*run `famlink run households"):
        build_outcomes(con, load_rulebook(), REF)


def test_a_failure_while_writing_leaves_the_previous_tables(
        run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    con = run(_fixture())
    before = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in WRITES}
    assert len(before["family_flags"]) == 3
    con.execute("ALTER TABLE chronology RENAME COLUMN summary TO text")  # evidence will fail
    with pytest.raises(duckdb.Error):
        build_outcomes(con, load_rulebook(), REF)
    after = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in WRITES}
    assert after == before


def test_the_reference_date_moves_every_window(
        run: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    con = run(_fixture(), ref=REF)
    assert con.execute("SELECT is_eligible, n_needs FROM eligibility").fetchall() == [(True, 3)]
    build_outcomes(con, load_rulebook(), dt.date(2027, 9, 1))
    assert con.execute("SELECT is_eligible, n_needs FROM eligibility").fetchall() == [
        (False, 1)]  # only the open benefit claim is left a year on
