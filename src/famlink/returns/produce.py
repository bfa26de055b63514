"""Produce returns: each template's rows as CSV and as an Excel sheet, then log them.

Files are written to a temporary name and renamed, so a failed run never leaves half a
return behind; the log row is added only after both files are complete.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import hashlib
import os
from pathlib import Path

import duckdb
import xlsxwriter
from sqlalchemy import Engine

from famlink.access import audit
from famlink.errors import FamlinkError
from famlink.returns.datasets import dataset_rows
from famlink.returns.log import ReturnRecord, log_return
from famlink.rules.schema import ReturnTemplate, Rulebook


def default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unknown")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cell(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def _write_csv(path: Path, headers: list[str], rows: list[tuple]) -> None:
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows([[_cell(v) for v in row] for row in rows])
    tmp.replace(path)


def _write_xlsx(path: Path, title: str, headers: list[str], rows: list[tuple]) -> None:
    tmp = path.with_name(path.stem + ".tmp.xlsx")
    book = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False})
    sheet = book.add_worksheet(title[:31].replace("/", "-"))
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, headers, bold)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, [_cell(v) for v in row])
    sheet.freeze_panes(1, 0)
    book.close()
    tmp.replace(path)


def _reference_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    rows = con.execute("SELECT max(as_of_date) FROM eligibility").fetchall()
    return rows[0][0] if rows else None


def produce_return(con: duckdb.DuckDBPyConnection, name: str, template: ReturnTemplate,
                   out: Path, by: str, rulebook: Rulebook) -> ReturnRecord:
    headers, rows = dataset_rows(con, template.dataset, template.where, template.columns)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = out / f"{name}.csv", out / f"{name}.xlsx"
    _write_csv(csv_path, headers, rows)
    _write_xlsx(xlsx_path, template.title, headers, rows)
    return ReturnRecord(name, template.title, by, dt.datetime.now(dt.UTC).replace(tzinfo=None),
                        _reference_date(con), len(rows), str(csv_path), sha256(csv_path),
                        str(xlsx_path), sha256(xlsx_path),
                        f"{rulebook.framework.name} {rulebook.framework.version}")


def produce_returns(con: duckdb.DuckDBPyConnection, rulebook: Rulebook, out: Path,
                    engine: Engine, *, templates: list[str] | None = None,
                    by: str | None = None) -> list[ReturnRecord]:
    """Write every chosen template's return to ``out`` and log each in ``engine``: a row of
    ``returns_log`` and an entry in the hash-chained audit log (``engine`` is the app state,
    migrated)."""
    names = templates or list(rulebook.returns)
    unknown = [n for n in names if n not in rulebook.returns]
    if unknown:
        raise FamlinkError(f"unknown return template(s) {', '.join(unknown)}: choose from "
                           f"{', '.join(rulebook.returns)} (rules/*.yaml, key returns:)")
    records = [produce_return(con, n, rulebook.returns[n], out, by or default_user(), rulebook)
               for n in names]
    for record in records:
        log_return(engine, record)
        audit.append(engine, username=record.produced_by, role="cli", action="produce_return",
                     subject_kind="return", subject_id=record.template, at=record.produced_at,
                     detail={"rows": record.rows, "reference_date": record.reference_date,
                             "csv": record.csv_path, "csv_sha256": record.csv_sha256,
                             "xlsx": record.xlsx_path, "xlsx_sha256": record.xlsx_sha256,
                             "rulebook": record.rulebook})
    return records
