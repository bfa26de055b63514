"""Person names from UK council feeds, reduced to forms that compare well.

Comparison forms are upper-case ASCII letters separated by single spaces:
- accents folded (Zoë -> ZOE, Nguyễn -> NGUYEN, Łukasz -> LUKASZ, Strauß -> STRAUSS);
- apostrophes dropped (O'Neill -> ONEILL), hyphens and other punctuation become spaces
  (Smith-Jones -> SMITH JONES), digits dropped;
- leading titles (MR, DR, REV...) and trailing generation suffixes (JNR, SNR, III) removed,
  the suffix kept apart as ``NameParts.generation``;
- in surnames a lone O, D, MC or MAC is joined to the next word (O NEILL -> ONEILL), but
  MCDONALD and MACDONALD stay different surnames.

Every function returns "" for missing input; ``NameParts`` uses None for an absent part,
so that a missing value never compares equal to another missing value downstream.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import jellyfish

from famlink.standardise.nicknames import forename_variants

CACHE_SIZE = 200_000

# Letters NFKD leaves whole; mapped before decomposition (output is upper-cased afterwards).
_LETTERS_NFKD_KEEPS = {
    "ß": "ss", "ẞ": "SS", "Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe",
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Þ": "TH", "þ": "th",
    "ı": "i", "ȷ": "j", "Ħ": "H", "ħ": "h", "Ŧ": "T", "ŧ": "t", "Ŋ": "NG", "ŋ": "ng",
    "Ə": "E", "ə": "e", "Ɖ": "D", "ɖ": "d", "ĸ": "k",
}  # fmt: skip
# Typographic apostrophes and dashes, so that O’Neill splits like O'Neill.
_PUNCTUATION_VARIANTS = str.maketrans(dict.fromkeys("’‘`´ʼʹ′", "'") | dict.fromkeys("‐‑‒–—―−", "-"))
_FOLD_TABLE = str.maketrans(_LETTERS_NFKD_KEEPS) | _PUNCTUATION_VARIANTS
_UNICODE_SPACE = re.compile(r"\s")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NAME_SEPARATOR = re.compile(r"[^\w\u0300-\u036f'\-]+|_+")  # combining accents stay in a word
_NOT_LETTER_OR_SPACE = re.compile(r"[^A-Z ]+")

TITLES = frozenset(
    [
        "MR",
        "MRS",
        "MS",
        "MISS",
        "MX",
        "MSTR",
        "MASTER",
        "DR",
        "DOCTOR",
        "REV",
        "REVD",
        "REVEREND",
        "SIR",
        "DAME",
        "LADY",
        "LORD",
        "PROF",
        "PROFESSOR",
        "FR",
        "FATHER",
        "SISTER",
        "CAPT",
        "CAPTAIN",
        "MAJ",
        "MAJOR",
        "COL",
        "CLLR",
        "HON",
        "RABBI",
        "MADAM",
        "MME",
    ]
)
GENERATIONS = {
    "JR": "JR", "JNR": "JR", "JUNIOR": "JR", "SR": "SR", "SNR": "SR", "SENIOR": "SR",
    "II": "II", "III": "III", "IV": "IV",
}  # fmt: skip
POST_NOMINALS = frozenset(["ESQ", "ESQUIRE", "OBE", "MBE", "CBE", "KBE", "PHD"])
_TRAILING_AFFIXES = POST_NOMINALS | GENERATIONS.keys()
_ALL_AFFIXES = TITLES | _TRAILING_AFFIXES
# Words that belong to the following surname word: "van der Berg", "de la Cruz", "bin Ali".
SURNAME_PARTICLES = frozenset(
    [
        "VAN",
        "VON",
        "DER",
        "DEN",
        "DE",
        "DEL",
        "DELLA",
        "DELA",
        "DI",
        "DA",
        "DOS",
        "DAS",
        "DU",
        "LA",
        "LE",
        "TER",
        "TEN",
        "ST",
        "SAINT",
        "AL",
        "EL",
        "BIN",
        "BINTI",
        "BINT",
        "AP",
        "ABU",
        "MC",
        "MAC",
    ]
)
# Written apart only when an apostrophe or space was lost: O NEILL, D ARCY, MC DONALD.
_GLUED_SURNAME_PREFIXES = frozenset({"O", "D", "MC", "MAC"})


@dataclass(frozen=True, slots=True)
class NameParts:
    """One free-text name split into comparison forms; None where a part is absent."""

    first_name: str | None
    middle_names: str | None  # space-separated
    surname: str | None
    generation: str | None  # "JR", "SR", "II", "III" or "IV"
    is_initial_only: bool  # the first name is a single letter
    surname_display: str | None = None  # as written, punctuation kept: "O'Neill", "Smith-Jones"


_NO_NAME = NameParts(None, None, None, None, False, None)


class _Token(NamedTuple):
    raw: str  # as written (apostrophes and hyphens kept)
    key: str  # comparison form; may hold several words ("SMITH-JONES" -> "SMITH JONES")


@lru_cache(maxsize=CACHE_SIZE)
def fold(text: str | None) -> str:
    """Upper-case ASCII with single spaces and no accents; punctuation is left in place."""
    if not text:
        return ""
    if not text.isascii():
        text = _to_ascii(text)
    upper = text.upper()
    if not upper.isprintable():
        upper = _CONTROL.sub(" ", upper)
    return " ".join(upper.split())


def _to_ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_TABLE))
    return _UNICODE_SPACE.sub(" ", decomposed).encode("ascii", "ignore").decode("ascii")


@lru_cache(maxsize=CACHE_SIZE)
def _token_key(raw: str) -> str:
    folded = fold(raw).replace("'", "").replace("-", " ")
    return " ".join(_NOT_LETTER_OR_SPACE.sub("", folded).split())


def _name_tokens(text: str) -> list[_Token]:
    text = text.translate(_PUNCTUATION_VARIANTS)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    raws = _NAME_SEPARATOR.split(text)
    return [_Token(raw, key) for raw in raws if raw and (key := _token_key(raw))]


def _strip_affixes(tokens: Sequence[_Token]) -> tuple[Sequence[_Token], str | None]:
    """Drop leading titles and trailing suffixes, always keeping at least one word."""
    start, end, generation = 0, len(tokens), None
    while end - start > 1 and tokens[start].key in TITLES:
        start += 1
    while end - start > 1 and tokens[end - 1].key in _TRAILING_AFFIXES:
        generation = generation or GENERATIONS.get(tokens[end - 1].key)
        end -= 1
    return tokens[start:end], generation


def _glue_prefixes(words: Iterable[str], prefixes: frozenset[str]) -> list[str]:
    """Join each run of prefix words onto the word after it: VAN DER BERG -> VANDERBERG."""
    joined: list[str] = []
    pending = ""
    for word in words:
        if word in prefixes:
            pending += word
        else:
            joined.append(pending + word)
            pending = ""
    if pending:
        joined.append(pending)
    return joined


def _surname_key(tokens: Iterable[_Token]) -> str:
    words = " ".join(token.key for token in tokens).split()
    return " ".join(_glue_prefixes(words, _GLUED_SURNAME_PREFIXES))


def _surname_start(tokens: Sequence[_Token]) -> int:
    """Index where the surname begins in forename-first order, particles included."""
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].key in SURNAME_PARTICLES:
        start -= 1
    return max(start, 0)


def _name_parts(
    forenames: Sequence[_Token], surnames: Sequence[_Token], generation: str | None
) -> NameParts:
    first = forenames[0].key if forenames else None
    middle = " ".join(token.key for token in forenames[1:])
    surname = _surname_key(surnames)
    display = " ".join(token.raw for token in surnames)
    is_initial = first is not None and len(first) == 1
    return NameParts(
        first, middle or None, surname or None, generation, is_initial, display or None
    )


@lru_cache(maxsize=CACHE_SIZE)
def parse_full_name(text: str | None) -> NameParts:
    """Split "Mr John Paul Smith Jnr" or "SMITH, John Paul" into parts.

    Without a comma the last word is the surname, together with any particles before it
    ("Maria de la Cruz"); a single word is taken as a surname.
    """
    if not text:
        return _NO_NAME
    head, comma, tail = text.partition(",")
    if comma:
        tail_tokens = _name_tokens(tail)
        if any(token.key not in _ALL_AFFIXES for token in tail_tokens):
            surnames, surname_generation = _strip_affixes(_name_tokens(head))
            forenames, generation = _strip_affixes(tail_tokens)
            return _name_parts(forenames, surnames, generation or surname_generation)
    tokens, generation = _strip_affixes(_name_tokens(text))
    start = _surname_start(tokens)
    return _name_parts(tokens[:start], tokens[start:], generation)


@lru_cache(maxsize=CACHE_SIZE)
def standardise_forename(text: str | None) -> str:
    """All forenames in one field, e.g. "Mary-Jane" -> "MARY JANE"; titles and suffixes removed."""
    if not text:
        return ""
    tokens, _ = _strip_affixes(_name_tokens(text))
    return " ".join(token.key for token in tokens)


@lru_cache(maxsize=CACHE_SIZE)
def standardise_surname(text: str | None) -> str:
    """A surname field: "O'Neill" -> "ONEILL", "Smith-Jones" -> "SMITH JONES"."""
    if not text:
        return ""
    tokens, _ = _strip_affixes(_name_tokens(text))
    return _surname_key(tokens)


@lru_cache(maxsize=CACHE_SIZE)
def _surname_parts(surname: str) -> tuple[str, ...]:
    return tuple(_glue_prefixes(standardise_surname(surname).split(), SURNAME_PARTICLES))


def surname_parts(surname: str | None) -> list[str]:
    """Parts of a multi-part surname, particles joined on: "VAN DER BERG" -> ["VANDERBERG"]."""
    return list(_surname_parts(surname)) if surname else []


@lru_cache(maxsize=CACHE_SIZE)
def canonical_forename(name: str | None) -> str:
    """The canonical form of a forename from the shipped variants table: "Bob" -> "ROBERT".

    A whole field is looked up first ("Jo-Anne" -> "JOANNE"), then each word on its own;
    a name not in the table maps to its standardised self.
    """
    standard = standardise_forename(name)
    variants = forename_variants()
    if standard in variants:
        return variants[standard]
    return " ".join(variants.get(word, word) for word in standard.split())


@lru_cache(maxsize=CACHE_SIZE)
def phonetic_key(name: str | None) -> str:
    """Metaphone key (jellyfish) of the standardised name, spaces ignored; "" for no letters."""
    letters = standardise_surname(name).replace(" ", "")
    return jellyfish.metaphone(letters) if letters else ""
