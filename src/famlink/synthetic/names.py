"""Names: skewed forename and surname frequencies by origin and birth era, diminutives.

The lists live in ``data/names.txt`` (most common first; weight falls with rank) and
``data/nicknames.txt``. Every name is drawn through the caller's ``random.Random``.
"""

from __future__ import annotations

import random
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

DATA = Path(__file__).parent / "data"
ORIGINS = ["british", "polish", "south_asian", "european", "west_african", "vietnamese"]
ORIGIN_WEIGHTS = list(accumulate([86.0, 4.0, 5.0, 2.0, 2.0, 1.0]))
OFFSET = {"surname": 8, "female": 4, "male": 4}  # weight of rank r: 1 / (r + offset)


class _Pool:
    __slots__ = ("cum", "names")

    def __init__(self, names: list[str], offset: int):
        self.names = names
        self.cum = list(accumulate(1.0 / (rank + offset) for rank in range(len(names))))

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.names, cum_weights=self.cum)[0]


def _parse(path: Path) -> dict[tuple[str, str, str], list[str]]:
    lists: dict[tuple[str, str, str], list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        head, names = line.split(":", 1)
        kind, origin, era = head.split()
        lists[(kind, origin, era)] = [n.strip() for n in names.split(",") if n.strip()]
    return lists


@lru_cache(maxsize=1)
def load_nicknames() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in (DATA / "nicknames.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            formal, short = line.split(":", 1)
            out[formal.strip()] = [s.strip() for s in short.split(",")]
    return out


def era_of(birth_year: int) -> str:
    return "old" if birth_year < 1975 else "mid" if birth_year < 2000 else "young"


class NameBank:
    def __init__(self) -> None:
        self.pools = {key: _Pool(names, OFFSET[key[0]])
                      for key, names in _parse(DATA / "names.txt").items()}
        self.nicknames = load_nicknames()

    def origin(self, rng: random.Random) -> str:
        return rng.choices(ORIGINS, cum_weights=ORIGIN_WEIGHTS)[0]

    def forename(self, rng: random.Random, sex: str, origin: str, birth_year: int) -> str:
        kind = "female" if sex == "F" else "male"
        if origin != "british" and (birth_year < 2000 or rng.random() < 0.7):
            return self.pools[(kind, origin, "any")].pick(rng)
        return self.pools[(kind, "british", era_of(birth_year))].pick(rng)

    def middle(self, rng: random.Random, sex: str, origin: str, birth_year: int,
               first: str) -> str:
        if rng.random() < 0.35:
            return ""
        for _ in range(3):
            name = self.forename(rng, sex, origin, birth_year)
            if name != first:
                return name
        return ""

    def surname(self, rng: random.Random, origin: str) -> str:
        return self.pools[("surname", origin, "any")].pick(rng)


def gendered(surname: str, sex: str) -> str:
    """Polish surnames take a feminine form: Kowalski -> Kowalska."""
    if sex == "F" and surname.endswith("ski"):
        return surname[:-1] + "a"
    if sex == "F" and surname.endswith("cki"):
        return surname[:-1] + "a"
    return surname


def masculine(surname: str) -> str:
    if surname.endswith(("ska", "cka")):
        return surname[:-1] + "i"
    return surname
