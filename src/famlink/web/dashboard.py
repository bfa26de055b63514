"""The dashboard's counts and charts, within the user's scope and the feeds the role sees:
persons and families, persons by postcode district, events by year, and the outcomes
framework's figures once the snapshot has them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from famlink.access.fields import FieldPolicy
from famlink.access.scope import Scope
from famlink.engine import table_exists

OUTCOME_TABLES = ("family_flags", "flag_evidence", "eligibility", "family_scores")


@dataclass
class Bar:
    label: str
    value: int
    width: float = 0.0  # percent of the largest bar


@dataclass
class Dashboard:
    persons: int
    families: int
    current_families: int
    children: int
    by_area: list[Bar]
    by_year: list[Bar]
    by_feed: list[Bar]
    outcome_tables: dict[str, int] = field(default_factory=dict)
    eligible_families: int | None = None
    needs: list[Bar] = field(default_factory=list)


def _bars(rows: list[tuple[Any, Any]]) -> list[Bar]:
    top = max((int(v or 0) for _, v in rows), default=0) or 1
    return [Bar(str(k), int(v or 0), 100.0 * int(v or 0) / top) for k, v in rows]


def _where(scope: Scope, column: str = "person_id") -> tuple[str, list[object]]:
    if scope.persons is None:
        return "true", []
    return f"list_contains(?, {column})", [sorted(scope.persons)]


def _outcomes(con: duckdb.DuckDBPyConnection, board: Dashboard, scope: Scope) -> None:
    """Figures from the outcomes tables, when the snapshot has them (the outcomes stage)."""
    for table in OUTCOME_TABLES:
        if table_exists(con, table):
            board.outcome_tables[table] = int(con.execute(
                f"SELECT count(*) FROM {table}").fetchall()[0][0])
    fam_where, params = ("true", []) if scope.families is None else (
        "list_contains(?, family_id)", [sorted(scope.families)])
    if "eligibility" in board.outcome_tables and _has_column(con, "eligibility", "is_eligible"):
        board.eligible_families = int(con.execute(
            f"SELECT count(DISTINCT family_id) FROM eligibility WHERE is_eligible AND "
            f"{fam_where}", params).fetchall()[0][0])
    if "family_flags" in board.outcome_tables and _has_column(con, "family_flags", "outcome"):
        board.needs = _bars(con.execute(
            f"SELECT outcome, count(DISTINCT family_id) FROM family_flags WHERE {fam_where} "
            "GROUP BY 1 ORDER BY 2 DESC", params).fetchall())


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    return column in {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}


def build_dashboard(con: duckdb.DuckDBPyConnection, scope: Scope,
                    policy: FieldPolicy) -> Dashboard:
    where, params = _where(scope)
    persons = int(con.execute(f"SELECT count(*) FROM persons WHERE {where}",
                              params).fetchall()[0][0])
    fam_where = "true" if scope.families is None else "list_contains(?, family_id)"
    fam_params: list[object] = [] if scope.families is None else [sorted(scope.families)]
    families = current = children = 0
    if table_exists(con, "families"):
        families, current, children = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE end_date IS NULL), "
            f"coalesce(sum(n_children) FILTER (WHERE end_date IS NULL), 0) FROM families "
            f"WHERE {fam_where}", fam_params).fetchall()[0]
    by_area = []
    if table_exists(con, "current_addresses"):
        by_area = _bars(con.execute(
            f"SELECT coalesce(split_part(postcode, ' ', 1), 'unknown') AS d, count(*) FROM "
            f"current_addresses WHERE {where} GROUP BY 1 ORDER BY len(d), d", params).fetchall())
    feeds = [f for f, in con.execute("SELECT DISTINCT feed FROM chronology").fetchall()
             if policy.level(f) != "hidden"] if table_exists(con, "chronology") else []
    chron = f"FROM chronology WHERE {where} AND list_contains(?, feed)"
    by_year = _bars(con.execute(f"SELECT year(event_date) AS y, count(*) {chron} AND "
                                "event_date IS NOT NULL GROUP BY 1 ORDER BY 1",
                                [*params, feeds]).fetchall()) if feeds else []
    by_feed = _bars(con.execute(f"SELECT feed, count(*) {chron} GROUP BY 1 ORDER BY 2 DESC",
                                [*params, feeds]).fetchall()) if feeds else []
    board = Dashboard(persons, int(families), int(current), int(children), by_area, by_year,
                      by_feed)
    _outcomes(con, board, scope)
    return board
