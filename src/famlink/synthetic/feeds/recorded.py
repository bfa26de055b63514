"""How a person looks in a source system on a given day: names, date of birth and address
as recorded, with the feed's errors applied."""

from __future__ import annotations

from famlink.synthetic.dates import dmy, to_date
from famlink.synthetic.feeds.base import FeedContext
from famlink.synthetic.gazetteer import TOWN, Address
from famlink.synthetic.model import Person

ABBREVIATIONS = {"Street": "St", "Road": "Rd", "Avenue": "Ave", "Close": "Cl", "Drive": "Dr",
                 "Crescent": "Cres", "Gardens": "Gdns", "Terrace": "Terr", "Place": "Pl",
                 "Lane": "Ln", "Grove": "Gr"}


def names(ctx: FeedContext, person: Person, o: int) -> tuple[str, str, str]:
    """(forename, middle names, surname) as this feed records them on day ``o``."""
    c = ctx.corrupt
    surname = person.surname_at(o)
    before = person.previous_surname(o)
    if before is not None and c.chance("old_surname"):
        surname = before
    first = c.forename(c.accents(person.first))
    middle = c.missing(c.accents(person.middle))
    surname = c.surname(c.accents(surname))
    if c.chance("swapped_names"):
        first, surname = surname, first
    return first, middle, surname


def dob(ctx: FeedContext, person: Person, fmt: str = "dmy") -> str:
    recorded = ctx.corrupt.dob(person.dob)
    if recorded is None:
        return ""
    return dmy(recorded) if fmt == "dmy" else fmt_date(recorded, fmt)


def fmt_date(o: int, fmt: str) -> str:
    return to_date(o).strftime(fmt)


def home(ctx: FeedContext, person: Person, o: int, stale_days: int = 730) -> Address | None:
    """The address a feed holds for the person: sometimes the one they moved away from."""
    span = person.span_at(o)
    if span is None:
        return None
    before = person.previous_span(o, stale_days)
    if before is not None and before[3] and ctx.corrupt.chance("stale_address"):
        span = before
    elif person.other_home is not None and person.other_home.uprn and ctx.rng.random() < 0.05:
        return ctx.town.address(person.other_home.uprn)
    return ctx.town.address(span[3])


def lines(ctx: FeedContext, addr: Address, width: int = 3) -> list[str]:
    """Address lines without town and postcode, padded to ``width``; maybe reformatted."""
    out = addr.lines()
    if ctx.corrupt.chance("address_variant"):
        out = _variant(ctx, addr, out)
    if len(out) > width:
        out = [*out[: width - 1], ", ".join(out[width - 1:])]
    return out + [""] * (width - len(out))


def _variant(ctx: FeedContext, addr: Address, out: list[str]) -> list[str]:
    roll = ctx.rng.random()
    if roll < 0.4:
        last = addr.street.rsplit(" ", 1)
        if len(last) == 2 and last[1] in ABBREVIATIONS:
            short = f"{last[0]} {ABBREVIATIONS[last[1]]}"
            return [line.replace(addr.street, short) for line in out]
    if roll < 0.6 and addr.locality != TOWN:
        return [line for line in out if line != addr.locality]
    if roll < 0.8 and addr.saon.startswith("Flat ") and addr.paon.isdigit():
        return [f"{addr.saon[5:]}/{addr.paon} {addr.street}", *out[2:]]
    if addr.paon[-1:].isalpha() and addr.paon[:1].isdigit():
        return [f"Flat {addr.paon[-1]}", f"{addr.paon[:-1]} {addr.street}", *out[1:]]
    return out


def one_line(ctx: FeedContext, addr: Address, with_town: bool = True) -> str:
    parts = [p for p in lines(ctx, addr, 5) if p]
    if with_town and (ctx.rng.random() > ctx.corrupt.p["missing_value"] * 3):
        parts.append(TOWN)
    return ", ".join(parts)


def postcode(ctx: FeedContext, addr: Address) -> str:
    return ctx.corrupt.postcode(addr.postcode)
