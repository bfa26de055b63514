"""Identifiers are valid in form, unique per person, and sometimes mistyped as in life."""

from __future__ import annotations

import re
from pathlib import Path

from famlink.project import Feed
from famlink.standardise.identifiers import (
    is_valid_nhs_number,
    is_valid_ni_number,
    is_valid_upn,
    is_valid_uprn,
)
from famlink.synthetic.town import TownSummary
from tests.synthetic.helpers import feed_rows, truth_table

POSTCODE = re.compile(r"^[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}$")


def test_truth_identifiers_are_valid_and_unique(town: tuple[Path, TownSummary]) -> None:
    persons = truth_table(town[0], "persons")
    for column, valid in (("nhs_number", is_valid_nhs_number), ("upn", is_valid_upn),
                          ("former_upn", is_valid_upn), ("ni_number", is_valid_ni_number)):
        values = [p[column] for p in persons if p[column]]
        assert values, column
        assert all(valid(v) for v in values), column
        assert len(set(values)) == len(values), f"{column} not unique"
    assert all(p["nhs_number"].startswith("999") for p in persons)
    assert all(p["upn"][1:4] in ("999", "998") for p in persons if p["upn"])


def _validity(out: Path, feed: Feed, column: str, valid: object) -> tuple[int, int]:
    values = [r[column] for r in feed_rows(out, feed) if r[column]]
    bad = sum(1 for v in values if not valid(v))  # type: ignore[operator]
    return bad, len(values)


def test_feed_identifiers_mostly_valid_some_mistyped(
        town: tuple[Path, TownSummary], project_feeds: dict[str, Feed]) -> None:
    out = town[0]
    checks = [("school_census", "UPN", is_valid_upn),
              ("school_attendance", "PupilUPN", is_valid_upn),
              ("health_ed", "NHS_NUMBER", is_valid_nhs_number),
              ("social_care", "NHSNumber", is_valid_nhs_number)]
    total_bad = 0
    for feed, column, valid in checks:
        bad, n = _validity(out, project_feeds[feed], column, valid)
        assert n > 50, feed
        assert bad / n < 0.05, (feed, bad, n)
        total_bad += bad
    assert total_bad > 0, "expected a few mistyped identifiers"
    ninos = [r["NINO"] for r in feed_rows(out, project_feeds["dwp_benefits"]) if r["NINO"]]
    assert ninos and all(is_valid_ni_number(n) for n in ninos)


def test_gazetteer_uprns_and_postcodes(town: tuple[Path, TownSummary],
                                       project_feeds: dict[str, Feed]) -> None:
    rows = feed_rows(town[0], project_feeds["gazetteer"])
    uprns = [r["UPRN"] for r in rows]
    assert len(set(uprns)) == len(uprns)
    assert all(is_valid_uprn(u) and len(u) <= 12 for u in uprns)
    assert all(POSTCODE.match(r["POSTCODE_LOCATOR"]) for r in rows)
    assert len({r["POSTCODE_LOCATOR"] for r in rows}) > len(rows) / 30
    assert {r["SAO_TEXT"][:4] for r in rows} >= {"", "FLAT"}
