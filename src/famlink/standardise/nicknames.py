"""UK forename variants: diminutives and spellings mapped to one canonical forename.

The table ``data/uk_forename_variants.csv`` (columns ``variant,canonical``, both already in
standardised form) is loaded once per process. How it was drawn up:

- One canonical per cluster: CATHERINE for Katherine/Kathryn/Kate/Cathy, MOHAMMED for
  Muhammad/Mohamed/Mohd, SEAN for Shaun/Shawn, STEPHEN for Steven/Steve, JONATHAN for
  Jon/Jonny/Jonathon, while JOHN keeps Johnny and Jack.
- Diminutives that became given names in their own right (LIAM, JACK, HARRY, ALFIE, ARCHIE,
  KATIE, MOLLY, ELLIE) are still mapped. Treat an equal canonical forename as weaker
  evidence than an equal forename: Liam and William share a key, but Liam and Liam agree more.
- Short forms shared by a male and a female name (ALEX, SAM, CHRIS, CHARLIE, JO, PAT, TERRY,
  FRANKIE, NICKY, BILLIE, DANI, GERRY, LOU, SANDY, ROBIN, KIM) are left out, so that twins
  such as Alexander and Alexandra never share a key. They still match their full forms on
  string similarity (a shared prefix), which is where they would have helped.
- A male and a female full name never share a canonical (SAMUEL and SAMANTHA stay apart).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

VARIANTS_PACKAGE = "famlink.standardise"
VARIANTS_FILE = "uk_forename_variants.csv"


@cache
def forename_variants() -> Mapping[str, str]:
    """variant -> canonical, read-only; a canonical forename is never itself a variant."""
    source = resources.files(VARIANTS_PACKAGE) / "data" / VARIANTS_FILE
    rows = csv.DictReader(source.read_text(encoding="utf-8").splitlines())
    table = {row["variant"].strip().upper(): row["canonical"].strip().upper() for row in rows}
    return MappingProxyType(table)
