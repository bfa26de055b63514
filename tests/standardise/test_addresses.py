import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from famlink.standardise.addresses import (
    ABBREVIATIONS,
    AddressParts,
    address_tokens,
    normalise_address,
    parse_address,
)


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("12 High St.", "12 HIGH STREET"),
        ("12 High Street", "12 HIGH STREET"),
        ("4 Acacia Ave", "4 ACACIA AVENUE"),
        ("4 Acacia Av", "4 ACACIA AVENUE"),
        ("9 Elm Cl", "9 ELM CLOSE"),
        ("9 Moon Cres", "9 MOON CRESCENT"),
        ("9 Sunny Dr", "9 SUNNY DRIVE"),
        ("9 Kew Gdns", "9 KEW GARDENS"),
        ("9 Bay Grn", "9 BAY GREEN"),
        ("9 Ash Gro", "9 ASH GROVE"),
        ("9 Mill Ln", "9 MILL LANE"),
        ("9 Eaton Pl", "9 EATON PLACE"),
        ("9 Market Sq", "9 MARKET SQUARE"),
        ("9 Prospect Ter", "9 PROSPECT TERRACE"),
        ("9 Prospect Terr", "9 PROSPECT TERRACE"),
        ("9 Kings Ct", "9 KINGS COURT"),
        ("9 Hyde Pk", "9 HYDE PARK"),
        ("9 Long Wy", "9 LONG WAY"),
        ("Ivy Hse, 9 Long Rd", "IVY HOUSE 9 LONG ROAD"),
        ("Apt 4, 9 Long Rd", "FLAT 4 9 LONG ROAD"),
        ("Apartment 4, 9 Long Rd", "FLAT 4 9 LONG ROAD"),
        ("12 St Johns Rd", "12 SAINT JOHNS ROAD"),
        ("12 St. John's Road", "12 SAINT JOHNS ROAD"),
        ("St Marys Court, 3 Bell St", "SAINT MARYS COURT 3 BELL STREET"),
        ("3 Church St, St Albans", "3 CHURCH STREET SAINT ALBANS"),
        ("3 Church Street St Albans", "3 CHURCH STREET SAINT ALBANS"),
        ("3 Church St London", "3 CHURCH STREET LONDON"),
        ("3 St Rd", "3 STREET ROAD"),
        ("3/12 High Street", "FLAT 3 12 HIGH STREET"),
        ("3 / 12 High Street", "FLAT 3 12 HIGH STREET"),
        ("Flat 3/12 High Street", "FLAT 3 12 HIGH STREET"),
        ("Flat 3, 12 High St", "FLAT 3 12 HIGH STREET"),
        ("12C High Street", "12C HIGH STREET"),
        ("12 - 14 Mill Road", "12-14 MILL ROAD"),
        ("No. 4, Church Lane", "4 CHURCH LANE"),
        ("Stoke-on-Trent", "STOKE ON TRENT"),
        ("Rose & Crown Cottages", "ROSE AND CROWN COTTAGES"),
        ("1 Rue Théodore", "1 RUE THEODORE"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_address(text: str | None, normal: str) -> None:
    assert normalise_address(text) == normal


def test_flat_forms_normalise_alike() -> None:
    forms = [
        "Flat 3, 12 High St",
        "3/12 High Street",
        "FLAT 3 12 HIGH STREET",
        "Apt 3, 12 High St.",
    ]
    assert len({normalise_address(form) for form in forms}) == 1


def test_expansions_are_never_abbreviations_themselves() -> None:
    assert not set(ABBREVIATIONS.values()) & set(ABBREVIATIONS)


@given(st.text())
def test_normalise_address_is_idempotent(text: str) -> None:
    normal = normalise_address(text)
    assert normalise_address(normal) == normal
    assert normal.isascii()


@given(
    st.lists(
        st.sampled_from(
            [
                "12",
                "3/12",
                "ST",
                "NO",
                "-",
                "APT",
                "FLAT",
                "HIGH",
                "RD",
                ",",
                "14",
                "A",
                "12C",
                "&",
                "ST.",
                "'",
                "/",
                "JOHNS",
            ]
        )
    )
)
def test_normalise_address_is_idempotent_on_address_like_text(words: list[str]) -> None:
    normal = normalise_address(" ".join(words))
    assert normalise_address(normal) == normal


def test_address_tokens() -> None:
    assert address_tokens("Flat 3, 12 High St, Leeds") == [
        "FLAT",
        "3",
        "12",
        "HIGH",
        "STREET",
        "LEEDS",
    ]
    assert address_tokens("") == []


# --- parse_address ----------------------------------------------------------------------------


def test_letter_suffix_and_flat_number_share_the_building() -> None:
    letter = parse_address("12C High Street")
    numbered = parse_address("Flat 3, 12 High St")
    assert (letter.house_number, letter.street) == ("12", "HIGH STREET")
    assert (numbered.house_number, numbered.street) == ("12", "HIGH STREET")
    assert (letter.flat, numbered.flat) == ("C", "3")


def test_slash_flat_form_parses_like_the_long_form() -> None:
    assert parse_address("3/12 High Street") == parse_address("Flat 3, 12 High St")


def test_house_name_then_street() -> None:
    parts = parse_address("Rose Cottage, Mill Lane")
    assert parts == AddressParts(
        flat=None,
        house_number=None,
        house_name="ROSE COTTAGE",
        street="MILL LANE",
        locality=None,
        town=None,
        tokens=("ROSE", "COTTAGE", "MILL", "LANE"),
        postcode=None,
    )


def test_house_name_on_the_street_line() -> None:
    parts = parse_address("Rose Cottage Mill Lane")
    assert (parts.house_name, parts.street) == ("ROSE COTTAGE", "MILL LANE")


def test_full_address_with_locality_town_and_postcode() -> None:
    parts = parse_address(
        "Apartment 2, Rose Court, 12-14 Park Lane, Little Wittering, Chichester, PO20 8QA"
    )
    assert parts.flat == "2"
    assert parts.house_name == "ROSE COURT"
    assert parts.house_number == "12-14"
    assert parts.street == "PARK LANE"
    assert parts.locality == "LITTLE WITTERING"
    assert parts.town == "CHICHESTER"
    assert parts.postcode == "PO20 8QA"


def test_postcode_without_space_and_town_on_the_street_line() -> None:
    parts = parse_address("12 High St Newtown NB12AB")
    assert (parts.house_number, parts.street, parts.town, parts.postcode) == (
        "12", "HIGH STREET", "NEWTOWN", "NB1 2AB",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "flat", "number", "street"),
    [
        ("Ground Floor Flat, 21 The Green", "GROUND FLOOR", "21", "THE GREEN"),
        ("First Floor, 21 The Green", "FIRST FLOOR", "21", "THE GREEN"),
        ("1st Floor Flat 40 Queens Gdns", "FIRST FLOOR", "40", "QUEENS GARDENS"),
        ("Basement Flat, 3 Kings Rd", "BASEMENT", "3", "KINGS ROAD"),
        ("Room 4, 9 Mill Hill Road", "ROOM 4", "9", "MILL HILL ROAD"),
        ("Flat B, 9 Upper High Street", "B", "9", "UPPER HIGH STREET"),
        ("Flat 2, 12A Park Lane", "2", "12A", "PARK LANE"),
        ("12, Park Lane", None, "12", "PARK LANE"),
        ("12 Mount Pleasant, Leeds", None, "12", "MOUNT PLEASANT"),
        ("No 7 Park Lane", None, "7", "PARK LANE"),
    ],
)
def test_sub_buildings_numbers_and_streets(
    text: str, flat: str | None, number: str, street: str
) -> None:
    parts = parse_address(text)
    assert (parts.flat, parts.house_number, parts.street) == (flat, number, street)


def test_number_before_building_name_prefers_the_numbered_street_line() -> None:
    parts = parse_address("Flat 3, Rose Court, 12 High Street, Newtown")
    assert (parts.flat, parts.house_name, parts.house_number, parts.street, parts.town) == (
        "3", "ROSE COURT", "12", "HIGH STREET", "NEWTOWN",
    )  # fmt: skip


def test_address_without_a_street() -> None:
    parts = parse_address("Flat 2, Rose House, Newtown")
    assert (parts.flat, parts.house_name, parts.street, parts.town) == (
        "2", "ROSE HOUSE", None, "NEWTOWN",
    )  # fmt: skip


def test_a_bare_number_without_a_street_is_the_house_number() -> None:
    parts = parse_address("297, Irrigation Farm, Campsie")
    assert (parts.house_number, parts.house_name, parts.street, parts.town) == (
        "297", None, None, "CAMPSIE",
    )  # fmt: skip
    assert parse_address("12C, Meadow View").house_number == "12"
    assert parse_address("Rose House, Newtown").house_number is None


def test_empty_address() -> None:
    assert parse_address("") == AddressParts(None, None, None, None, None, None, (), None)
    assert parse_address(" , ,") == AddressParts(None, None, None, None, None, None, (), None)


@given(st.text())
@example("0:A;0")  # a suffix letter at the end of one line, a number on the next
def test_parse_address_tokens_are_the_normal_tokens(text: str) -> None:
    assert list(parse_address(text).tokens) == address_tokens(text)
