"""Allocating synthetic identifiers that are valid in form and unique in the town.

NHS numbers come from the 999 test range, which is never issued (so at most ~909,000
valid ones exist: a town larger than that leaves the rest without one). NI numbers use
valid prefixes and suffixes A-D. Numbers are drawn from a seeded permutation, never from
``hash()`` or set order.
"""

from __future__ import annotations

import random

from famlink.standardise.identifiers import nhs_check_digit

_NI_FIRST = "ABCEGHJKLMNPRSTWXYZ"
_NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_NI_BANNED = ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ")
NI_PREFIXES = [a + b for a in _NI_FIRST for b in _NI_SECOND if a + b not in _NI_BANNED]
_MILLION = 1_000_000
_STRIDE = 7919  # coprime with 10**6: k -> (k * stride + offset) mod 10**6 is a permutation


class IdAllocator:
    def __init__(self, rng: random.Random):
        self._nhs_k = 0
        self._nhs_offset = rng.randrange(_MILLION)
        self._ni_k = 0
        self._ni_offset = rng.randrange(_MILLION)
        self._ni_prefix0 = rng.randrange(len(NI_PREFIXES))

    def nhs(self) -> str:
        while self._nhs_k < _MILLION:
            n = (self._nhs_k * _STRIDE + self._nhs_offset) % _MILLION
            self._nhs_k += 1
            nine = f"999{n:06d}"
            check = nhs_check_digit(nine)
            if check is not None:
                return f"{nine}{check}"
        return ""

    def ni(self) -> str:
        k = self._ni_k
        self._ni_k += 1
        prefix = NI_PREFIXES[(k // _MILLION + self._ni_prefix0) % len(NI_PREFIXES)]
        digits = (k * _STRIDE + self._ni_offset) % _MILLION
        return f"{prefix}{digits:06d}{'ABCD'[k % 4]}"
