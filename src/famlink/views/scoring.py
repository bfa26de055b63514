"""How well one person's name, date of birth and postcode match a search, with the reasons.

Each part scores 0 to 1 and says why in words a practitioner reads ("forename BOB is a
nickname of ROBERT", "date of birth day/month swapped", "postcode sector NB1 2"); a part that
does not match scores 0 and gives no reason. ``search_persons`` weighs the parts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import jellyfish

from famlink.standardise.names import canonical_forename, phonetic_key

CLOSE = 0.85  # Jaro-Winkler similarity from which a spelling counts as a typo of the other


@dataclass(frozen=True)
class Part:
    score: float
    reason: str | None = None


NO_MATCH = Part(0.0)


def best(*parts: Part) -> Part:
    return max(parts, key=lambda p: p.score)


def surname_part(query: str, surname: str | None, former: str | None = None) -> Part:
    """Same surname, a former surname, one that sounds the same, or a close spelling."""
    if not surname and not former:
        return NO_MATCH
    if surname == query:
        return Part(1.0, "surname exact")
    if former == query:
        return Part(0.95, f"former surname {former}")
    if surname and phonetic_key(surname) == phonetic_key(query):
        return Part(0.85, f"surname {surname} sounds like {query}")
    similarity = jellyfish.jaro_winkler_similarity(query, surname or "")
    if similarity >= CLOSE:
        return Part(round(0.9 * similarity, 4), f"surname {surname} spelled close to {query}")
    return NO_MATCH


def forename_part(query: str, forename: str | None, canon: str | None) -> Part:
    """Same forename, a nickname of the same name, one that sounds the same, a close
    spelling, or (for a one-letter query) the same initial."""
    if not forename:
        return NO_MATCH
    if forename == query:
        return Part(1.0, "forename exact")
    if len(query) == 1:
        return Part(0.6, "forename initial") if forename.startswith(query) else NO_MATCH
    wanted = canonical_forename(query)
    if wanted and wanted == (canon or canonical_forename(forename)):
        # a record giving the full name itself says more than one giving another nickname
        return Part(0.9 if wanted in (forename, query) else 0.88,
                    _nickname(query, forename, wanted))
    if phonetic_key(forename) == phonetic_key(query):
        return Part(0.85, f"forename {forename} sounds like {query}")
    similarity = jellyfish.jaro_winkler_similarity(query, forename)
    if similarity >= CLOSE:
        return Part(round(0.85 * similarity, 4), f"forename {forename} spelled close to {query}")
    return NO_MATCH


def _nickname(query: str, forename: str, canon: str) -> str:
    if forename == canon:
        return f"forename {query} is a nickname of {canon}"
    if query == canon:
        return f"forename {forename} is a nickname of {canon}"
    return f"forenames {query} and {forename} are both forms of {canon}"


def dob_part(query: dt.date, dob: dt.date | None) -> Part:
    """The same date, day and month swapped, or one digit different (a typing slip)."""
    if dob is None:
        return NO_MATCH
    if dob == query:
        return Part(1.0, "date of birth exact")
    if query.day <= 12 and dob == _swapped(query):
        return Part(0.75, "date of birth day/month swapped")
    if jellyfish.hamming_distance(query.isoformat(), dob.isoformat()) == 1:
        return Part(0.6, f"date of birth {dob.isoformat()} one digit different")
    return NO_MATCH


def _swapped(day: dt.date) -> dt.date | None:
    try:
        return dt.date(day.year, day.day, day.month)
    except ValueError:
        return None


def postcode_part(query: str, postcode: str | None) -> Part:
    """The same postcode, the same sector (NB1 2), or the same district (NB1). A query
    that is itself a sector or district matches the postcodes within it."""
    if not postcode:
        return NO_MATCH
    if postcode == query:
        return Part(1.0, "postcode exact")
    sector, outward = postcode[:-2], postcode.split(" ")[0]
    if " " not in query:  # a district: NB1
        return Part(1.0, f"postcode in district {query}") if outward == query else NO_MATCH
    if len(query) == len(sector) and query == sector:  # a sector: NB1 2
        return Part(1.0, f"postcode in sector {query}")
    if query[:-2] == sector:
        return Part(0.6, f"postcode sector match ({sector})")
    if query.split(" ")[0] == outward:
        return Part(0.3, f"postcode district match ({outward})")
    return NO_MATCH
