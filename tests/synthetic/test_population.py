"""The simulated town is consistent: spans are ordered, homes are not double-booked, and
families, households and needs fit together."""

from __future__ import annotations

import itertools
from collections import defaultdict
from pathlib import Path

from famlink.synthetic.town import TownSummary
from tests.synthetic.helpers import truth_table

FAR = "9999-12-31"


def _intervals(rows: list[dict[str, str]], key: str) -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for r in rows:
        out[r[key]].append((r["from_date"], r["to_date"] or FAR, r.get("household_id", "")))
    return out


def test_each_person_lives_in_one_place_at_a_time(town: tuple[Path, TownSummary]) -> None:
    rows = truth_table(town[0], "households")
    for person, spans in _intervals(rows, "person_id").items():
        spans.sort()
        for (a_from, a_to, _), (b_from, _, _) in itertools.pairwise(spans):
            assert a_from <= a_to < b_from, person


def test_no_address_holds_two_households_at_once(town: tuple[Path, TownSummary]) -> None:
    rows = truth_table(town[0], "households")
    by_uprn: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for r in rows:
        span = by_uprn[r["uprn"]].setdefault(r["household_id"], [r["from_date"], r["to_date"]])
        span[0] = min(span[0], r["from_date"])
        span[1] = max(span[1] or FAR, r["to_date"] or FAR)
    for uprn, households in by_uprn.items():
        spans = sorted((frm, to) for frm, to in households.values())
        for (_, a_to), (b_from, _) in itertools.pairwise(spans):
            assert a_to < b_from, uprn


def test_families_have_parents_and_children(town: tuple[Path, TownSummary]) -> None:
    rows = truth_table(town[0], "families")
    roles: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        assert r["from_date"] <= (r["to_date"] or FAR)
        roles[r["family_id"]].add(r["role"])
    assert all("child" in found for found in roles.values())
    assert sum("parent" in found for found in roles.values()) >= 0.95 * len(roles)


def test_need_rates_are_plausible(town: tuple[Path, TownSummary]) -> None:
    families = {r["family_id"] for r in truth_table(town[0], "families")}
    needs = truth_table(town[0], "family_needs")
    with_needs = {n["family_id"] for n in needs}
    assert with_needs <= families
    assert 0.2 < len(with_needs) / len(families) < 0.7
    three_plus = defaultdict(set)
    for n in needs:
        three_plus[n["family_id"]].add(n["need"])
    assert 0.02 < sum(len(v) >= 3 for v in three_plus.values()) / len(families) < 0.3
