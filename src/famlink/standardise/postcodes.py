"""UK postcodes: normalise to 'AA9A 9AA', validate the format, derive outward code and sector.

Format rules from Royal Mail's published structure (see docs/identifiers.md): outward code
in one of six shapes, inward code digit + two letters never using C I K M O V.
"""

from __future__ import annotations

import re

OUTWARD = r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"  # noqa: E501
INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
POSTCODE_PATTERN = f"{OUTWARD}{INWARD}"  # on the squashed form (no space); RE2-compatible
_POSTCODE_RE = re.compile(f"^(?:{POSTCODE_PATTERN}|GIR0AA)$")
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")


def squash_postcode(value: object) -> str:
    return _NON_ALNUM.sub("", str(value)).upper() if value is not None else ""


def is_valid_postcode(value: object) -> bool:
    return bool(_POSTCODE_RE.match(squash_postcode(value)))


def normalise_postcode(value: object) -> str | None:
    """'nb1 2ab', 'NB12AB' -> 'NB1 2AB'; None when empty. Invalid text is returned squashed."""
    text = squash_postcode(value)
    if not text:
        return None
    if len(text) >= 5 and _POSTCODE_RE.match(text):
        return f"{text[:-3]} {text[-3:]}"
    return text


def outward_code(value: object) -> str | None:
    text = normalise_postcode(value)
    return text.split(" ")[0] if text and " " in text else None


def postcode_sector(value: object) -> str | None:
    """'NB1 2AB' -> 'NB1 2'."""
    text = normalise_postcode(value)
    return text[:-2] if text and " " in text else None


def postcode_valid_sql(column: str) -> str:
    """SQL (DuckDB/RE2) that is true when ``column`` holds a valid postcode in any spacing."""
    squashed = f"upper(regexp_replace({column}, '[^0-9A-Za-z]', '', 'g'))"
    return f"regexp_full_match({squashed}, '{POSTCODE_PATTERN}|GIR0AA')"
