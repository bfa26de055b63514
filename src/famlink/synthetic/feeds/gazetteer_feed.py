"""The address reference feed: the council's LLPG extract, one row per UPRN."""

from __future__ import annotations

from famlink.synthetic.dates import day, dmy
from famlink.synthetic.feeds.base import FeedContext
from famlink.synthetic.gazetteer import TOWN
from famlink.synthetic.writers import CsvSink

NAME = "gazetteer"
QUALITY = 0.0
HEADER = ["UPRN", "USRN", "SAO_TEXT", "PAO_TEXT", "STREET_DESCRIPTOR", "LOCALITY", "TOWN_NAME",
          "POSTCODE_LOCATOR", "CLASSIFICATION_CODE", "LOGICAL_STATUS", "START_DATE"]
SPEC = {
    "description": "Local land and property gazetteer (LLPG) extract: the address register.",
    "source": {"path": "incoming/gazetteer/llpg_extract.csv", "format": "csv"},
    "kind": "address",
    "record_id": "UPRN",
    "reliability": 1.0,
    "columns": {
        "uprn": {"from": "UPRN", "parse": "uprn", "required": True},
        "address_line_1": {"from": "SAO_TEXT"},
        "address_line_2": {"from": "PAO_TEXT"},
        "address_line_3": {"from": "STREET_DESCRIPTOR"},
        "address_line_4": {"from": "LOCALITY"},
        "town": {"from": "TOWN_NAME"},
        "postcode": {"from": "POSTCODE_LOCATOR", "parse": "postcode", "required": True},
        "x_usrn": {"from": "USRN"},
        "x_classification": {"from": "CLASSIFICATION_CODE"},
        "x_logical_status": {"from": "LOGICAL_STATUS"},
        "x_start_date": {"from": "START_DATE", "parse": "date", "formats": ["%d/%m/%Y"]},
    },
}


def generate(ctx: FeedContext) -> None:
    sink = ctx.open(NAME, CsvSink(ctx.incoming / "llpg_extract.csv", HEADER))
    base = day(1996, 4, 1)
    for addr in ctx.town.gazetteer.addresses:
        start = base + (addr.uprn * 37) % 9000
        row = [str(addr.uprn), str(addr.usrn), addr.saon.upper(), addr.paon.upper(),
               addr.street.upper(), addr.locality.upper(), TOWN.upper(), addr.postcode,
               addr.classification, "1", dmy(start)]
        ctx.emit(sink, row, str(addr.uprn), None, start, addr.uprn)
