"""Which level of each comparison a pair of records reaches (link/settings.py), scored by
Splink on DuckDB exactly as the link stage scores pairs."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from famlink.link import model
from famlink.link.settings import MatchingConfig, splink_settings
from famlink.link.stage import PROFILE_COLUMNS

COLUMNS = ("record_id", *PROFILE_COLUMNS)
SCHEMA = pa.schema([(c, pa.list_(pa.string()) if c == "surname_all" else
                     pa.bool_() if c == "is_initial_only" else pa.string()) for c in COLUMNS])
NULL = "(no weight)"


def _record(rid: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(record_id=rid, is_initial_only=False, **values)
    row["surname_all"] = [row["surname"]] if row["surname"] else []
    return row


def _levels(left: dict[str, Any], right: dict[str, Any]) -> dict[str, str]:
    """{comparison: label of the level the pair reaches}; NULL for a level that weighs
    nothing (a missing value, or evidence another comparison weighs)."""
    linker = model.make_linker(pa.Table.from_pylist([left, right], schema=SCHEMA),
                               splink_settings(MatchingConfig()))
    scored = linker.inference.score_pair(left, right).as_record_list()[0]
    out = {}
    for comparison in linker._settings_obj.comparisons:
        gamma = scored[f"gamma_{comparison.output_column_name}"]
        labels = {lv.comparison_vector_value: lv.label_for_charts
                  for lv in comparison.comparison_levels if not lv.is_null_level}
        out[comparison.output_column_name] = labels.get(gamma, NULL)
    return out


def _person(first: str | None, surname: str | None, **values: Any) -> dict[str, Any]:
    base = {"dob": "1914-07-05", "postcode": "5523", "address_norm": "61 MANA PLACE YAGOONA"}
    return {"first_name": first, "surname": surname, **base, **values}


def test_a_swap_of_forename_and_surname_is_weighed_once_by_the_forename():
    levels = _levels(_record("l", **_person("LACHLAN", "NGUYEN")),
                     _record("r", **_person("NGUYEN", "LACHLAN")))
    assert levels["first_name"] == "forename and surname swapped"
    assert levels["surname"] == NULL
    close = _levels(_record("l", **_person("PARIS", "GREEN")),
                    _record("r", **_person("GREENE", "PARISS")))
    assert close["first_name"] == "swapped, with a spelling change"
    assert close["surname"] == NULL


@pytest.mark.parametrize("left, right", [
    (("JULIANA", "ROMAN"), ("MASOEN", "JULIANA")),  # the forename is now the surname
    (("GILLIAN", "LODGE"), ("LODGE", "ADELE")),  # the surname is now the forename
    (("BKOWS", "LUC Y"), ("LUCY", "CLARKE")),  # and mistyped by one letter
])
def test_half_a_swap_is_its_own_forename_level_and_the_surnames_still_differ(left, right):
    levels = _levels(_record("l", **_person(*left)), _record("r", **_person(*right)))
    assert levels["first_name"] == "one name swapped, the other differs"
    assert levels["surname"] == "All other comparisons"


@pytest.mark.parametrize("left, right", [
    (("JULIANA", "ROMAN"), ("MASOEN", "SMITH")),  # no name in common
    (("ANN", "ROMAN"), ("MASOEN", "AN")),  # one letter out, but names too short to tell
    (("A", "ROMAN"), ("MASOEN", "A")),  # an initial is no swap
])
def test_no_half_swap_without_a_crossed_full_name(left, right):
    levels = _levels(_record("l", **_person(*left)), _record("r", **_person(*right)))
    assert levels["first_name"] in ("All other comparisons", "initial agrees")


def test_one_letter_out_in_a_short_name_that_jaro_winkler_misses():
    levels = _levels(_record("l", **_person("CLAIN", "EBERT")),
                     _record("r", **_person("CLSIN", "EBHRT")))
    assert levels["first_name"] == "one letter out"
    assert levels["surname"] == "one letter out"
    apart = _levels(_record("l", **_person("CLAIN", "EBERT")),
                    _record("r", **_person("CLARA", "EBBAN")))
    assert apart["first_name"] == apart["surname"] == "All other comparisons"


def test_a_postcode_one_character_out_is_its_own_address_level():
    left = _person("JOHN", "KOWALD", postcode="2016", address_norm="3 HINDMARSH DRIVE GREENWOOD")
    typo = {**left, "postcode": "2061", "address_norm": "3 HINDMARSH DR GREEN DESERT GREENWOOD"}
    elsewhere = {**typo, "postcode": "2099"}
    assert _levels(_record("l", **left), _record("r", **typo))["address"] == (
        "postcode one character out")
    assert _levels(_record("l", **left), _record("r", **elsewhere))["address"] == (
        "All other comparisons")
