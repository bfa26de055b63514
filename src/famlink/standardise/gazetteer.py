"""The address register: every feed of ``kind: address`` (an LLPG or AddressBase extract).

Gazetteer rows go through the same address standardiser as person records, so flat, house
number, house name, street and postcode come out in one normal form on both sides. Two
derived columns make the matcher tolerant of how an address was written:

- ``ids``: the address's numbers and flat letters, sorted ("FLAT 3 12 HIGH STREET",
  "3/12 High St" and "12 High Street Flat 3" all give ``3 12``; "12C" and "Flat C, 12"
  give ``12 C``), for when the parser split a line differently on the two sides;
- ``words``: the address's words without numbers or flat words, for overlap scores and
  for telling apart two streets of one name in different localities.
"""

from __future__ import annotations

import duckdb

from famlink.engine import scalar
from famlink.project import Project
from famlink.standardise import people
from famlink.standardise.sources import ADDRESS_FIELDS, union_sql

GAZETTEER = "gazetteer_addresses"
# Words that only say what kind of sub-unit follows: never evidence of a place.
UNIT_WORDS = ("FLAT", "UNIT", "ROOM", "STUDIO", "MAISONETTE", "FLOOR", "THE", "AND", "OF")


def ids_sql(flat: str, number: str, name: str, street: str) -> str:
    """Sorted flat and house numbers plus any number inside the house name or street."""
    inside = (f"list_filter(string_split(concat_ws(' ', {name}, {street}), ' '), "
              f"lambda t: regexp_matches(t, '[0-9]'))")
    return (f"array_to_string(list_sort(list_concat(list_filter([{flat}, {number}], "
            f"lambda x: x IS NOT NULL), {inside})), ' ')")


def words_sql(tokens: str) -> str:
    unit_words = ", ".join(f"'{w}'" for w in UNIT_WORDS)
    return (f"list_distinct(list_filter(coalesce({tokens}, []), lambda t: length(t) > 1 AND "
            f"NOT regexp_matches(t, '[0-9]') AND t NOT IN ({unit_words})))")


def features_sql(alias: str) -> str:
    """``ids`` and ``words`` of a table with the standardiser's address columns."""
    a = alias
    return (f"{ids_sql(a + '.flat', a + '.house_number', a + '.house_name', a + '.street')} "
            f"AS ids, {words_sql(a + '.address_tokens')} AS words")


def _empty(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE OR REPLACE TABLE {GAZETTEER} (uprn VARCHAR, feed VARCHAR, "
                "address VARCHAR, postcode VARCHAR, flat VARCHAR, house_number VARCHAR, "
                "house_name VARCHAR, street VARCHAR, postcode_sector VARCHAR, ids VARCHAR, "
                "words VARCHAR[])")


def load_gazetteer(project: Project, con: duckdb.DuckDBPyConnection) -> int:
    """``gazetteer_addresses``: one standardised row per UPRN of the address feeds.

    Returns the number of UPRNs; 0 (and an empty table) when the project has no address
    feed, or it has not been loaded.
    """
    feeds = [f for f in project.feeds.values() if f.kind == "address"]
    source = union_sql(con, project, feeds, {c: "VARCHAR" for c in ADDRESS_FIELDS})
    if source is None:
        _empty(con)
        return 0
    return build_gazetteer(con, source)


def build_gazetteer(con: duckdb.DuckDBPyConnection, source: str) -> int:
    """``gazetteer_addresses`` from a query with feed, uprn and the address fields."""
    pc = people.squashed_postcode_sql("postcode")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _tmp_gaz_source AS
        SELECT {people.valid_uprn_sql('uprn')} AS uprn, any_value(feed) AS feed,
               any_value({people.address_text_sql()}) AS address_text,
               any_value({people.valid_postcode_sql(pc)}) AS postcode
        FROM ({source}) GROUP BY 1 HAVING uprn IS NOT NULL""")
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_gaz_keys AS SELECT row_number() OVER "
                "(ORDER BY address_text) AS k, address_text FROM (SELECT DISTINCT "
                "address_text FROM _tmp_gaz_source WHERE address_text IS NOT NULL)")
    people.python_table(con, "_tmp_gaz_parsed", "SELECT * FROM _tmp_gaz_keys",
                        people.standardise_address_row, people.ADDRESS_SCHEMA)
    found = people.valid_postcode_sql(people.squashed_postcode_sql("a.found_postcode"))
    con.execute(f"""
        CREATE OR REPLACE TABLE {GAZETTEER} AS
        SELECT * EXCLUDE (address_tokens),
               left(postcode, length(postcode) - 2) AS postcode_sector, {features_sql('g')}
        FROM (SELECT s.uprn, s.feed, s.address_text AS address,
                     coalesce(s.postcode, {found}) AS postcode, a.flat, a.house_number,
                     a.house_name, a.street, a.address_tokens
              FROM _tmp_gaz_source s LEFT JOIN _tmp_gaz_keys k USING (address_text)
              LEFT JOIN _tmp_gaz_parsed a USING (k)) g
        ORDER BY uprn""")
    return int(scalar(con, f"SELECT count(*) FROM {GAZETTEER}") or 0)
