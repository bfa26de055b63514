"""Data quality per feed: counts, completeness and validity of every mapped field, duplicates."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from famlink.engine import scalar, table_exists
from famlink.ingest.load import raw_table
from famlink.ingest.mapping import ident
from famlink.project import Feed, Project
from famlink.standardise.identifier_sql import VALID_SQL
from famlink.standardise.postcodes import postcode_valid_sql

CHECKS = {
    "nhs_number": "NHS number check digit (mod 11)",
    "upn": "UPN check letter",
    "former_upn": "UPN check letter",
    "ni_number": "NI number format",
    "uprn": "UPRN range 1..999999999999",
    "postcode": "UK postcode format",
    "date": "readable date",
    "date_of_birth": "readable, not a placeholder, not future, age <= 115",
    "number": "readable number",
}


@dataclass
class FieldQuality:
    name: str
    filled: int
    valid: int | None  # None where there is nothing to check
    check: str = ""

    def share_filled(self, rows: int) -> float:
        return self.filled / rows if rows else 0.0

    def share_valid(self) -> float | None:
        return None if self.valid is None or not self.filled else self.valid / self.filled


@dataclass
class FeedQuality:
    feed: str
    description: str
    files: int = 0
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    fields: list[FieldQuality] = field(default_factory=list)
    duplicate_rows: int = 0
    repeated_record_ids: int = 0


def _validity_sql(feed: Feed, name: str) -> tuple[str | None, str]:
    """(SQL counting valid values among filled ones, what the check is) for one field."""
    parse = feed.parse_of(name)
    col = ident(name)
    if parse in VALID_SQL:
        return f"count(*) FILTER (WHERE {VALID_SQL[parse](col)})", CHECKS[parse]
    if parse == "postcode":
        return f"count(*) FILTER (WHERE {postcode_valid_sql(col)})", CHECKS["postcode"]
    if name == "date_of_birth" and parse == "date":
        ok = (f"{col} > DATE '1900-01-01' AND {col} <= current_date "
              f"AND {col} >= current_date - INTERVAL 115 YEAR")
        return f"count(*) FILTER (WHERE {ok})", CHECKS["date_of_birth"]
    if parse in ("date", "datetime"):
        return f"count({col})", CHECKS["date"]
    if parse in ("integer", "decimal", "boolean"):
        return f"count({col})", CHECKS["number"]
    return None, ""


def _filled_sql(feed: Feed, name: str) -> str:
    typed = feed.parse_of(name) in ("date", "datetime", "integer", "decimal", "boolean")
    return f"count({ident(name + '_raw' if typed else name)})"


def _field_quality(con: duckdb.DuckDBPyConnection, feed: Feed, table: str) -> list[FieldQuality]:
    names = list(feed.columns)
    parts, checks = [], []
    for name in names:
        valid, check = _validity_sql(feed, name)
        parts += [_filled_sql(feed, name), valid or "NULL"]
        checks.append(check)
    row = con.execute(f"SELECT {', '.join(parts)} FROM {ident(table)}").fetchall()[0]
    return [FieldQuality(name, int(row[2 * i]), None if row[2 * i + 1] is None
                         else int(row[2 * i + 1]), checks[i]) for i, name in enumerate(names)]


def feed_quality(con: duckdb.DuckDBPyConnection, feed: Feed) -> FeedQuality:
    fq = FeedQuality(feed.name, feed.description)
    if not table_exists(con, "load_batches"):
        return fq
    counts = con.execute("SELECT count(*), coalesce(sum(rows_read), 0), "
                         "coalesce(sum(rows_loaded), 0), coalesce(sum(rows_quarantined), 0) "
                         "FROM load_batches WHERE feed = ?", [feed.name]).fetchall()[0]
    fq.files, fq.rows_read, fq.rows_loaded, fq.rows_quarantined = map(int, counts)
    fq.quarantine_reasons = dict(con.execute(
        "SELECT reason_code, count(*) FROM quarantine WHERE feed = ? GROUP BY 1 ORDER BY 2 DESC",
        [feed.name]).fetchall())
    table = raw_table(feed.name)
    if not table_exists(con, table):
        return fq
    fq.fields = _field_quality(con, feed, table)
    mapped = ", ".join(ident(n) for n in feed.columns)
    fq.duplicate_rows = int(scalar(con, f"SELECT count(*) - (SELECT count(*) FROM "
                                        f"(SELECT DISTINCT {mapped} FROM {ident(table)})) "
                                        f"FROM {ident(table)}") or 0)
    fq.repeated_record_ids = int(scalar(con, f"SELECT count(*) - count(DISTINCT record_id) "
                                             f"FROM {ident(table)}") or 0)
    return fq


def project_quality(con: duckdb.DuckDBPyConnection, project: Project) -> list[FeedQuality]:
    return [feed_quality(con, feed) for feed in project.feeds.values()]
