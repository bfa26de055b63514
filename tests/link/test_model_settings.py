"""Which level of each comparison a pair of records reaches, and which pairs the blocking
rules bring to be scored (link/settings.py), run by Splink on DuckDB as the link stage runs it."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from famlink.link import model
from famlink.link.settings import (
    DEFAULT_BLOCKING,
    TYPO_BLOCKING,
    MatchingConfig,
    splink_settings,
)
from famlink.link.stage import PROFILE_COLUMNS

COLUMNS = ("record_id", *PROFILE_COLUMNS)
SCHEMA = pa.schema([(c, pa.list_(pa.string()) if c == "surname_all" else
                     pa.bool_() if c == "is_initial_only" else pa.string()) for c in COLUMNS])
NULL = "(no weight)"


def _record(rid: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(record_id=rid, is_initial_only=False, **values)
    row["surname_all"] = [row["surname"]] if row["surname"] else []
    row["first_name_canon"] = row["first_name_canon"] or row["first_name"]
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
    (("HOLLY", "WEBB"), ("HAKLRA", "HOKLY")),  # and one letter changed
    (("BKOWS", "LUC Y"), ("LUCY", "CLARKE")),  # or added
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


@pytest.mark.parametrize("left, right, level", [
    (("CLAIN", "EBERT"), ("CLSIN", "EBHRT"), "one letter out"),  # a letter changed
    (("LUKE", "COLE"), ("LUKA", "COLT"), "one letter out"),  # the last letter
    (("CLAIN", "EBERT"), ("CLARA", "EBBAN"), "All other comparisons"),  # two letters changed
    (("CLAIN", "EBERT"), ("NICLA", "TREBE"), "All other comparisons"),  # letters far apart
])
def test_one_letter_out_in_a_short_name_that_jaro_winkler_misses(left, right, level):
    levels = _levels(_record("l", **_person(*left)), _record("r", **_person(*right)))
    assert levels["first_name"] == levels["surname"] == level


def test_a_postcode_one_character_out_is_its_own_address_level():
    left = _person("JOHN", "KOWALD", postcode="2016", address_norm="3 HINDMARSH DRIVE GREENWOOD")
    typo = {**left, "postcode": "2061", "address_norm": "3 HINDMARSH DR GREEN DESERT GREENWOOD"}
    elsewhere = {**typo, "postcode": "2099"}
    assert _levels(_record("l", **left), _record("r", **typo))["address"] == (
        "postcode one character out")
    assert _levels(_record("l", **left), _record("r", **elsewhere))["address"] == (
        "All other comparisons")
    changed = {**elsewhere, "postcode": "2018"}
    assert _levels(_record("l", **left), _record("r", **changed))["address"] == (
        "postcode one character out")


def _blocked(*records: dict[str, Any], typos: bool = True) -> set[frozenset[str]]:
    """The pairs of record ids the default blocking rules, with the rules for data full of
    typos (``typos``), bring to be scored."""
    rules = [*DEFAULT_BLOCKING, *TYPO_BLOCKING] if typos else DEFAULT_BLOCKING
    linker = model.make_linker(pa.Table.from_pylist(list(records), schema=SCHEMA),
                               splink_settings(MatchingConfig(blocking=rules)))
    pairs = linker.inference.compute_blocked_pairs_for_predict().as_duckdbpyrelation()
    return {frozenset(row) for row in pairs.select("join_key_l, join_key_r").fetchall()}


@pytest.mark.parametrize("first_id, second_id", [("a", "b"), ("b", "a")])
def test_half_a_swap_at_one_postcode_is_blocked_either_way_round(first_id, second_id):
    # no date of birth, the person numbers one digit out, no name in its own place
    harrison = _record(first_id, first_name="HARRISON", surname="CAPURSO", postcode="6233",
                       address_norm="7 ERLDUNDA CIRCUIT BELLBIRD COTTAGE JAN JUC")
    ruby = _record(second_id, first_name="CAPURSO", surname="RUBY", postcode="6233",
                   address_norm="7 ERLDUNDA CIRCUIT BELLBIRDCTGE JAN JUC")
    elsewhere = _record("c", first_name="CAPURSO", surname="RUBY", postcode="3001",
                        address_norm="7 ERLDUNDA CIRCUIT BELLBIRDCTGE JAN JUC")
    blocked = _blocked(harrison, ruby, elsewhere)
    assert frozenset((first_id, second_id)) in blocked
    assert frozenset((first_id, "c")) not in blocked
    assert frozenset((first_id, second_id)) not in _blocked(harrison, ruby, typos=False)


def test_the_same_forename_and_address_text_is_blocked_across_a_mistyped_postcode():
    casey = _record("a", first_name="CASEY", surname="FLATMAN",
                    dob="1993-10-02", postcode="7250", address_norm="3 WYSELASKIE CIRCUIT MENTONE")
    typo = _record("b", first_name="CASEY", surname="FLATAN",
                   postcode="7205", address_norm="3 WYSELASKIE CIRCUIT MENTONE")
    moved = {**typo, "record_id": "c", "address_norm": "9 OTHER STREET MENTONE"}
    blocked = _blocked(casey, typo, moved)
    assert frozenset(("a", "b")) in blocked
    assert frozenset(("a", "c")) not in blocked
    assert frozenset(("a", "b")) not in _blocked(casey, typo, typos=False)
