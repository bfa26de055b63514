"""UK public identifiers: clean, validate and compute check characters.

Rules (see docs/identifiers.md for sources):
- NHS number: 10 digits, the 10th a modulus 11 check digit over weights 10..2;
  a computed check of 10 means the number is invalid.
- UPN: 13 characters, check letter + 12 digits (or 11 digits + letter for a temporary UPN);
  the check letter is sum(position * value for positions 2..13) mod 23 over A-Z less I, O, S.
- NI number: two prefix letters, six digits, suffix A-D; D F I Q U V never in the prefix,
  O never second; BG GB KN NK NT TN ZZ are not allocated. No check digit.
- UPRN: an integer from 1 to 999 999 999 999. No check digit.

Each ``clean_*`` returns the canonical text form or None when nothing usable is there;
each ``is_valid_*`` takes raw text. The same rules exist as SQL in ``identifier_sql``.
"""

from __future__ import annotations

import re

NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O, S
NINO_RE = re.compile(r"^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$")
UPN_RE = re.compile(r"^[A-Z]\d{12}$|^[A-Z]\d{11}[A-Z]$")
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")


def _squash(value: object) -> str:
    return _NON_ALNUM.sub("", str(value)).upper() if value is not None else ""


# --- NHS number -------------------------------------------------------------------------------

def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit for nine digits, or None where no valid number exists."""
    total = sum(int(d) * w for d, w in zip(first_nine, NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def clean_nhs_number(value: object) -> str | None:
    digits = _squash(value)
    return digits if digits.isdigit() and len(digits) == 10 else (digits or None)


def is_valid_nhs_number(value: object) -> bool:
    digits = _squash(value)
    if len(digits) != 10 or not digits.isdigit():
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def format_nhs_number(value: str) -> str:
    """3-3-4 display form."""
    return f"{value[:3]} {value[3:6]} {value[6:]}"


# --- Unique Pupil Number ----------------------------------------------------------------------

def _upn_char_value(char: str) -> int:
    return int(char) if char.isdigit() else UPN_LETTERS.index(char)


def upn_check_letter(last_twelve: str) -> str:
    """The check letter for characters 2..13 of a UPN."""
    total = sum(pos * _upn_char_value(ch) for pos, ch in enumerate(last_twelve.upper(), start=2))
    return UPN_LETTERS[total % 23]


def clean_upn(value: object) -> str | None:
    text = _squash(value)
    return text or None


def is_valid_upn(value: object) -> bool:
    text = _squash(value)
    if not UPN_RE.match(text):
        return False
    if text[-1].isalpha() and text[-1] not in UPN_LETTERS:
        return False
    return upn_check_letter(text[1:]) == text[0]


# --- National Insurance number ----------------------------------------------------------------

def clean_ni_number(value: object) -> str | None:
    text = _squash(value)
    return text or None


def is_valid_ni_number(value: object) -> bool:
    return bool(NINO_RE.match(_squash(value)))


# --- UPRN -------------------------------------------------------------------------------------

def clean_uprn(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    if text.endswith(".0"):  # spreadsheets turn identifiers into floats
        text = text[:-2]
    text = text.lstrip("0") if text.isdigit() else text
    return text or None


def is_valid_uprn(value: object) -> bool:
    text = clean_uprn(value) or ""
    return text.isascii() and text.isdigit() and 1 <= int(text) <= 999_999_999_999


VALIDATORS = {
    "nhs_number": is_valid_nhs_number,
    "upn": is_valid_upn,
    "ni_number": is_valid_ni_number,
    "uprn": is_valid_uprn,
}
