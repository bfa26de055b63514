"""What the person-matching model compares, how it blocks, and where its thresholds sit.

``matching.yaml`` in the project folder (optional) overrides the defaults below: thresholds,
blocking rules and training. The comparisons are famlink's own, built for UK council data:

- forename: exact (term-frequency adjusted), same canonical forename (Bob = Robert), same
  sound, close spelling, one letter out, an initial that agrees, forename and surname
  swapped (exactly or closely), half a swap (one name crossed over, the other changed);
- surname: exact (term-frequency adjusted), a shared part of a double-barrelled name or a
  former surname, same sound, close spelling, one letter out (a swap is weighed once, by
  the forename);
- date of birth: exact, day and month swapped, one year out, one character out;
- address as ONE comparison (UPRN: the gazetteer's where the address matched one, else the
  feed's; then same dwelling, same house number and postcode, same postcode, similar address
  text, postcode one character out, same sector),
  so street, number and postcode never count three times and a household does not outweigh
  a different forename and date of birth;
- NHS number, UPN and NI number: only valid identifiers ever reach the model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from splink import SettingsCreator

from famlink.errors import ConfigError, ConfigProblem

DEFAULT_BLOCKING = [
    "l.nhs_number = r.nhs_number",
    "l.upn = r.upn",
    "l.ni_number = r.ni_number",
    "l.person_key = r.person_key",
    "l.first_name_canon = r.first_name_canon AND l.dob = r.dob",
    "l.surname_metaphone = r.surname_metaphone AND l.dob = r.dob",
    "l.first_name_canon = r.first_name_canon AND l.surname_metaphone = r.surname_metaphone "
    "AND l.postcode_outward = r.postcode_outward",
    "l.first_name_canon = r.first_name_canon AND l.surname_metaphone = r.surname_metaphone "
    "AND l.house_number = r.house_number",
    "l.first_name_canon = r.first_name_canon AND l.surname_metaphone = r.surname_metaphone "
    "AND substr(l.dob, 6, 5) = substr(r.dob, 6, 5)",
    "l.first_name = r.surname AND l.surname = r.first_name",
    "l.first_name_metaphone = r.surname_metaphone AND l.surname_metaphone = r.first_name_metaphone",
    "l.first_initial = r.first_initial AND l.postcode = r.postcode",
    "l.first_initial = r.first_initial AND l.uprn = r.uprn",
    "l.first_initial = r.first_initial AND l.dwelling = r.dwelling",
    "l.first_name_canon = r.first_name_canon AND l.postcode = r.postcode",
    "l.surname_metaphone = r.surname_metaphone AND l.postcode = r.postcode",
    "l.dob = r.dob AND l.postcode = r.postcode",
    "l.dob = r.dob AND l.first_initial = r.first_initial",
    "l.first_name_metaphone = r.first_name_metaphone "
    "AND l.surname_metaphone = r.surname_metaphone AND substr(l.dob, 1, 4) = substr(r.dob, 1, 4)",
]
# Not in the defaults (they cost link time at scale for a few pairs in council data): for data
# whose postcodes are often mistyped and whose names are often swapped, such as FEBRL, list
# them after the defaults in `blocking:`. The same forename and address text (a mistyped
# postcode), and half a swap (one record's forename the other's surname) at one postcode.
TYPO_BLOCKING = [
    "l.first_name_canon = r.first_name_canon AND l.address_norm = r.address_norm",
    "l.first_name = r.surname AND l.postcode = r.postcode",
    "l.surname = r.first_name AND l.postcode = r.postcode",
]
DEFAULT_EM_BLOCKING = [
    "l.dob = r.dob",
    "l.first_name_canon = r.first_name_canon AND l.surname = r.surname",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Thresholds(Strict):
    link: float = Field(6.0, description="match weight at or above which records are one person")
    review_low: float = Field(2.0, description="pairs from here up to `link` go to review")
    keep_pairs: float = Field(-4.0, description="pairs scoring below this are not stored")
    weak_link: float = Field(0.5, description="a weak record (initials, no date of birth) joins "
                             "a person on a pair scoring this much when their addresses agree, "
                             "if that person clearly leads")
    link_without_address: float | None = Field(
        None, description="a weak record whose address does not agree joins at this weight; "
        "default never (a name alone, at another address, is a guess)")
    weak_margin: float = Field(3.0, description="how far a weak record's best person must lead")


class Constraints(Strict):
    forenames_must_agree: bool = Field(
        True, description="never merge a pair whose forenames clearly differ (keeps twins "
        "apart); turn off only for data with no families in it")
    dob_years_apart: float | None = Field(
        2.0, description="dates of birth further apart than this (and not a swap or year "
        "typo) never merge; null to turn the check off")


class WeakRecords(Strict):
    join_by_full_name: bool = Field(
        True, description="a weak record left on its own joins the one person who has its full "
        "name, or of several, the one who shared a home with someone on the record's own "
        "account, claim or incident (link/name_only.py)")
    move_days: int = Field(
        1, ge=0, description="a stay at one address ending within this many days of a stay "
        "at another starting is a move (what settles which of several namesakes it is): the "
        "same day or the next, as revenues systems close and open liabilities")
    stay_overlap_days: int = Field(
        180, ge=0, description="such a record may not have a stay (a liability, a tenancy) at "
        "one address overlapping the person's stay at another by more than this")


class Training(Strict):
    seed: int = 42
    u_max_pairs: float = 2e6
    max_records: int = Field(150_000, gt=1000, description="train on at most this many "
                             "profiles (a seeded sample); the model is then applied to all")
    recall: float = Field(0.8, gt=0, le=1, description="assumed recall of the lambda rules")
    em_blocking: list[str] = Field(default_factory=lambda: list(DEFAULT_EM_BLOCKING))


class MatchingConfig(Strict):
    thresholds: Thresholds = Field(default_factory=Thresholds)
    blocking: list[str] = Field(default_factory=lambda: list(DEFAULT_BLOCKING))
    training: Training = Field(default_factory=Training)
    constraints: Constraints = Field(default_factory=Constraints)
    weak_records: WeakRecords = Field(default_factory=WeakRecords)
    model: str | None = Field(None, description="a saved model (models/link-*.json) to use "
                                                "instead of training afresh")


def load_matching(root: Path) -> MatchingConfig:
    path = root / "matching.yaml"
    if not path.exists():
        return MatchingConfig()
    try:
        return MatchingConfig.model_validate(yaml.safe_load(path.read_text()) or {})
    except (yaml.YAMLError, ValidationError) as exc:
        errors = exc.errors() if isinstance(exc, ValidationError) else []
        problems = [ConfigProblem(path, ".".join(map(str, e["loc"])), e["msg"]) for e in errors]
        raise ConfigError(problems or [ConfigProblem(path, "(file)", str(exc))]) from exc


# Swapped names count only between full names: "A JONES" read as forename JONES, surname A
# must not look like a swap of ALEXANDER JONES.
_FULL = ("length(first_name_l) > 1 AND length(surname_l) > 1 AND length(first_name_r) > 1 "
         "AND length(surname_r) > 1")
SWAPPED = f"first_name_l = surname_r AND surname_l = first_name_r AND {_FULL}"
SWAPPED_CLOSE = (f"jaro_winkler_similarity(first_name_l, surname_r) >= 0.9 AND "
                 f"jaro_winkler_similarity(surname_l, first_name_r) >= 0.9 AND {_FULL}")
# One character changed, or two neighbouring characters transposed (the same length, one
# or two positions differing, and for two, the same characters: Jaro at 0.9 or more):
# CLAIN / CLSIN, EBERT / EBHRT, a postcode 2016 / 2061, which Jaro-Winkler misses in short
# values (a letter added or dropped it already finds). Counting differing positions costs
# next to nothing per pair; an edit distance costs several times as much.
def _differing(a: str, b: str) -> str:
    """How many positions differ, for two values of one length (else NULL: DuckDB's hamming
    fails on values of different lengths, and a CASE is only evaluated where it applies)."""
    return f"CASE WHEN length({a}) = length({b}) THEN hamming({a}, {b}) END"


def one_out(a: str, b: str) -> str:
    return (f"({_differing(a, b)} = 1 OR ({_differing(a, b)} = 2 AND "
            f"jaro_similarity({a}, {b}) >= 0.9))")


# Half a swap: one record's forename is the other's surname (or one letter changed, added or
# dropped from it, for names of four letters or more) and the remaining two names differ, as
# where names were swapped and one of them then mistyped or replaced (JULIANA ROMAN /
# MASOEN JULIANA, LUCY CLARKE / BKOWS LUC Y).
_ONE_EDIT = ("CASE WHEN length({a}_l) = length({b}_r) THEN hamming({a}_l, {b}_r) = 1 "
             "WHEN abs(length({a}_l) - length({b}_r)) = 1 THEN levenshtein({a}_l, {b}_r) = 1 "
             "ELSE false END")
_CROSS = "({a}_l = {b}_r OR (length({a}_l) >= 4 AND " + _ONE_EDIT + "))"
HALF_SWAPPED = (f"({_CROSS.format(a='first_name', b='surname')} OR "
                f"{_CROSS.format(a='surname', b='first_name')}) AND {_FULL}")


def _forename() -> cl.CustomComparison:
    return cl.CustomComparison(output_column_name="first_name", comparison_levels=[
        cll.NullLevel("first_name"),
        cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
        cll.CustomLevel("first_name_canon_l = first_name_canon_r",
                        label_for_charts="same canonical forename (nickname)"),
        cll.CustomLevel(SWAPPED, label_for_charts="forename and surname swapped"),
        cll.JaroWinklerLevel("first_name", 0.9),
        cll.CustomLevel(one_out("first_name_l", "first_name_r"),
                        label_for_charts="one letter out"),
        cll.CustomLevel(SWAPPED_CLOSE, label_for_charts="swapped, with a spelling change"),
        cll.CustomLevel(HALF_SWAPPED, label_for_charts="one name swapped, the other differs"),
        cll.CustomLevel("first_name_metaphone_l = first_name_metaphone_r",
                        label_for_charts="same sound"),
        cll.CustomLevel("(is_initial_only_l OR is_initial_only_r) AND "
                        "first_initial_l = first_initial_r", label_for_charts="initial agrees"),
        cll.ElseLevel(),
    ])


def _surname() -> cl.CustomComparison:
    return cl.CustomComparison(output_column_name="surname", comparison_levels=[
        cll.NullLevel("surname"),
        cll.ExactMatchLevel("surname", term_frequency_adjustments=True),
        # a swap is one piece of evidence, weighed once, by the forename comparison
        cll.CustomLevel(SWAPPED, label_for_charts="swapped (weighed with the forename)"
                        ).configure(is_null_level=True),
        cll.CustomLevel("len(list_intersect(surname_all_l, surname_all_r)) > 0",
                        label_for_charts="shares a surname part or former surname"),
        cll.JaroWinklerLevel("surname", 0.9),
        cll.CustomLevel(one_out("surname_l", "surname_r"), label_for_charts="one letter out"),
        cll.CustomLevel(SWAPPED_CLOSE, label_for_charts="swapped, with a spelling change "
                        "(weighed with the forename)").configure(is_null_level=True),
        cll.CustomLevel("surname_metaphone_l = surname_metaphone_r",
                        label_for_charts="same sound"),
        cll.ElseLevel(),
    ])


DOB_SWAP = ("substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = "
            "substr(dob_r, 9, 2) AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)")
DOB_YEAR_OUT = ("substr(dob_l, 6, 5) = substr(dob_r, 6, 5) AND abs(CAST(substr(dob_l, 1, 4) "
                "AS INTEGER) - CAST(substr(dob_r, 1, 4) AS INTEGER)) = 1")


def _dob() -> cl.CustomComparison:
    return cl.CustomComparison(output_column_name="dob", comparison_levels=[
        cll.NullLevel("dob"),
        cll.ExactMatchLevel("dob"),
        cll.CustomLevel(DOB_SWAP, label_for_charts="day and month swapped"),
        cll.CustomLevel(DOB_YEAR_OUT, label_for_charts="one year out"),
        cll.LevenshteinLevel("dob", 1),
        cll.ElseLevel(),
    ])


def _address() -> cl.CustomComparison:
    return cl.CustomComparison(output_column_name="address", comparison_levels=[
        cll.CustomLevel("(uprn_l IS NULL AND postcode_l IS NULL AND address_norm_l IS NULL) OR "
                        "(uprn_r IS NULL AND postcode_r IS NULL AND address_norm_r IS NULL)"
                        ).configure(is_null_level=True),
        cll.CustomLevel("uprn_l = uprn_r", label_for_charts="same UPRN"),
        cll.CustomLevel("dwelling_l = dwelling_r", label_for_charts="same dwelling"),
        cll.CustomLevel("house_number_l = house_number_r AND postcode_l = postcode_r",
                        label_for_charts="same house number and postcode"),
        cll.CustomLevel("postcode_l = postcode_r AND jaro_winkler_similarity(address_norm_l, "
                        "address_norm_r) >= 0.92", label_for_charts="same postcode, similar "
                        "address"),
        cll.CustomLevel("postcode_l = postcode_r", label_for_charts="same postcode"),
        cll.CustomLevel("jaro_winkler_similarity(address_norm_l, address_norm_r) >= 0.92",
                        label_for_charts="similar address text"),
        cll.CustomLevel(one_out("postcode_l", "postcode_r"),
                        label_for_charts="postcode one character out"),
        cll.CustomLevel("postcode_sector_l = postcode_sector_r", label_for_charts="same sector"),
        cll.ElseLevel(),
    ])


def _identifier(column: str) -> cl.CustomComparison:
    return cl.CustomComparison(output_column_name=column, comparison_levels=[
        cll.NullLevel(column), cll.ExactMatchLevel(column), cll.ElseLevel()])


# person_key is a feed's own person_ref prefixed by its numbering (see standardise/people.py):
# keys of two numberings say nothing; within one, a single character out is a typo, not
# another person (only for references long enough that one character is not all they say)
SAME_NUMBERING = "split_part(person_key_l, ':', 1) = split_part(person_key_r, ':', 1)"
REF_TYPO = ("damerau_levenshtein(person_key_l, person_key_r) = 1 AND "
            "length(split_part(person_key_l, ':', 2)) >= 5")


def _person_key() -> cl.CustomComparison:
    return cl.CustomComparison(output_column_name="person_key", comparison_levels=[
        cll.CustomLevel(f"person_key_l IS NULL OR person_key_r IS NULL OR NOT {SAME_NUMBERING}"
                        ).configure(is_null_level=True),
        cll.ExactMatchLevel("person_key"),
        cll.CustomLevel(REF_TYPO, label_for_charts="one character out"),
        cll.ElseLevel(),
    ])


def _sex() -> cl.CustomComparison:
    return cl.CustomComparison(output_column_name="sex", comparison_levels=[
        cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel()])


def splink_settings(config: MatchingConfig) -> SettingsCreator:
    rules: list[Any] = list(config.blocking)
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[_forename(), _surname(), _dob(), _sex(), _address(),
                     _identifier("nhs_number"), _identifier("upn"), _identifier("ni_number"),
                     _person_key()],
        blocking_rules_to_generate_predictions=[*rules],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
    )
