"""The portal's reads: a family's outcomes, a person's flags, rankings and cohorts."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pytest

from famlink.errors import FamlinkError
from famlink.rules.cohorts import cohorts
from famlink.rules.views import family_outcomes, person_flags, ranked_families

from .warehouse import REF, Fixture


@pytest.fixture
def town(run: Callable[..., duckdb.DuckDBPyConnection]) -> duckdb.DuckDBPyConnection:
    fx = Fixture()
    mum, dad, kid = fx.family("F1")
    fx.event(mum, "police_incident", REF, role="VICTIM", event_subtype="domestic_abuse",
             event_ref="I1")
    fx.event(kid, "police_incident", REF, role="CHILD PRESENT", event_subtype="domestic_abuse",
             event_ref="I1")
    fx.event(dad, "benefit_claim", REF, role="claimant")
    fx.event(kid, "youth_offence", REF)
    fx.person("G0", family="F2", role="parent", age=30, postcode="NB7 2AA")
    fx.person("G1", family="F2", role="child", age=1, postcode="NB7 2AA")
    fx.event("G0", "rent_arrears", REF)
    return run(fx)


def test_family_outcomes(town):
    fo = family_outcomes(town, "F1")
    assert [(f.need, f.person_id) for f in fo.flags] == [
        ("youth_offending", "F1C0"), ("domestic_abuse", None),
        ("out_of_work_benefits", "F1A1")]
    assert fo.flags[1].outcome_name == "Safe from domestic abuse"
    assert {e.person_id for e in fo.flags[1].evidence} == {"F1A0", "F1C0"}
    assert fo.eligibility is not None and fo.eligibility.is_eligible
    assert fo.eligibility.area == "NB1"
    assert {s.scenario for s in fo.scores} == {"early_help", "safeguarding",
                                               "school_attendance"}
    assert fo.claim is None
    with pytest.raises(FamlinkError, match="no family FX"):
        family_outcomes(town, "FX")


def test_person_flags_include_family_needs_their_rows_evidence(town):
    assert [f.need for f in person_flags(town, "F1C0")] == ["youth_offending",
                                                            "domestic_abuse"]
    assert [f.need for f in person_flags(town, "F1A1")] == ["out_of_work_benefits"]


def test_scenarios_rank_by_their_own_weights(town):
    early = ranked_families(town, "early_help")
    assert [(r.family_id, r.score) for r in early] == [("F1", 4.0), ("F2", 1.0)]
    assert early[0].explanation == ("domestic_abuse 2 + out_of_work_benefits 1 + "
                                    "youth_offending 1 = 4")
    school = ranked_families(town, "school_attendance")
    assert [(r.family_id, r.score) for r in school] == [("F1", 2.0)]  # F2 scores 0
    assert ranked_families(town, "early_help", eligible_only=True)[0].family_id == "F1"


def test_cohorts_by_area_and_age_band(town):
    area = {r.group: r for r in cohorts(town, "area")}
    assert (area["NB1"].total, area["NB1"].eligible, area["NB7"].needs) == (
        1, 1, {"housing_risk": 1})
    bands = {r.group: r for r in cohorts(town, "age_band")}
    assert (bands["0-4"].total, bands["0-4"].eligible) == (1, 0)
    assert bands["5-10"].needs == {"domestic_abuse": 1, "youth_offending": 1}
    with pytest.raises(FamlinkError, match="choose area or age_band"):
        cohorts(town, "ward")
