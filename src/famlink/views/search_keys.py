"""Search candidates read by key from a snapshot's ``serve_search_keys``: the rows under a
name key (surname and forename, as spelled or canonical, or the former surname's) or a date
of birth, stored per key as one JSON text.

A branch of the search (the similar names, the former surname, the date of birth) is a list
of keys; its rows are those of all its keys, each row once, the exact matches first and then
as ``famlink.views.search`` orders rows in SQL (``TIES``), at most ``CAP``. This gives the
rows that the same branch's query gives on the warehouse (tests compare the two); all the
branches of a search are one look-up.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import duckdb

from famlink.views.serving import KEYED_COLUMNS

Row = dict[str, Any]
DATES = ("date_of_birth", "person_date_of_birth")


@dataclass(frozen=True)
class Keyed:
    """A branch: its keys, and the column values a row must have to count as exact."""

    keys: list[str]
    exact: dict[str, Any] = field(default_factory=dict)


def read_keyed(con: duckdb.DuckDBPyConnection, branches: list[Keyed], cap: int) -> list[Row]:
    """The rows of every branch (one query for all their keys), each branch cut at ``cap``."""
    wanted = sorted({k for b in branches for k in b.keys})
    if not wanted:
        return []
    found = dict(con.execute("SELECT key, rows FROM serve_search_keys "
                             "WHERE list_contains(?, key)", [wanted]).fetchall())
    parsed: dict[str, list[tuple[Any, ...]]] = {
        key: [tuple(r) for r in json.loads(text)] for key, text in found.items()}
    out: list[Row] = []
    for branch in branches:
        rows = {r for key in branch.keys for r in parsed.get(key, [])}
        dicts = [_row(r) for r in rows]
        dicts.sort(key=lambda r: _order(r, branch.exact))
        out += dicts[:cap]
    return out


def _row(values: tuple[Any, ...]) -> Row:
    row = dict(zip(KEYED_COLUMNS, values, strict=True))
    for column in DATES:
        if row[column] is not None:
            row[column] = dt.date.fromisoformat(row[column])
    return row


def _asc(value: Any) -> tuple[bool, Any]:
    """SQL's ascending order, NULLS LAST."""
    return (value is None, value)


def _order(row: Row, exact: dict[str, Any]) -> tuple[Any, ...]:
    """The order of ``search.TIES``, after the exact matches (DuckDB: NULLS LAST)."""
    is_exact = bool(exact) and all(row[c] == v for c, v in exact.items())
    n = row["n_person"]
    return (not is_exact, n is None, -(n or 0), *(_asc(row[c]) for c in (
        "person_id", "surname", "first_name", "date_of_birth", "postcode", "former_surname")))
