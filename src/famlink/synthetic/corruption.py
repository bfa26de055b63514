"""The error model: how each feed gets names, dates, addresses and identifiers wrong.

``ErrorRates`` holds realistic default probabilities; ``scale`` multiplies them all (0 gives
clean data) and each feed multiplies again by its own quality factor (health and schools
are cleaner than council tax and police). A ``Corruptor`` applies the rates for one feed,
drawing one random number per field and picking at most one error for it.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, fields

from famlink.synthetic.dates import day, to_date
from famlink.synthetic.names import load_nicknames

KEYBOARD = {
    "a": "qwsz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc",
    "g": "ftyhbv", "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop",
    "m": "njk", "n": "bhjm", "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz",
    "t": "rfgy", "u": "yhji", "v": "cfgb", "w": "qase", "x": "zsdc", "y": "tghu", "z": "asx",
}
PLACEHOLDER_DOB = day(1900, 1, 1)
_STRIP = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ø": "O", "ø": "o",
                        "ß": "ss", "Æ": "AE", "æ": "ae"})

# index -1 (no error) picks the last entry
_FORENAME_ACTIONS = ["nickname", "typo", "initial", "space", "case", ""]
_SURNAME_ACTIONS = ["typo", "space", "case", ""]


@dataclass(frozen=True)
class ErrorRates:
    """Probabilities of each kind of error, per field value, before feed quality."""

    scale: float = 1.0
    typo: float = 0.02  # insert / delete / substitute / transpose one character
    nickname: float = 0.05  # Bob for Robert, where a diminutive exists
    initial_only: float = 0.015
    swapped_names: float = 0.01  # forename and surname exchanged
    old_surname: float = 0.25  # after a surname change, still recorded under the old one
    dob_day_month_swap: float = 0.006
    dob_year_off: float = 0.006
    dob_missing: float = 0.015
    dob_placeholder: float = 0.003  # 01/01/1900
    stale_address: float = 0.2  # within two years of a move, the old address
    address_variant: float = 0.3  # St/Rd, "12A" forms, locality dropped
    postcode_typo: float = 0.015
    postcode_format: float = 0.06  # no space, lower case
    postcode_missing: float = 0.03
    missing_value: float = 0.03
    accents_dropped: float = 0.35
    whitespace: float = 0.02
    case: float = 0.04
    id_typo: float = 0.006  # one character of an identifier mistyped
    id_missing: float = 0.04

    def scaled(self, factor: float) -> dict[str, float]:
        return {f.name: min(0.95, getattr(self, f.name) * self.scale * factor)
                for f in fields(self) if f.name != "scale"}


def strip_accents(text: str) -> str:
    text = text.translate(_STRIP)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text))
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i - 1] + text[i:]
    if kind == 2 and i < len(text) - 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    near = KEYBOARD.get(text[i].lower())
    if not near:
        return text[:i] + text[i + 1:]
    c = near[rng.randrange(len(near))]
    return text[:i] + (c.upper() if text[i].isupper() else c) + text[i + 1:]


class Corruptor:
    def __init__(self, rates: ErrorRates, quality: float, rng: random.Random):
        self.rng = rng
        self.p = p = rates.scaled(quality)
        self.nicknames = load_nicknames()
        self._forename = self._cum(p["nickname"], p["typo"], p["initial_only"],
                                   p["whitespace"], p["case"])
        self._surname = self._cum(p["typo"], p["whitespace"], p["case"])
        self._dob = self._cum(p["dob_day_month_swap"], p["dob_year_off"], p["dob_missing"],
                              p["dob_placeholder"])
        self._postcode = self._cum(p["postcode_typo"], p["postcode_format"],
                                   p["postcode_missing"])
        self._ident = self._cum(p["id_typo"], p["id_missing"])

    @staticmethod
    def _cum(*ps: float) -> list[float]:
        out, total = [], 0.0
        for x in ps:
            total += x
            out.append(total)
        return out

    def _which(self, cum: list[float]) -> int:
        if not cum[-1]:
            return -1
        r = self.rng.random()
        for i, edge in enumerate(cum):
            if r < edge:
                return i
        return -1

    def chance(self, kind: str) -> bool:
        return self.rng.random() < self.p[kind]

    def accents(self, text: str) -> str:
        if text.isascii() or not self.chance("accents_dropped"):
            return text
        return strip_accents(text)

    def forename(self, name: str) -> str:
        action = _FORENAME_ACTIONS[self._which(self._forename)]
        if action == "nickname":
            options = self.nicknames.get(name)
            return options[self.rng.randrange(len(options))] if options else name
        return self._text(name, action)

    def surname(self, name: str) -> str:
        return self._text(name, _SURNAME_ACTIONS[self._which(self._surname)])

    def _text(self, name: str, action: str) -> str:
        if action == "typo":
            return typo(self.rng, name)
        if action == "initial":
            return name[:1]
        if action == "space":
            return f" {name}" if self.rng.random() < 0.5 else f"{name}  "
        if action == "case":
            return name.upper() if self.rng.random() < 0.7 else name.lower()
        return name

    def dob(self, dob: int) -> int | None:
        """A date of birth as recorded: maybe swapped, a year out, missing or 1900-01-01."""
        which = self._which(self._dob)
        if which == 0:
            d = to_date(dob)
            if d.day <= 12 and d.day != d.month:
                return day(d.year, d.day, d.month)
            return dob
        if which == 1:
            d = to_date(dob)
            year = d.year + self.rng.choice((-1, 1))
            return day(year, d.month, min(d.day, 28))
        if which == 2:
            return None
        if which == 3:
            return PLACEHOLDER_DOB
        return dob

    def postcode(self, postcode: str) -> str:
        which = self._which(self._postcode)
        if which == 0:
            i = self.rng.choice((len(postcode) - 1, len(postcode) - 2, len(postcode) - 3))
            if postcode[i].isdigit():
                return postcode[:i] + str((int(postcode[i]) + 1) % 10) + postcode[i + 1:]
            return postcode[:i] + self.rng.choice("ABDEFGHJLNPQRSTUWXYZ") + postcode[i + 1:]
        if which == 1:
            return postcode.replace(" ", "") if self.rng.random() < 0.6 else postcode.lower()
        if which == 2:
            return ""
        return postcode

    def identifier(self, value: str) -> str:
        if not value:
            return value
        which = self._which(self._ident)
        if which == 0:
            digits = [i for i, c in enumerate(value) if c.isdigit()]
            i = digits[self.rng.randrange(len(digits))]
            new = str((int(value[i]) + self.rng.randint(1, 9)) % 10)
            return value[:i] + new + value[i + 1:]
        if which == 1:
            return ""
        return value

    def missing(self, value: str) -> str:
        return "" if value and self.chance("missing_value") else value
