"""The identifier rules of ``identifiers.py`` as plain SQL expressions.

Written without lambdas or engine-specific functions beyond regexp_full_match, substr and
strpos, so the same text runs on DuckDB and transpiles with sqlglot. Tests check that every
expression agrees with its Python twin.
"""

from __future__ import annotations

from famlink.standardise.identifiers import NHS_WEIGHTS, UPN_LETTERS


def squashed(column: str) -> str:
    return f"upper(regexp_replace({column}, '[^0-9A-Za-z]', '', 'g'))"


def nhs_valid_sql(column: str) -> str:
    x = squashed(column)
    total = " + ".join(f"{w} * CAST(substr({x}, {i}, 1) AS INTEGER)"
                       for i, w in enumerate(NHS_WEIGHTS, start=1))
    check = f"(11 - (({total}) % 11))"
    last = f"CAST(substr({x}, 10, 1) AS INTEGER)"
    return (f"(CASE WHEN regexp_full_match({x}, '[0-9]{{10}}') THEN "
            f"(CASE WHEN {check} = 11 THEN {last} = 0 "
            f"WHEN {check} = 10 THEN false ELSE {check} = {last} END) ELSE false END)")


def _upn_value(x: str, pos: int) -> str:
    char = f"substr({x}, {pos}, 1)"
    if pos < 13:
        return f"CAST({char} AS INTEGER)"
    return (f"(CASE WHEN regexp_full_match({char}, '[0-9]') THEN CAST({char} AS INTEGER) "
            f"ELSE strpos('{UPN_LETTERS}', {char}) - 1 END)")


def upn_valid_sql(column: str) -> str:
    x = squashed(column)
    total = " + ".join(f"{pos} * {_upn_value(x, pos)}" for pos in range(2, 14))
    letters = f"'{UPN_LETTERS}'"
    return (f"(CASE WHEN regexp_full_match({x}, '[A-Z][0-9]{{12}}|[A-Z][0-9]{{11}}"
            f"[ABCDEFGHJKLMNPQRTUVWXYZ]') THEN substr({x}, 1, 1) = "
            f"substr({letters}, (({total}) % 23) + 1, 1) ELSE false END)")


def ni_valid_sql(column: str) -> str:
    x = squashed(column)
    return (f"(regexp_full_match({x}, '[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{{6}}[A-D]') "
            f"AND substr({x}, 1, 2) NOT IN ('BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'))")


def uprn_valid_sql(column: str) -> str:
    x = f"ltrim(regexp_replace(trim({column}), '\\.0$', ''), '0')"
    # leading zeros stripped, so 1 to 12 digits is exactly 1..999 999 999 999
    return f"regexp_full_match({x}, '[0-9]{{1,12}}')"


VALID_SQL = {
    "nhs_number": nhs_valid_sql,
    "upn": upn_valid_sql,
    "ni_number": ni_valid_sql,
    "uprn": uprn_valid_sql,
}
