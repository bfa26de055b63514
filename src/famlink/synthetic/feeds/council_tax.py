"""Council tax liabilities from the revenues system, as Parquet.

Quirks: no date of birth; liable party names as one field with titles and often only
initials ("MR J SMITH", "MRS K A JONES-PATEL"); the name is rarely updated after a
marriage; typed date columns; a single person discount flag; the property reference is a
UPRN on only some accounts. The dirtiest feed.
"""

from __future__ import annotations

from famlink.synthetic.dates import OPEN, age_at
from famlink.synthetic.feeds import recorded
from famlink.synthetic.feeds.base import Counter, FeedContext
from famlink.synthetic.model import Person
from famlink.synthetic.writers import ParquetSink

NAME = "council_tax"
QUALITY = 2.0
COLUMNS = [("liability_id", "string"), ("account_ref", "string"), ("party_name", "string"),
           ("property_ref", "string"), ("addr1", "string"), ("addr2", "string"),
           ("addr3", "string"), ("postcode", "string"), ("band", "string"),
           ("liability_start", "date"), ("liability_end", "date"), ("spd", "bool")]
SPEC = {
    "description": "Council tax liable parties per account (revenues system extract).",
    "source": {"path": "incoming/council_tax/*.parquet", "format": "parquet"},
    "kind": "event",
    "record_id": "liability_id",
    "reliability": 0.5,
    "min_age": 18,
    "distinct_people_within": ["event_ref"],
    "residence": {"start": "event_date", "end": "event_end_date"},
    "columns": {
        "event_ref": {"from": "account_ref", "required": True},
        "full_name": {"from": "party_name", "split": "forename_surname"},
        "uprn": {"from": "property_ref", "parse": "uprn"},
        "address_line_1": {"from": "addr1"},
        "address_line_2": {"from": "addr2"},
        "address_line_3": {"from": "addr3"},
        "postcode": {"from": "postcode", "parse": "postcode"},
        "event_type": {"value": "council_tax_account"},
        "category": {"from": "band"},
        "event_date": {"from": "liability_start", "parse": "date", "required": True},
        "event_end_date": {"from": "liability_end", "parse": "date"},
        "x_single_person_discount": {"from": "spd", "parse": "boolean"},
    },
}


def _party_name(ctx: FeedContext, person: Person, o: int) -> str:
    rng = ctx.rng
    first, middle, surname = recorded.names(ctx, person, o)
    title = "MR" if person.sex == "M" else rng.choice(["MRS", "MISS", "MS"])
    roll = rng.random()
    if roll < 0.45:
        given = first
    elif roll < 0.8:
        given = first[:1]
    else:
        given = " ".join(n[:1] for n in (first, middle) if n)
    if person.suffix and rng.random() < 0.5:
        surname = f"{surname} {person.suffix}"
    name = f"{given} {surname}" if rng.random() < 0.1 else f"{title} {given} {surname}"
    return name.upper()


class Accounts:
    def __init__(self, ctx: FeedContext):
        self.ctx = ctx
        self.sink = ctx.open(NAME, ParquetSink(ctx.incoming / "liabilities.parquet", COLUMNS))
        self.ids = Counter("LI", 8)
        self.accounts = Counter("", 8, start=40_000_000)

    def account(self, uprn: int, start: int, end: int, liable: list[tuple[Person, int, int]],
                alone: bool) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        ref = self.accounts.next()
        addr = ctx.town.address(uprn)
        band = "ABCDEFGH"[min(7, int(rng.random() ** 1.5 * 6) + (addr.kind == "named"))]
        lines = recorded.lines(ctx, addr, 3)
        for person, frm, to in liable:
            rid = self.ids.next()
            row = [rid, ref, _party_name(ctx, person, frm),
                   str(uprn) if rng.random() < 0.6 else "", *(x.upper() for x in lines),
                   recorded.postcode(ctx, addr).upper(), band, frm, None if to >= OPEN else to,
                   alone]
            ctx.emit(self.sink, row, rid, person, frm, uprn)


def generate(ctx: FeedContext) -> None:
    accounts = Accounts(ctx)
    spells: dict[tuple[str, int], list[tuple[Person, int, int]]] = {}
    for person in ctx.town.persons:
        for frm, to, hh, uprn in person.spans:
            if to > frm:
                spells.setdefault((hh.hid, uprn), []).append((person, frm, to))
    for (_, uprn), people in spells.items():
        start = min(frm for _, frm, _ in people)
        end = max(to for _, _, to in people)
        adults = [(p, max(frm, p.dob + 18 * 365), to) for p, frm, to in people
                  if age_at(p.dob, to - 1) >= 18]
        adults = [(p, frm, to) for p, frm, to in adults if frm < to]
        if not adults:
            continue
        adults.sort(key=lambda a: (a[1], a[0].pid))
        liable = _liable(adults)
        accounts.account(uprn, start, end, liable, alone=len(adults) == 1)


def _liable(adults: list[tuple[Person, int, int]]) -> list[tuple[Person, int, int]]:
    """The first adult and a partner are liable; in house shares up to three are."""
    lead = adults[0][0]
    out = [adults[0]]
    for entry in adults[1:]:
        person = entry[0]
        if person is lead.partner or person.partner is lead or (
                lead.partner is None and person.family_at(entry[1]) is None and len(out) < 3):
            out.append(entry)
    return out
