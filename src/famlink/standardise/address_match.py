"""Person-record addresses matched to the gazetteer: one UPRN, a confidence and a method.

Each distinct address in ``person_records`` (feed UPRN, normalised text, postcode) is matched
once. A feed UPRN found in the gazetteer is taken as it is (``feed_uprn``). Otherwise
candidates come from three blocks: the same postcode; the same street with the same numbers;
the same postcode sector with the same numbers. Each candidate gets the first level below
that it meets, and the address takes its best level; between candidates on one level, the
one with the closer postcode and more words in common wins, and a tie is ``ambiguous``.

| level | method | the rule | confidence |
| --- | --- | --- | --- |
| 1 | exact | postcode, flat, house number, house name and street all equal | 0.99 |
| 2 | postcode+number+flat | postcode, flat and number equal; street and name close | 0.95 |
| 3 | postcode+numbers | postcode and all numbers equal, written another way (3/12, 12C) | 0.9 |
| 4 | street+number | street, flat and number equal; postcode missing, mistyped or wrong | 0.8-0.9 |
| 5 | fuzzy street | flat and number equal, street spelt nearly the same, postcode near | 0.8 |
| 6 | street+numbers | street and all numbers equal, postcode differs | 0.75 |
| 7 | postcode+words | postcode and numbers equal, most words shared | 0.7 |

A candidate that agrees on everything but a flat the record does not give (a building of
several flats and no separate record for the building) never matches: the address is left
unmatched as ``ambiguous: flat not given``. A candidate beaten only on the tie-break costs a
tenth of the confidence.
"""

from __future__ import annotations

import duckdb

from famlink.standardise.gazetteer import GAZETTEER, features_sql, words_sql

_FIRST = ("address", "postcode", "postcode_sector", "flat", "house_number", "house_name",
          "street", "address_tokens")


def keys_sql(source: str = "person_records", known: str | None = None) -> str:
    """_tmp_addr_keys: one row per distinct address of ``source`` (not yet in ``known``, an
    earlier address_matches, when given; numbered on from its last address_id)."""
    first = 0 if known is None else f"(SELECT coalesce(max(address_id), 0) FROM {known})"
    unseen = "" if known is None else f"""
      WHERE NOT EXISTS (SELECT 1 FROM {known} m WHERE m.feed_uprn IS NOT DISTINCT FROM k.feed_uprn
                        AND m.address_norm IS NOT DISTINCT FROM k.address_norm
                        AND m.postcode IS NOT DISTINCT FROM k.postcode_key)"""
    return f"""
CREATE OR REPLACE TEMP TABLE _tmp_addr_keys AS
SELECT {first} + row_number() OVER (ORDER BY feed_uprn NULLS FIRST, address_norm NULLS FIRST,
                          postcode_key NULLS FIRST) AS address_id, *
FROM (SELECT uprn AS feed_uprn, address_norm, postcode_key,
             {", ".join(f"arg_min({c}, record_id) AS {c}" for c in _FIRST)},
             count(*) AS n_records, list(DISTINCT feed ORDER BY feed) AS feeds
      FROM (SELECT *, orig_address AS address FROM {source})
      WHERE uprn IS NOT NULL OR address_norm IS NOT NULL
      GROUP BY uprn, address_norm, postcode_key) k{unseen}
"""


FEATURES_SQL = ("CREATE OR REPLACE TEMP TABLE _tmp_addr_people AS SELECT k.* EXCLUDE "
                f"(address_tokens), {features_sql('k')} FROM _tmp_addr_keys k "
                "WHERE address_norm IS NOT NULL")
_BLOCKS = ("p.postcode = g.postcode", "p.street = g.street AND p.ids = g.ids",
           "p.postcode_sector = g.postcode_sector AND p.ids = g.ids")
_PAIRS = "\nUNION\n".join(f"SELECT p.address_id, g.uprn FROM _tmp_addr_people p JOIN {GAZETTEER}"
                          f" g ON {rule}" for rule in _BLOCKS)
_SAME = "p.{c} IS NOT DISTINCT FROM g.{c}"
UNIT = f"{_SAME.format(c='flat')} AND {_SAME.format(c='house_number')}"
STREET_OK = (f"({_SAME.format(c='street')} OR p.street IS NULL OR "
             "jaro_winkler_similarity(p.street, g.street) >= 0.9)")
NAME_OK = (f"({_SAME.format(c='house_name')} OR jaro_winkler_similarity(p.house_name, "
           "g.house_name) >= 0.85 OR ((p.house_name IS NULL OR g.house_name IS NULL) AND "
           "p.house_number IS NOT NULL))")
PC_SAME = "coalesce(p.postcode = g.postcode, false)"
PC_NEAR = ("coalesce(levenshtein(replace(p.postcode_key, ' ', ''), replace(g.postcode, ' ', '')) "
           "<= 1, false)")
SECTOR_SAME = "coalesce(p.postcode_sector = g.postcode_sector, false)"
OVERLAP = "len(list_intersect(p.words, g.words)) / greatest(len(p.words), 1)"
# The building named on the gazetteer side is named in the record too (or there is none):
# "6 Nettle Close" is not "Flat 6, Wharf Lodge, Nettle Close", though the numbers agree.
_NAME_WORDS = words_sql("string_split(g.house_name, ' ')")
NAME_SEEN = ("(g.house_name IS NULL OR jaro_winkler_similarity(p.house_name, g.house_name) "
             f">= 0.85 OR list_has_all(p.words, {_NAME_WORDS}))")
STREET_SAID = (f"(p.street IS NOT NULL AND {STREET_OK} OR "
               "jaro_winkler_similarity(p.house_name, g.house_name) >= 0.85)")
LEVEL = f"""CASE
    WHEN {PC_SAME} AND {UNIT} AND {_SAME.format(c='street')} AND {_SAME.format(c='house_name')}
         THEN 1
    WHEN {PC_SAME} AND {UNIT} AND {STREET_OK} AND {NAME_OK} THEN 2
    WHEN {PC_SAME} AND p.ids = g.ids AND p.ids <> '' AND {STREET_SAID} AND {NAME_SEEN}
         THEN 3
    WHEN {UNIT} AND p.street = g.street AND {NAME_OK} THEN 4
    WHEN {UNIT} AND jaro_winkler_similarity(p.street, g.street) >= 0.88 AND {NAME_OK}
         AND ({PC_NEAR} OR {SECTOR_SAME} OR p.postcode_key IS NULL) THEN 5
    WHEN p.ids = g.ids AND p.ids <> '' AND p.street = g.street AND {NAME_SEEN} THEN 6
    WHEN {PC_SAME} AND p.ids = g.ids AND {OVERLAP} >= 0.75 AND {NAME_SEEN} THEN 7
    WHEN p.flat IS NULL AND g.flat IS NOT NULL AND {_SAME.format(c='house_number')}
         AND {NAME_OK} AND ({PC_SAME} OR p.street = g.street) THEN 9
END"""
CANDIDATES_SQL = f"""
CREATE OR REPLACE TEMP TABLE _tmp_addr_candidates AS
SELECT * FROM (
    SELECT pairs.address_id, pairs.uprn, {LEVEL} AS level, {PC_NEAR} OR {SECTOR_SAME} AS pc_close,
           p.postcode_key IS NULL AS no_postcode,
           2 * {PC_SAME}::INT + {PC_NEAR}::INT + {SECTOR_SAME}::INT + {OVERLAP} AS score
    FROM ({_PAIRS}) pairs JOIN _tmp_addr_people p USING (address_id)
    JOIN {GAZETTEER} g ON g.uprn = pairs.uprn)
WHERE level IS NOT NULL
"""
METHODS = {1: ("exact", 0.99), 2: ("postcode+number+flat", 0.95), 3: ("postcode+numbers", 0.9),
           4: ("street+number", 0.8), 5: ("fuzzy street", 0.8), 6: ("street+numbers", 0.75),
           7: ("postcode+words", 0.7)}
BEST_SQL = """
CREATE OR REPLACE TEMP TABLE _tmp_addr_best AS
WITH ranked AS (
    SELECT *, row_number() OVER (PARTITION BY address_id ORDER BY level, score DESC, uprn) AS rank,
           count(*) OVER (PARTITION BY address_id, level) AS at_level
    FROM _tmp_addr_candidates)
SELECT a.address_id, a.uprn, a.level, a.pc_close, a.no_postcode, a.at_level AS candidates,
       coalesce(b.level = a.level, false) AS beaten,
       coalesce(b.level = a.level AND b.score >= a.score - 1e-9, false) AS tied
FROM ranked a LEFT JOIN ranked b ON b.address_id = a.address_id AND b.rank = 2
WHERE a.rank = 1
"""


def _method_sql() -> str:
    street = ("CASE WHEN b.no_postcode THEN 'street+number (no postcode)' WHEN b.pc_close "
              "THEN 'street+number (postcode corrected)' ELSE 'street+number (postcode "
              "differs)' END")
    levels = " ".join(f"WHEN {lv} THEN '{m}'" for lv, (m, _) in METHODS.items() if lv != 4)
    return f"CASE WHEN b.level = 4 THEN {street} ELSE CASE b.level {levels} END END"


def _confidence_sql() -> str:
    street = "CASE WHEN b.no_postcode THEN 0.85 WHEN b.pc_close THEN 0.9 ELSE 0.8 END"
    levels = " ".join(f"WHEN {lv} THEN {c}" for lv, (_, c) in METHODS.items() if lv != 4)
    base = f"CASE WHEN b.level = 4 THEN {street} ELSE CASE b.level {levels} END END"
    return f"round({base} * CASE WHEN b.beaten THEN 0.9 ELSE 1.0 END, 3)"


def matches_sql(has_gazetteer: bool) -> str:
    """address_matches from the keys and their best candidates."""
    return f"CREATE OR REPLACE TABLE address_matches AS {matches_select_sql(has_gazetteer)}"


def matches_select_sql(has_gazetteer: bool) -> str:
    """The address_matches rows of the keys in _tmp_addr_keys."""
    text_match = "b.level < 9 AND NOT b.tied"
    unknown = f"{has_gazetteer} AND k.feed_uprn IS NOT NULL AND known.uprn IS NULL"
    return f"""
    SELECT k.address_id, k.address, k.address_norm, k.postcode_key AS postcode, k.feed_uprn,
           CASE WHEN known.uprn IS NOT NULL THEN 'in gazetteer' WHEN {unknown}
                THEN 'unknown' END AS feed_uprn_status,
           CASE WHEN known.uprn IS NOT NULL THEN k.feed_uprn WHEN {text_match} THEN b.uprn
                END AS matched_uprn,
           CASE WHEN known.uprn IS NOT NULL THEN 1.0 WHEN {text_match}
                THEN {_confidence_sql()} END AS confidence,
           CASE WHEN known.uprn IS NOT NULL THEN 'feed_uprn'
                WHEN {text_match} THEN {_method_sql()} ||
                     CASE WHEN {unknown} THEN ' (feed UPRN unknown)' ELSE '' END
                WHEN {unknown} THEN 'feed_uprn_unknown' END AS method,
           coalesce(b.candidates, 0) AS candidates,
           CASE WHEN known.uprn IS NOT NULL OR {text_match} THEN NULL
                WHEN NOT {has_gazetteer} THEN 'no gazetteer'
                WHEN b.level = 9 THEN 'ambiguous: flat not given'
                WHEN b.tied THEN 'ambiguous'
                WHEN k.address_norm IS NULL THEN 'feed UPRN not in gazetteer, no address text'
                WHEN {unknown} THEN 'feed UPRN not in gazetteer, address not found'
                WHEN k.postcode_key IS NULL THEN 'not found (no postcode)'
                ELSE 'not found' END AS reason,
           k.n_records, k.feeds
    FROM _tmp_addr_keys k
    LEFT JOIN _tmp_addr_best b USING (address_id)
    LEFT JOIN {GAZETTEER} known ON known.uprn = k.feed_uprn
    ORDER BY k.address_id
    """


UNMATCHED_SQL = """
CREATE OR REPLACE TABLE unmatched_addresses AS
SELECT address_id, address, postcode, feed_uprn, reason, candidates, n_records, feeds
FROM address_matches WHERE matched_uprn IS NULL
ORDER BY n_records DESC, address_id
"""


def with_matches_sql(source: str) -> str:
    """The rows of ``source`` with their address's match: matched_uprn, confidence, method."""
    return f"""
SELECT p.*, m.matched_uprn, m.confidence AS uprn_confidence, m.method AS uprn_method
FROM {source} p LEFT JOIN address_matches m
  ON p.uprn IS NOT DISTINCT FROM m.feed_uprn AND p.address_norm IS NOT DISTINCT FROM
     m.address_norm AND p.postcode_key IS NOT DISTINCT FROM m.postcode
ORDER BY p.record_id
"""


def match_addresses(con: duckdb.DuckDBPyConnection, gazetteer_size: int) -> dict[str, int]:
    """address_matches, unmatched_addresses, and person_records.matched_uprn (and co)."""
    con.execute(keys_sql())
    _best_candidates(con)
    con.execute(matches_sql(gazetteer_size > 0))
    con.execute(UNMATCHED_SQL)
    con.execute("CREATE OR REPLACE TABLE person_records AS " + with_matches_sql("person_records"))
    return match_counts(con, gazetteer_size)


def _best_candidates(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(FEATURES_SQL)
    con.execute(CANDIDATES_SQL)
    con.execute(BEST_SQL)


def match_new_addresses(con: duckdb.DuckDBPyConnection, source: str,
                        gazetteer_size: int) -> None:
    """Add to address_matches the addresses of ``source`` it does not have yet; the gazetteer
    is the one the earlier addresses were matched to. Each address is matched on its own, so
    this gives the rows a match of everything at once would."""
    con.execute(keys_sql(source, known="address_matches"))
    _best_candidates(con)
    con.execute(f"INSERT INTO address_matches {matches_select_sql(gazetteer_size > 0)}")


def recount_addresses(con: duckdb.DuckDBPyConnection, touched: str) -> None:
    """n_records, feeds and the address as written (by the first record) of the addresses
    in ``touched`` (feed_uprn, address_norm, postcode) taken again from person_records; an
    address left with no record goes, and unmatched_addresses is listed again."""
    same = ("{a}.feed_uprn IS NOT DISTINCT FROM {b}.feed_uprn AND {a}.address_norm IS NOT "
            "DISTINCT FROM {b}.address_norm AND {a}.postcode IS NOT DISTINCT FROM {b}.postcode")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _tmp_addr_counts AS
        SELECT p.uprn AS feed_uprn, p.address_norm, p.postcode_key AS postcode,
               count(*) AS n_records, list(DISTINCT p.feed ORDER BY p.feed) AS feeds,
               arg_min(p.orig_address, p.record_id) AS address
        FROM person_records p
        WHERE EXISTS (SELECT 1 FROM {touched} t WHERE t.feed_uprn IS NOT DISTINCT FROM p.uprn
                      AND t.address_norm IS NOT DISTINCT FROM p.address_norm
                      AND t.postcode IS NOT DISTINCT FROM p.postcode_key)
        GROUP BY ALL""")
    con.execute(f"DELETE FROM address_matches m WHERE EXISTS (SELECT 1 FROM {touched} t WHERE "
                f"{same.format(a='t', b='m')}) AND NOT EXISTS (SELECT 1 FROM _tmp_addr_counts "
                f"c WHERE {same.format(a='c', b='m')})")
    con.execute(f"UPDATE address_matches m SET n_records = c.n_records, feeds = c.feeds, "
                f"address = c.address "
                f"FROM _tmp_addr_counts c WHERE {same.format(a='c', b='m')}")
    con.execute(UNMATCHED_SQL)


def match_counts(con: duckdb.DuckDBPyConnection, gazetteer_size: int) -> dict[str, int]:
    if not gazetteer_size:
        return {}
    matched, total = con.execute("SELECT count(matched_uprn), count(*) FROM address_matches"
                                 ).fetchall()[0]
    return {"gazetteer addresses": gazetteer_size, "addresses matched": int(matched),
            "addresses unmatched": int(total - matched)}
