import csv
import unicodedata
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from famlink.standardise.names import (
    NameParts,
    canonical_forename,
    fold,
    parse_full_name,
    phonetic_key,
    standardise_forename,
    standardise_surname,
    surname_parts,
)
from famlink.standardise.nicknames import forename_variants

# --- fold -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Zoë", "ZOE"),
        ("Nguyễn", "NGUYEN"),
        ("Ó Súilleabháin", "O SUILLEABHAIN"),
        ("Strauß", "STRAUSS"),
        ("Øyvind Ærø", "OYVIND AERO"),
        ("Łukasz Đorđević", "LUKASZ DORDEVIC"),
        ("Þóra", "THORA"),
        ("  mary \t  ann\n", "MARY ANN"),
        ("O’Neill", "O'NEILL"),
        ("Anne\u00a0Marie", "ANNE MARIE"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text: str | None, folded: str) -> None:
    assert fold(text) == folded


@given(st.text())
def test_fold_is_idempotent_ascii_and_single_spaced(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded.isascii()
    assert folded == folded.upper()
    assert "  " not in folded
    assert folded == folded.strip()


# --- parse_full_name --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SMITH, John", NameParts("JOHN", None, "SMITH", None, False, "SMITH")),
        ("Smith, John Paul", NameParts("JOHN", "PAUL", "SMITH", None, False, "Smith")),
        ("John Paul Smith", NameParts("JOHN", "PAUL", "SMITH", None, False, "Smith")),
        ("Mr John Smith Jnr", NameParts("JOHN", None, "SMITH", "JR", False, "Smith")),
        ("Smith Jnr, John", NameParts("JOHN", None, "SMITH", "JR", False, "Smith")),
        ("SMITH, Mr John, Senior", NameParts("JOHN", None, "SMITH", "SR", False, "SMITH")),
        ("Dr. Kwame Mensah III", NameParts("KWAME", None, "MENSAH", "III", False, "Mensah")),
        ("J. SMITH", NameParts("J", None, "SMITH", None, True, "SMITH")),
        ("J SMITH", NameParts("J", None, "SMITH", None, True, "SMITH")),
        ("J.R. Smith", NameParts("J", "R", "SMITH", None, True, "Smith")),
        ("Sean O'Neill", NameParts("SEAN", None, "ONEILL", None, False, "O'Neill")),
        ("Sean O’Neill", NameParts("SEAN", None, "ONEILL", None, False, "O'Neill")),
        ("Sean O`Neill", NameParts("SEAN", None, "ONEILL", None, False, "O'Neill")),
        ("Anna Smith-Jones", NameParts("ANNA", None, "SMITH JONES", None, False, "Smith-Jones")),
        ("Maria de la Cruz", NameParts("MARIA", None, "DE LA CRUZ", None, False, "de la Cruz")),
        (
            "Pieter van der Berg",
            NameParts("PIETER", None, "VAN DER BERG", None, False, "van der Berg"),
        ),
        ("Ahmad bin Ismail", NameParts("AHMAD", None, "BIN ISMAIL", None, False, "bin Ismail")),
        ("Miss Zoë Nguyễn", NameParts("ZOE", None, "NGUYEN", None, False, "Nguyễn")),
        ("Mary-Jane Ellis", NameParts("MARY JANE", None, "ELLIS", None, False, "Ellis")),
        ("Mrs Patel", NameParts(None, None, "PATEL", None, False, "Patel")),
        ("Master", NameParts(None, None, "MASTER", None, False, "Master")),
        ("", NameParts(None, None, None, None, False, None)),
        (None, NameParts(None, None, None, None, False, None)),
    ],
)
def test_parse_full_name(text: str | None, expected: NameParts) -> None:
    assert parse_full_name(text) == expected


def test_decomposed_accents_stay_inside_the_word() -> None:
    decomposed = unicodedata.normalize("NFD", "Zoë Nguyễn")
    assert parse_full_name(decomposed) == parse_full_name("Zoë Nguyễn")
    assert parse_full_name(decomposed).surname == "NGUYEN"
    assert parse_full_name(decomposed).surname_display == "Nguyễn"


def test_parse_full_name_keeps_mc_and_mac_apart() -> None:
    assert parse_full_name("Ian McDonald").surname == "MCDONALD"
    assert parse_full_name("Ian MacDonald").surname == "MACDONALD"
    assert parse_full_name("Ian Mc Donald").surname == "MCDONALD"


@given(st.text())
def test_parse_full_name_parts_are_letters_and_spaces(text: str) -> None:
    parts = parse_full_name(text)
    for value in (parts.first_name, parts.middle_names, parts.surname):
        assert value is None or (value and all(c.isupper() or c == " " for c in value))
        assert value is None or value.isascii()


# --- forenames and surnames -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "standard"),
    [
        ("Mary-Jane", "MARY JANE"),
        ("  zoë ", "ZOE"),
        ("Miss Kirsty", "KIRSTY"),
        ("John Jnr", "JOHN"),
        ("J.", "J"),
        ("Miss", "MISS"),  # a lone word is never dropped as a title
        ("Kylie2", "KYLIE"),
        ("", ""),
    ],
)
def test_standardise_forename(text: str, standard: str) -> None:
    assert standardise_forename(text) == standard


@pytest.mark.parametrize(
    ("text", "standard"),
    [
        ("O'Neill", "ONEILL"),
        ("O Neill", "ONEILL"),
        ("ONEILL", "ONEILL"),
        ("D'Arcy", "DARCY"),
        ("Smith-Jones", "SMITH JONES"),
        ("Smith - Jones", "SMITH JONES"),
        ("de la Cruz", "DE LA CRUZ"),
        ("McDonald", "MCDONALD"),
        ("MacDonald", "MACDONALD"),
        ("Mac Donald", "MACDONALD"),
        ("Nguyễn", "NGUYEN"),
        ("Mr Smith", "SMITH"),
        ("Smith Jnr", "SMITH"),
        ("", ""),
        (None, ""),
    ],
)
def test_standardise_surname(text: str | None, standard: str) -> None:
    assert standardise_surname(text) == standard


def test_mcdonald_and_macdonald_are_different_surnames() -> None:
    assert standardise_surname("McDonald") != standardise_surname("MacDonald")
    assert surname_parts("McDonald") != surname_parts("MacDonald")


@pytest.mark.parametrize(
    ("surname", "parts"),
    [
        ("SMITH-JONES", ["SMITH", "JONES"]),
        ("Smith Jones", ["SMITH", "JONES"]),
        ("VAN DER BERG", ["VANDERBERG"]),
        ("Vanderberg", ["VANDERBERG"]),
        ("de la Cruz-Garcia", ["DELACRUZ", "GARCIA"]),
        ("O'Neill", ["ONEILL"]),
        ("Smith", ["SMITH"]),
        ("", []),
        (None, []),
    ],
)
def test_surname_parts(surname: str | None, parts: list[str]) -> None:
    assert surname_parts(surname) == parts


# --- canonical forenames ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Bob", "ROBERT"),
        ("Robbie", "ROBERT"),
        ("Bobby", "ROBERT"),
        ("Liz", "ELIZABETH"),
        ("Beth", "ELIZABETH"),
        ("Lizzie", "ELIZABETH"),
        ("Betty", "ELIZABETH"),
        ("Eliza", "ELIZABETH"),
        ("Peggy", "MARGARET"),
        ("Maggie", "MARGARET"),
        ("Meg", "MARGARET"),
        ("Bill", "WILLIAM"),
        ("Will", "WILLIAM"),
        ("Liam", "WILLIAM"),
        ("Jim", "JAMES"),
        ("Jamie", "JAMES"),
        ("Kate", "CATHERINE"),
        ("Katie", "CATHERINE"),
        ("Kathryn", "CATHERINE"),
        ("Katherine", "CATHERINE"),
        ("Cathy", "CATHERINE"),
        ("Muhammad", "MOHAMMED"),
        ("Mohamed", "MOHAMMED"),
        ("Mohammad", "MOHAMMED"),
        ("Steven", "STEPHEN"),
        ("Steve", "STEPHEN"),
        ("Shaun", "SEAN"),
        ("Zoey", "ZOE"),
        ("Zoë", "ZOE"),
        ("Jon", "JONATHAN"),
        ("Jonathon", "JONATHAN"),
        ("Johnny", "JOHN"),
        ("Jo-Anne", "JOANNE"),
        ("Bob James", "ROBERT JAMES"),
        ("Robert", "ROBERT"),
        ("Xanthe", "XANTHE"),
        ("", ""),
    ],
)
def test_canonical_forename(name: str, canonical: str) -> None:
    assert canonical_forename(name) == canonical


@pytest.mark.parametrize("shared_by_sexes", ["ALEX", "SAM", "CHRIS", "JO", "PAT", "CHARLIE"])
def test_short_forms_shared_by_male_and_female_names_are_not_mapped(shared_by_sexes: str) -> None:
    assert canonical_forename(shared_by_sexes) == shared_by_sexes


def test_gendered_pairs_keep_different_canonicals() -> None:
    assert canonical_forename("Alexander") != canonical_forename("Alexandra")
    assert canonical_forename("Samuel") != canonical_forename("Samantha")
    assert canonical_forename("Nicholas") != canonical_forename("Nicola")


def _variant_rows() -> list[dict[str, str]]:
    source = resources.files("famlink.standardise") / "data" / "uk_forename_variants.csv"
    return list(csv.DictReader(source.read_text(encoding="utf-8").splitlines()))


def test_variant_table_is_large_unique_and_standardised() -> None:
    rows = _variant_rows()
    assert len(rows) >= 400
    variants = [row["variant"] for row in rows]
    assert len(variants) == len(set(variants))
    for row in rows:
        assert standardise_forename(row["variant"]) == row["variant"]
        assert standardise_forename(row["canonical"]) == row["canonical"]
        assert row["variant"] != row["canonical"]


def test_variant_table_has_no_chains() -> None:
    table = forename_variants()
    assert not set(table.values()) & set(table)
    for canonical in set(table.values()):
        assert canonical_forename(canonical) == canonical


# --- phonetic key -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Stephen", "Steven"),
        ("Smith", "Smyth"),
        ("Catherine", "Katherine"),
        ("Philip", "Phillip"),
        ("Mohammed", "Muhammad"),
        ("O'Neill", "ONEILL"),
        ("Van der Berg", "VANDERBERG"),
        ("Zoë", "ZOE"),
    ],
)
def test_phonetic_key_agrees_on_sound_alikes(a: str, b: str) -> None:
    assert phonetic_key(a) == phonetic_key(b) != ""


@pytest.mark.parametrize(("a", "b"), [("Smith", "Jones"), ("Ali", "Patel"), ("Mary", "Martin")])
def test_phonetic_key_separates_different_names(a: str, b: str) -> None:
    assert phonetic_key(a) != phonetic_key(b)


@pytest.mark.parametrize("empty", ["", None, "  ", "123", "--"])
def test_phonetic_key_of_nothing_is_empty(empty: str | None) -> None:
    assert phonetic_key(empty) == ""


@given(st.text())
def test_phonetic_key_is_ascii_and_deterministic(text: str) -> None:
    key = phonetic_key(text)
    assert key.isascii()
    assert key == phonetic_key.__wrapped__(text)
