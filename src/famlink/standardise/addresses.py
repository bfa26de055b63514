"""Free-text UK addresses: one normal form for comparison, and a best-effort split into parts.

``normalise_address`` folds to upper-case ASCII, drops punctuation and expands abbreviations
(RD -> ROAD, APT -> FLAT ...). ST becomes SAINT where it starts a name (at the start of a
line, after a house number or after a street word: "12 ST JOHNS ROAD", "HIGH STREET ST
ALBANS") and STREET elsewhere. "3/12 HIGH ST" becomes "FLAT 3 12 HIGH STREET", the same as
"Flat 3, 12 High St". Number ranges stay joined: "12 - 14" -> "12-14"; a letter written apart
from its number joins it: "14 A HIGH ST" -> "14A HIGH STREET".

``parse_address`` reads comma-separated lines (or one line) into flat, house number, house
name, street, locality, town and postcode. The street is the first line holding a house
number followed by a street word (ROAD, LANE, COURT ...), else the first line with a street
word. It is a heuristic: "12 Rose Court, High Street" takes ROSE COURT as the street.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from famlink.standardise.names import fold

CACHE_SIZE = 200_000

ABBREVIATIONS = {
    "RD": "ROAD", "STR": "STREET", "AVE": "AVENUE", "AV": "AVENUE", "AVEN": "AVENUE",
    "CL": "CLOSE", "CRES": "CRESCENT", "CRESC": "CRESCENT", "CRS": "CRESCENT", "DR": "DRIVE",
    "DRV": "DRIVE", "GDNS": "GARDENS", "GDN": "GARDEN", "GRN": "GREEN", "GRO": "GROVE",
    "GR": "GROVE", "LN": "LANE", "PL": "PLACE", "SQ": "SQUARE", "TER": "TERRACE", "TERR": "TERRACE",
    "TCE": "TERRACE", "CT": "COURT", "CRT": "COURT", "PK": "PARK", "WY": "WAY", "WLK": "WALK",
    "MWS": "MEWS", "PDE": "PARADE", "PROM": "PROMENADE", "VW": "VIEW", "HTS": "HEIGHTS",
    "HL": "HILL", "BLVD": "BOULEVARD", "BVD": "BOULEVARD", "BDWY": "BROADWAY",
    "APPR": "APPROACH", "EMB": "EMBANKMENT", "ESP": "ESPLANADE", "YD": "YARD", "QY": "QUAY",
    "WHF": "WHARF", "MT": "MOUNT", "ORCH": "ORCHARD", "HSE": "HOUSE", "HO": "HOUSE",
    "APT": "FLAT", "APTS": "FLAT", "APARTMENT": "FLAT", "FLT": "FLAT", "BLDG": "BUILDING",
    "BLDGS": "BUILDINGS", "CTGE": "COTTAGE", "COTT": "COTTAGE", "COTTS": "COTTAGES",
    "FM": "FARM", "LDG": "LODGE", "MNR": "MANOR", "MANS": "MANSIONS", "EST": "ESTATE",
    "GT": "GREAT", "LT": "LITTLE", "LWR": "LOWER", "UPR": "UPPER", "NTH": "NORTH",
    "STH": "SOUTH", "RM": "ROOM", "FLR": "FLOOR", "GRD": "GROUND", "GND": "GROUND",
    "BSMT": "BASEMENT", "1ST": "FIRST", "2ND": "SECOND", "3RD": "THIRD",
}  # fmt: skip
STREET_TYPES = frozenset({
    "ROAD", "STREET", "AVENUE", "CLOSE", "CRESCENT", "DRIVE", "GARDENS", "GARDEN", "GREEN",
    "GROVE", "LANE", "PLACE", "SQUARE", "TERRACE", "COURT", "PARK", "WAY", "WALK", "MEWS",
    "RISE", "ROW", "HILL", "VIEW", "PARADE", "CHASE", "MEADOW", "MEADOWS", "VALE", "WHARF",
    "QUAY", "YARD", "BOULEVARD", "BROADWAY", "CIRCUS", "EMBANKMENT", "APPROACH", "CROFT",
    "DENE", "ESPLANADE", "GLADE", "HEIGHTS", "ORCHARD", "PATH", "PROMENADE", "WYND", "GATE",
    "VILLAS",
})  # fmt: skip
# Words that end a house name written before the street on the same line.
BUILDING_WORDS = frozenset({
    "HOUSE", "COTTAGE", "FARM", "LODGE", "HALL", "BARN", "MANOR", "VILLA", "BUNGALOW", "GRANGE",
    "FARMHOUSE", "RECTORY", "VICARAGE", "MANSIONS", "BUILDING", "TOWER",
})  # fmt: skip
SUB_BUILDING_WORDS = frozenset({"FLAT", "UNIT", "ROOM", "STUDIO", "MAISONETTE"})
FLOOR_WORDS = frozenset({"GROUND", "FIRST", "SECOND", "THIRD", "TOP", "LOWER", "UPPER"})

_SEGMENT_SEPARATOR = re.compile(r"[,;\n\r|]+")
_NOT_ADDRESS_CHAR = re.compile(r"[^A-Z0-9/\- ]+")
_DIGIT_JOINER = re.compile(r"(?<=[0-9])\s*([/-])\s*(?=[0-9])")
_FLAT_SLASH_NUMBER = re.compile(r"([0-9]+[A-Z]?)/([0-9]+[A-Z]?)")
_NUMBER_RANGE = re.compile(r"[0-9]+[A-Z]?-[0-9]+[A-Z]?")
_HOUSE_NUMBER = re.compile(r"([0-9]+)([A-Z]?)(?:-[0-9]+[A-Z]?)?")
_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})")
_OUTWARD, _INWARD = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?"), re.compile(r"[0-9][A-Z]{2}")


@dataclass(frozen=True, slots=True)
class AddressParts:
    """Parts of one address in normal form; None where a part was not found."""

    flat: str | None  # "3", "C" (from 12C), "GROUND FLOOR", "ROOM 4"
    house_number: str | None  # "12", "12-14"
    house_name: str | None  # "ROSE COTTAGE"
    street: str | None  # "HIGH STREET"
    locality: str | None
    town: str | None
    tokens: tuple[str, ...]  # every normalised token, for term-frequency comparisons
    postcode: str | None = None  # "SW1A 1AA", as found; not validated here


# --- normal form -------------------------------------------------------------------------------


@lru_cache(maxsize=CACHE_SIZE)
def _line_tokens(line: str) -> tuple[str, ...]:
    """Normal-form tokens of one address line (no commas)."""
    text = _NOT_ADDRESS_CHAR.sub(" ", fold(line.replace("&", " AND ")).replace("'", ""))
    raw: list[str] = []
    for token in _DIGIT_JOINER.sub(r"\1", text).split():
        raw.extend(_split_token(token, previous=raw[-1] if raw else None))
    return tuple(_expand(raw))


def _split_token(token: str, previous: str | None) -> list[str]:
    if "/" in token and (match := _FLAT_SLASH_NUMBER.fullmatch(token)):
        said_flat = (
            previous is not None and ABBREVIATIONS.get(previous, previous) in SUB_BUILDING_WORDS
        )
        flat_word = [] if said_flat else ["FLAT"]
        return [*flat_word, match[1], match[2]]
    if "-" in token and _NUMBER_RANGE.fullmatch(token):
        return [token]
    if "/" in token or "-" in token:
        return [part for part in re.split(r"[/-]", token) if part]
    return [token]


def _expand(tokens: Sequence[str]) -> list[str]:
    expanded: list[str] = []
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if token == "ST":
            expanded.append(_saint_or_street(expanded[-1] if expanded else None, following))
        elif token == "NO" and _number_follows(tokens, index):
            continue  # "NO 12" is house number 12
        elif _is_suffix_letter(token, expanded, following):
            expanded[-1] += token  # "14 A HIGH STREET" is 14A
        else:
            expanded.append(ABBREVIATIONS.get(token, token))
    return expanded


def _is_suffix_letter(token: str, before: Sequence[str], following: str | None) -> bool:
    return (len(token) == 1 and token.isalpha() and following is not None
            and bool(before) and before[-1].isdigit())


def _number_follows(tokens: Sequence[str], index: int) -> bool:
    """True when the run of NO tokens at ``index`` is followed by a number."""
    following = next((token for token in tokens[index:] if token != "NO"), "")
    return following[:1].isdigit()


def _saint_or_street(previous: str | None, following: str | None) -> str:
    starts_name = previous is None or previous[0].isdigit() or previous in STREET_TYPES
    if starts_name and following is not None and following.isalpha():
        following = ABBREVIATIONS.get(following, following)
        if following not in STREET_TYPES:
            return "SAINT"
    return "STREET"


def _lines(text: str) -> list[tuple[str, ...]]:
    return [tokens for line in _SEGMENT_SEPARATOR.split(text) if (tokens := _line_tokens(line))]


@lru_cache(maxsize=CACHE_SIZE)
def normalise_address(text: str | None) -> str:
    """One upper-case line: "Flat 3, 12 High St." -> "FLAT 3 12 HIGH STREET"."""
    if not text:
        return ""
    # a second pass over the joined lines, so the normal form is its own normal form
    return " ".join(_expand([token for line in _lines(text) for token in line]))


def address_tokens(text: str | None) -> list[str]:
    """The normal-form tokens, for term-frequency comparisons."""
    return normalise_address(text).split()


# --- parts -------------------------------------------------------------------------------------


@lru_cache(maxsize=CACHE_SIZE)
def parse_address(text: str | None) -> AddressParts:
    """Split an address into parts; see the module notes for the rules."""
    lines = [list(line) for line in _lines(text)] if text else []
    tokens = tuple(address_tokens(text))  # the normal form's, across line breaks too
    postcode = _take_postcode(lines)
    flat = _take_sub_building(lines)
    lines = [line for line in lines if line]
    at = _street_line_index(lines)
    if at is None:  # no street: a first line that is a bare number is still the house number
        house_number, house_name = _house_from_lines(lines[:1], None, [])
        if house_number is not None:
            house_number, flat = _house_number(house_number, flat)
        return _parts(flat, house_number, house_name, None, lines[1:], tokens, postcode)
    before, line, after = lines[:at], lines[at], lines[at + 1 :]
    number_at, street_end = _street_span(line)
    number, flat = _house_number(line[number_at] if number_at is not None else None, flat)
    name_words = line[:number_at] if number_at is not None else []
    street_start = number_at + 1 if number_at is not None else 0
    name_words, street_start = _house_name_in_line(line, name_words, street_start, street_end)
    house_number, house_name = _house_from_lines(before, number, name_words)
    if number is None and house_number is not None:  # "12C, HIGH STREET": as "12C HIGH STREET"
        house_number, flat = _house_number(house_number, flat)
    street = " ".join(line[street_start:street_end]) or None
    rest = ([line[street_end:]] if street_end < len(line) else []) + after
    return _parts(flat, house_number, house_name, street, rest, tokens, postcode)


def _parts(
    flat: str | None,
    house_number: str | None,
    house_name: str | None,
    street: str | None,
    rest: list[list[str]],
    tokens: tuple[str, ...],
    postcode: str | None,
) -> AddressParts:
    """The last remaining line is the town; any lines between street and town the locality."""
    town = " ".join(rest[-1]) if rest else None
    locality = " ".join(" ".join(line) for line in rest[:-1]) or None
    return AddressParts(flat, house_number, house_name, street, locality, town, tokens, postcode)


def _take_postcode(lines: list[list[str]]) -> str | None:
    if not lines:
        return None
    last = lines[-1]
    if last and (match := _POSTCODE.fullmatch(last[-1])):
        del last[-1]
        return f"{match[1]} {match[2]}"
    if len(last) >= 2 and _INWARD.fullmatch(last[-1]) and _OUTWARD.fullmatch(last[-2]):
        postcode = f"{last[-2]} {last[-1]}"
        del last[-2:]
        return postcode
    return None


def _take_sub_building(lines: list[list[str]]) -> str | None:
    """Remove and return the first flat, unit or floor found: "FLAT 3", "GROUND FLOOR FLAT"."""
    for line in lines:
        for index, token in enumerate(line):
            if (
                token in SUB_BUILDING_WORDS
                and index + 1 < len(line)
                and _is_flat_id(line[index + 1])
            ):
                flat = line[index + 1] if token == "FLAT" else f"{token} {line[index + 1]}"
                del line[index : index + 2]
                return flat
            if (token in FLOOR_WORDS or token == "BASEMENT") and (
                floor := _take_floor(line, index)
            ):
                return floor
    return None


def _take_floor(line: list[str], index: int) -> str | None:
    end = index + 1
    if line[index] != "BASEMENT":
        if end >= len(line) or line[end] != "FLOOR":
            return None
        end += 1
    described = " ".join(line[index:end])
    if end < len(line) and line[end] in SUB_BUILDING_WORDS:
        end += 1
    del line[index:end]
    return described


def _is_flat_id(token: str) -> bool:
    return len(token) == 1 or any(char.isdigit() for char in token)


def _street_line_index(lines: Sequence[Sequence[str]]) -> int | None:
    spans = [_street_span(line) for line in lines]
    for wanted in (_numbered_street, _named_street, _numbered_line):
        for index, (number_at, street_end) in enumerate(spans):
            if wanted(lines[index], number_at, street_end):
                return index
    return None


def _numbered_street(line: Sequence[str], number_at: int | None, street_end: int) -> bool:
    return number_at is not None and _street_word_at(line, number_at + 1) is not None


def _named_street(line: Sequence[str], number_at: int | None, street_end: int) -> bool:
    return _street_word_at(line, 0) is not None


def _numbered_line(line: Sequence[str], number_at: int | None, street_end: int) -> bool:
    return number_at is not None and number_at + 1 < len(line)


def _street_span(line: Sequence[str]) -> tuple[int | None, int]:
    """(index of the house number or None, end of the street words)."""
    number_at = next((i for i, token in enumerate(line) if _HOUSE_NUMBER.fullmatch(token)), None)
    start = number_at + 1 if number_at is not None else 0
    word_at = _street_word_at(line, start)
    if word_at is None:
        return number_at, len(line)
    end = word_at + 1
    while end < len(line) and line[end] in STREET_TYPES:
        end += 1
    return number_at, end


def _street_word_at(line: Sequence[str], start: int) -> int | None:
    """First street word after at least one name word: THE GREEN, PARK LANE (not PARK)."""
    return next((i for i in range(start + 1, len(line)) if line[i] in STREET_TYPES), None)


def _house_number(token: str | None, flat: str | None) -> tuple[str | None, str | None]:
    """12C -> house 12, flat C (when no flat was given); 12-14 stays a range."""
    if token is None:
        return None, flat
    match = _HOUSE_NUMBER.fullmatch(token)
    if match and match[2] and flat is None and "-" not in token:
        return match[1], match[2]
    return token, flat


def _house_name_in_line(
    line: Sequence[str], name_words: Sequence[str], start: int, end: int
) -> tuple[list[str], int]:
    """ "ROSE COTTAGE MILL LANE": the words up to a building word are the house name."""
    if name_words:
        return list(name_words), start
    building_at = [i for i in range(start + 1, end - 2) if line[i] in BUILDING_WORDS]
    if not building_at:
        return [], start
    return list(line[start : building_at[-1] + 1]), building_at[-1] + 1


def _house_from_lines(
    before: Sequence[Sequence[str]], number: str | None, name_words: Sequence[str]
) -> tuple[str | None, str | None]:
    """Lines before the street: a bare number is the house number, anything else its name."""
    names = [" ".join(line) for line in before]
    bare_number = len(before) == 1 and len(before[0]) == 1 and _HOUSE_NUMBER.fullmatch(before[0][0])
    if number is None and bare_number:
        return before[0][0], None
    names.append(" ".join(name_words))
    return number, " ".join(name for name in names if name) or None
