"""Who produced which return: an append-only log in the app's state database.

Each production of a template adds one row (user, time, template, reference date, row
count, and the files written with their SHA-256), so a council can show an auditor exactly
which return went out and rebuild it from the same snapshot. Rows are never updated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Column, Date, DateTime, Engine, Integer, String, Table, insert, select

from famlink.link.decisions import metadata

returns_log = Table(
    "returns_log", metadata,
    Column("return_id", Integer, primary_key=True, autoincrement=True),
    Column("template", String(200), nullable=False, index=True),
    Column("title", String(500), nullable=False),
    Column("produced_by", String(200), nullable=False),
    Column("produced_at", DateTime, nullable=False),
    Column("reference_date", Date, nullable=True),
    Column("rows", Integer, nullable=False),
    Column("csv_path", String(1000), nullable=False),
    Column("csv_sha256", String(64), nullable=False),
    Column("xlsx_path", String(1000), nullable=False),
    Column("xlsx_sha256", String(64), nullable=False),
    Column("rulebook", String(200), nullable=False),
)


@dataclass(frozen=True)
class ReturnRecord:
    template: str
    title: str
    produced_by: str
    produced_at: dt.datetime
    reference_date: dt.date | None
    rows: int
    csv_path: str
    csv_sha256: str
    xlsx_path: str
    xlsx_sha256: str
    rulebook: str


def log_return(engine: Engine, record: ReturnRecord) -> None:
    metadata.create_all(engine, tables=[returns_log])
    with engine.begin() as conn:
        conn.execute(insert(returns_log).values(**record.__dict__))


def returns_history(engine: Engine) -> list[ReturnRecord]:
    metadata.create_all(engine, tables=[returns_log])
    with engine.connect() as conn:
        rows = conn.execute(select(returns_log).order_by(returns_log.c.return_id)).fetchall()
    return [ReturnRecord(*r[1:]) for r in rows]
