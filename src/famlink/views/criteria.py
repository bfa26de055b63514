"""A person search's criteria, read and checked: bad input is a FamlinkError saying what is
wrong and how to write it, never a crash and never a silent empty result."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from famlink.errors import FamlinkError
from famlink.standardise.dates import parse_date
from famlink.standardise.identifiers import (
    NINO_RE,
    UPN_LETTERS,
    UPN_RE,
    is_valid_nhs_number,
    is_valid_upn,
    upn_check_letter,
)
from famlink.standardise.names import parse_full_name
from famlink.standardise.postcodes import (
    OUTWARD,
    is_valid_postcode,
    normalise_postcode,
    squash_postcode,
)

MAX_LIMIT = 200
_SECTOR_RE = re.compile(f"^({OUTWARD})([0-9])$")
_OUTWARD_RE = re.compile(f"^{OUTWARD}$")
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")


@dataclass(frozen=True)
class Criteria:
    surname: str | None  # the only word, when the name is one word (forename or surname)
    forename: str | None
    dob: dt.date | None
    postcode: str | None  # 'NB1 2AB', a sector 'NB1 2' or a district 'NB1'
    identifier: tuple[str, str] | None  # (nhs_number | upn | ni_number, value)
    limit: int

    @property
    def one_word(self) -> bool:
        return self.surname is not None and self.forename is None

    @property
    def dob_swapped(self) -> dt.date | None:
        if self.dob is None or self.dob.day > 12 or self.dob.day == self.dob.month:
            return None
        return dt.date(self.dob.year, self.dob.day, self.dob.month)


def criteria_of(name: str | None, dob: str | dt.date | None, postcode: str | None,
                identifier: str | None, limit: int) -> Criteria:
    parts = parse_full_name(name) if name and name.strip() else None
    surname = parts.surname or parts.first_name if parts else None
    forename = parts.first_name if parts and parts.surname else None
    crit = Criteria(surname, forename, read_dob(dob), read_postcode(postcode),
                    read_identifier(identifier), int(limit))
    if not (crit.surname or crit.dob or crit.postcode or crit.identifier):
        raise FamlinkError("give at least one of a name, a date of birth, a postcode or an "
                           "identifier to search for")
    if not 1 <= crit.limit <= MAX_LIMIT:
        raise FamlinkError(f"the number of results must be between 1 and {MAX_LIMIT}, "
                           f"not {limit}")
    return crit


def read_dob(value: str | dt.date | None) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if value is None or not value.strip():
        return None
    found = parse_date(value, dayfirst=True)
    if found is None:
        raise FamlinkError(f"cannot read the date of birth {value!r}: give it as YYYY-MM-DD "
                           "or DD/MM/YYYY")
    if found > dt.date.today():
        raise FamlinkError(f"the date of birth {value!r} is in the future")
    return found


def read_postcode(value: str | None) -> str | None:
    """A full postcode, or its sector ('NB1 2') or district ('NB1'), normalised."""
    if value is None or not value.strip():
        return None
    squashed = squash_postcode(value).upper()
    if is_valid_postcode(squashed):
        return normalise_postcode(squashed)
    if sector := _SECTOR_RE.match(squashed):
        return f"{sector.group(1)} {sector.group(2)}"
    if _OUTWARD_RE.match(squashed):
        return squashed
    raise FamlinkError(f"{value!r} is not a UK postcode: give a postcode (NB1 2AB), a "
                       "sector (NB1 2) or a district (NB1)")


def read_identifier(value: str | None) -> tuple[str, str] | None:
    """An NHS number, a UPN or an NI number, recognised by its shape and checked."""
    if value is None or not value.strip():
        return None
    text = _NON_ALNUM.sub("", value).upper()
    if text.isdigit() and len(text) == 10:
        if not is_valid_nhs_number(text):
            raise FamlinkError(f"{value!r} is not a valid NHS number: its check digit (the "
                               "10th) does not match the first nine (modulus 11)")
        return ("nhs_number", text)
    if UPN_RE.match(text):
        if not is_valid_upn(text):
            raise FamlinkError(f"{value!r} is not a valid UPN: its check letter should be "
                               f"{_upn_letter(text)}, not {text[0]}")
        return ("upn", text)
    if len(text) == 9 and text[:2].isalpha() and text[2:8].isdigit():
        if not NINO_RE.match(text):
            raise FamlinkError(f"{value!r} is not a valid NI number: two allowed prefix "
                               "letters, six digits and a suffix A, B, C or D (QQ123456C)")
        return ("ni_number", text)
    raise FamlinkError(f"{value!r} is not an identifier famlink knows: an NHS number has 10 "
                       "digits, a UPN a letter and 12 more characters, an NI number the form "
                       "QQ123456C")


def _upn_letter(text: str) -> str:
    if text[-1].isalpha() and text[-1] not in UPN_LETTERS:
        return f"(none: {text[-1]} is never used as a UPN's final letter)"
    return upn_check_letter(text[1:])
