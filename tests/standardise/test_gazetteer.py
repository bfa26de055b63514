"""The gazetteer matcher on a small hand-built gazetteer, one address style per case."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from famlink.standardise import people
from famlink.standardise.address_match import match_addresses
from famlink.standardise.gazetteer import build_gazetteer

# uprn, SAO, PAO, street, locality, postcode
GAZETTEER = [
    ("101", None, "10", "HIGH STREET", "BECKSIDE", "NB3 1AB"),
    ("121", "FLAT 1", "12", "HIGH STREET", "BECKSIDE", "NB3 1AB"),
    ("122", "FLAT 2", "12", "HIGH STREET", "BECKSIDE", "NB3 1AB"),
    ("123", "FLAT 3", "12", "HIGH STREET", "BECKSIDE", "NB3 1AB"),
    ("141", None, "14A", "HIGH STREET", "BECKSIDE", "NB3 1AB"),
    ("142", None, "14B", "HIGH STREET", "BECKSIDE", "NB3 1AB"),
    ("160", None, "16", "HIGH STREET", "BECKSIDE", "NB3 1AB"),
    ("161", "FLAT 1", "16", "HIGH STREET", "BECKSIDE", "NB3 1AB"),
    ("162", "FLAT 2", "16", "HIGH STREET", "BECKSIDE", "NB3 1AB"),
    ("201", None, "ROSE COTTAGE", "MILL LANE", "BECKSIDE", "NB3 2AD"),
    ("202", None, "THE OLD FORGE", "MILL LANE", "BECKSIDE", "NB3 2AD"),
    ("301", "FLAT 1", "BEECH COURT", "ACORN ROAD", "BECKSIDE", "NB3 2AE"),
    ("302", "FLAT 2", "BEECH COURT", "ACORN ROAD", "BECKSIDE", "NB3 2AE"),
    ("311", "FLAT 2", "ELM HOUSE", "ACORN ROAD", "BECKSIDE", "NB3 2AE"),
    ("401", None, "10", "HIGH STREET", "HOBWELL", "NB7 1AA"),
    ("501", None, "5", "STATION ROAD", "BECKSIDE", "NB3 4AA"),
    ("502", None, "7", "STATION ROAD", "BECKSIDE", "NB3 4AB"),
    ("601", None, "3", "ST JOHNS CLOSE", "BECKSIDE", "NB3 5AA"),
]


def _gazetteer_source() -> pa.Table:
    cols = list(zip(*GAZETTEER, strict=True))
    return pa.table({"feed": ["llpg"] * len(GAZETTEER), "uprn": cols[0], "address": [None] * len(
        GAZETTEER), "address_line_1": cols[1], "address_line_2": cols[2],
        "address_line_3": cols[3], "address_line_4": cols[4],
        "town": ["NORTHBECK"] * len(GAZETTEER), "postcode": cols[5]})


def _person_records(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """person_records with the address columns the matcher reads, as standardise makes them."""
    parsed = [people.standardise_address(text) if text else {} for _, text, _, _ in rows]
    table = pa.table({
        "record_id": [r[0] for r in rows], "orig_address": [r[1] for r in rows],
        "orig_postcode": [r[2] for r in rows], "uprn": [r[3] for r in rows],
        **{c: [p.get(c) for p in parsed] for c in ("address_norm", "flat", "house_number",
                                                     "house_name", "street",
                                                     "found_postcode")},
        "address_tokens": pa.array([p.get("address_tokens") for p in parsed],
                                   pa.list_(pa.string()))})
    con.register("_input", table)
    pc = people.squashed_postcode_sql("coalesce(orig_postcode, found_postcode)")
    con.execute(f"""CREATE TABLE person_records AS SELECT *, 'test' AS feed,
        {people.valid_postcode_sql(pc)} AS postcode,
        coalesce({people.valid_postcode_sql(pc)}, NULLIF({pc}, '')) AS postcode_key
        FROM _input""")
    con.execute("ALTER TABLE person_records ADD COLUMN postcode_sector VARCHAR")
    con.execute("UPDATE person_records SET postcode_sector = left(postcode, length(postcode) - 2)")


CASES = [
    # record id, address, postcode, feed UPRN, expected UPRN, expected method
    ("abbreviation", "10 High St, Beckside", "NB3 1AB", None, "101", "exact"),
    ("slash flat", "3/12 High Street", "NB3 1AB", None, "123", "exact"),
    ("flat after", "12 High Street, Flat 2", "NB3 1AB", None, "122", "exact"),
    ("letter suffix", "14A High St", "nb31ab", None, "141", "exact"),
    ("letter as flat", "Flat B, 14 High Street, Beckside", "NB3 1AB", None, "142", "exact"),
    ("parent building", "16 High Street", "NB3 1AB", None, "160", "exact"),
    ("house name", "Rose Cottage, Mill Ln, Beckside", "NB3 2AD", None, "201", "exact"),
    ("house name typo", "The Old Froge, Mill Lane", "NB3 2AD", None, "202",
     "postcode+number+flat"),
    ("block", "Flat 2, Beech Ct, Acorn Rd", "NB3 2AE", None, "302", "exact"),
    ("block house", "Flat 2, Elm House, Acorn Road", "NB3 2AE", None, "311", "exact"),
    ("no postcode", "5 Station Road, Beckside", None, None, "501",
     "street+number (no postcode)"),
    ("invalid postcode", "5 Station Road", "NB3 4A", None, "501",
     "street+number (postcode corrected)"),
    ("wrong valid postcode", "5 Station Road", "NB3 4AB", None, "501",
     "street+number (postcode corrected)"),
    ("street typo", "5 Statoin Road", "NB3 4AA", None, "501", "postcode+number+flat"),
    ("saint", "3 St. Johns Cl", "NB3 5AA", None, "601", "exact"),
    ("locality breaks tie", "10 High Street, Hobwell", None, None, "401",
     "street+number (no postcode)"),
    ("one line, postcode in the text", "FLAT 2 12 HIGH STREET BECKSIDE NB3 1AB", None, None,
     "122", "exact"),
    ("flat in brackets", "12 High Street (Flat 2)", "NB3 1AB", None, "122", "exact"),
    ("letter apart", "14 A High Street", "NB3 1AB", None, "141", "exact"),
    ("flat number without 'flat'", "2 Beech Court, Acorn Road", "NB3 2AE", None, "302",
     "postcode+numbers"),
    ("block without street", "Flat 2, Elm House", "NB3 2AE", None, "311",
     "postcode+number+flat"),
    ("house name without 'the'", "Old Forge, Mill Lane", "NB3 2AD", None, "202",
     "postcode+words"),
    ("feed uprn", "anything at all", None, "0000201", "201", "feed_uprn"),
    ("feed uprn unknown, text found", "10 High St", "NB3 1AB", "999", "101",
     "exact (feed UPRN unknown)"),
    ("feed uprn unknown, no text", None, None, "998", None, "feed_uprn_unknown"),
    ("flat not given", "12 High Street", "NB3 1AB", None, None, None),
    ("two high streets", "10 High Street", None, None, None, None),
    ("not in gazetteer", "99 Nowhere Road", "NB9 9ZZ", None, None, None),
]
REASONS = {"flat not given": "ambiguous: flat not given", "two high streets": "ambiguous",
           "not in gazetteer": "not found",
           "feed uprn unknown, no text": "feed UPRN not in gazetteer, no address text"}


@pytest.fixture(scope="module")
def matched() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("_gaz", _gazetteer_source())
    assert build_gazetteer(con, "SELECT * FROM _gaz") == len(GAZETTEER)
    _person_records(con, [(c[0], c[1], c[2], people_uprn(c[3])) for c in CASES])
    counts = match_addresses(con, len(GAZETTEER))
    distinct = con.execute("SELECT count(DISTINCT (uprn, address_norm, postcode_key)) "
                           "FROM person_records").fetchall()[0][0]
    assert counts["addresses matched"] + counts["addresses unmatched"] == distinct
    assert counts["addresses unmatched"] == len(REASONS)
    return con


def people_uprn(value: str | None) -> str | None:
    return value.lstrip("0") if value else None


@pytest.mark.parametrize(("case", "uprn", "method"), [(c[0], c[4], c[5]) for c in CASES])
def test_match(matched: duckdb.DuckDBPyConnection, case: str, uprn: str | None,
               method: str | None) -> None:
    got = matched.execute("SELECT matched_uprn, uprn_method, uprn_confidence FROM "
                          "person_records WHERE record_id = ?", [case]).fetchall()[0]
    assert got[:2] == (uprn, method if uprn else got[1])
    if uprn is None:
        assert got[2] is None
    else:
        assert 0.5 < got[2] <= 1.0


@pytest.mark.parametrize(("case", "reason"), sorted(REASONS.items()))
def test_unmatched_reason(matched: duckdb.DuckDBPyConnection, case: str, reason: str) -> None:
    address = dict(CASES_BY_ID[case])
    rows = matched.execute("SELECT reason, n_records FROM unmatched_addresses WHERE "
                           "address IS NOT DISTINCT FROM ? AND feed_uprn IS NOT DISTINCT FROM ?",
                           [address["text"], people_uprn(address["uprn"])]).fetchall()
    assert rows == [(reason, 1)]


CASES_BY_ID = {c[0]: {"text": c[1], "uprn": c[3]}.items() for c in CASES}


def test_exact_beats_a_looser_rule_and_confidence_orders_methods(
        matched: duckdb.DuckDBPyConnection) -> None:
    by_method = dict(matched.execute("SELECT uprn_method, max(uprn_confidence) FROM "
                                     "person_records GROUP BY 1").fetchall())
    assert by_method["feed_uprn"] == 1.0
    assert by_method["exact"] > by_method["postcode+number+flat"] > \
        by_method["street+number (no postcode)"]


def test_no_gazetteer_matches_nothing() -> None:
    con = duckdb.connect()
    con.register("_gaz", _gazetteer_source())
    build_gazetteer(con, "SELECT * FROM _gaz WHERE false")
    _person_records(con, [("a", "10 High St", "NB3 1AB", "101")])
    assert match_addresses(con, 0) == {}
    assert con.execute("SELECT matched_uprn, uprn_method FROM person_records").fetchall() == \
        [(None, None)]
    assert con.execute("SELECT reason FROM unmatched_addresses").fetchall() == [("no gazetteer",)]
