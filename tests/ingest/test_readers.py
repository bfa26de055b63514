from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from famlink.errors import FileLoadError
from famlink.ingest.load import ingest_feed
from famlink.ingest.readers import detect_encoding, read_file
from famlink.project import Source

FEED = """\
source: {path: "incoming/x/*", format: %(format)s}
kind: event
record_id: [Ref, Person]
columns:
  full_name: {from: Name, split: surname_comma_forename}
  event_date: {from: When, required: true}
  amount: {from: Arrears}
"""


def test_xlsx_reads_typed_cells_and_skips_blank_rows(maker, open_warehouse):
    path = maker.root / "incoming" / "x" / "t.xlsx"
    path.parent.mkdir(parents=True)
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Tenancies")
    date_fmt = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, ["Ref", "Person", "Name", "When", "Arrears"])
    sheet.write_row(1, 0, ["T1", 1, "SMITH, John Paul"])
    sheet.write_datetime(1, 3, dt.datetime(2024, 5, 1), date_fmt)
    sheet.write_number(1, 4, 1200.5)
    sheet.write_row(3, 0, ["T1", 2, "Ann Lee", "2024-06-01", None])
    book.close()
    maker.feed("tenancy", FEED % {"format": "xlsx"})
    project = maker.load()
    con = open_warehouse(project)
    [outcome] = ingest_feed(con, project, project.feeds["tenancy"])
    assert (outcome.rows_read, outcome.rows_loaded) == (2, 2)
    rows = con.execute("SELECT source_record_id, surname, first_name, middle_names, event_date, "
                       "amount, source_row_number FROM raw_tenancy ORDER BY 1").fetchall()
    assert rows == [("T1|1", "SMITH", "John", "Paul", dt.date(2024, 5, 1), 1200.5, 1),
                    ("T1|2", "Ann", "Lee", None, dt.date(2024, 6, 1), None, 2)]


def test_jsonl_bad_lines_are_quarantined_with_line_numbers(maker, open_warehouse):
    lines = [json.dumps({"Ref": "I1", "Person": 1, "Name": "Lee, Ann", "When": "2024-01-02"}),
             "{not json", "[1, 2]", "",
             json.dumps({"Ref": "I1", "Person": 2, "Name": "Bo Ng", "When": "2024-01-02",
                         "Arrears": None})]
    maker.file("incoming/x/i.jsonl", "\n".join(lines) + "\n")
    maker.feed("incidents", FEED % {"format": "jsonl"})
    project = maker.load()
    con = open_warehouse(project)
    [outcome] = ingest_feed(con, project, project.feeds["incidents"])
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == (4, 2, 2)
    held = con.execute("SELECT line_number, reason_code FROM quarantine ORDER BY 1").fetchall()
    assert held == [(2, "invalid_json"), (3, "invalid_json")]


def test_parquet_values_become_text_then_typed(maker, open_warehouse):
    path = maker.root / "incoming" / "x" / "a.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(pa.table({"Ref": ["A", "A"], "Person": [1, 2], "Name": ["X, Y", None],
                             "When": [dt.date(2023, 1, 1), None], "Arrears": [1.5, None]}), path)
    maker.feed("ctax", FEED % {"format": "parquet"})
    project = maker.load()
    con = open_warehouse(project)
    [outcome] = ingest_feed(con, project, project.feeds["ctax"])
    assert (outcome.rows_loaded, outcome.rows_quarantined) == (1, 1)
    assert con.execute("SELECT reason_code, field FROM quarantine").fetchall() == [
        ("missing_required", "event_date")]


def test_unreadable_workbook_is_a_file_error(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"this is not a zip file")
    with pytest.raises(FileLoadError, match="cannot be read as an Excel workbook"):
        read_file(path, Source(path="x", format="xlsx"))


def test_detect_encoding(tmp_path):
    utf8, cp = tmp_path / "u.csv", tmp_path / "c.csv"
    utf8.write_bytes("Name\nZoë\n".encode())
    cp.write_bytes(("Name\n" + "Zoë Brontë Siân\n" * 50).encode("cp1252"))
    assert detect_encoding(utf8) == "utf-8"
    assert detect_encoding(cp) != "utf-8"
    assert "Zoë".encode("cp1252").decode(detect_encoding(cp)) == "Zoë"
