"""Streaming writers for the four source formats. Rows go straight to disk (Parquet in
batches), so a large town is never held in memory twice. Output bytes depend only on the
rows written: xlsx core properties and zip timestamps are pinned.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

from famlink.synthetic.corruption import strip_accents
from famlink.synthetic.dates import to_date

EPOCH = 719163  # date(1970, 1, 1).toordinal()


def _encodable(text: str, encoding: str) -> str:
    """Characters the target code page lacks become their unaccented letters."""
    if text.isascii():
        return text
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        out = []
        for c in text:
            try:
                c.encode(encoding)
                out.append(c)
            except UnicodeEncodeError:
                out.append(strip_accents(c) or "?")
        return "".join(out)


class CsvSink:
    def __init__(self, path: Path, header: list[str], encoding: str = "utf-8",
                 delimiter: str = ",", crlf: bool = True):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.encoding = path, encoding
        self.header, self.delimiter, self.crlf = header, delimiter, crlf
        self._lossy = encoding.lower().replace("-", "") not in ("utf8", "utf8sig")
        self._file = path.open("w", encoding=encoding, newline="")
        self._csv = csv.writer(self._file, delimiter=delimiter,
                               lineterminator="\r\n" if crlf else "\n")
        self._csv.writerow(header)
        self.rows = 0

    def write(self, row: list[Any]) -> None:
        if self._lossy:
            row = [_encodable(v, self.encoding) if isinstance(v, str) else v for v in row]
        self._csv.writerow(row)
        self.rows += 1

    def sibling(self, path: Path) -> CsvSink:
        return CsvSink(path, self.header, self.encoding, self.delimiter, self.crlf)

    def close(self) -> None:
        self._file.close()


class JsonlSink:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file = path.open("w", encoding="utf-8", newline="\n")
        self.rows = 0

    def write(self, row: dict[str, Any]) -> None:
        self._file.write(json.dumps(row, ensure_ascii=False))
        self._file.write("\n")
        self.rows += 1

    def sibling(self, path: Path) -> JsonlSink:
        return JsonlSink(path)

    def close(self) -> None:
        self._file.close()


class XlsxSink:
    """One sheet, written row by row (constant_memory). Date columns take ordinals."""

    def __init__(self, path: Path, sheet: str, header: list[str], kinds: list[str]):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.kinds, self.sheet, self.header = path, kinds, sheet, header
        self._book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        self._book.set_properties({"created": datetime(2026, 7, 31, 18, 0, 0),
                                   "author": "Northbeck Housing", "title": sheet})
        self._sheet = self._book.add_worksheet(sheet)
        self._date = self._book.add_format({"num_format": "dd/mm/yyyy"})
        self._money = self._book.add_format({"num_format": "#,##0.00"})
        self._sheet.write_row(0, 0, header)
        self.rows = 0

    def write(self, row: list[Any]) -> None:
        self.rows += 1
        r, sheet = self.rows, self._sheet
        for c, (value, kind) in enumerate(zip(row, self.kinds, strict=True)):
            if value is None or value == "":
                continue
            if kind == "date":
                sheet.write_datetime(r, c, datetime.combine(to_date(value), datetime.min.time()),
                                     self._date)
            elif kind == "money":
                sheet.write_number(r, c, value, self._money)
            else:
                sheet.write_string(r, c, value)

    def sibling(self, path: Path) -> XlsxSink:
        return XlsxSink(path, self.sheet, self.header, self.kinds)

    def close(self) -> None:
        self._book.close()


class ParquetSink:
    """Columns typed as ``string``, ``date`` (ordinals in) or ``bool``; written in batches."""

    TYPES: ClassVar[dict[str, pa.DataType]] = {
        "string": pa.string(), "date": pa.date32(), "bool": pa.bool_()}

    def __init__(self, path: Path, columns: list[tuple[str, str]], batch: int = 50_000):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.columns, self.batch = path, columns, batch
        self.schema = pa.schema([(name, self.TYPES[kind]) for name, kind in columns])
        self._writer = pq.ParquetWriter(str(path), self.schema, compression="snappy")
        self._buffer: list[list[Any]] = [[] for _ in columns]
        self.rows = 0

    def write(self, row: list[Any]) -> None:
        for buf, value in zip(self._buffer, row, strict=True):
            buf.append(value)
        self.rows += 1
        if len(self._buffer[0]) >= self.batch:
            self._flush()

    def sibling(self, path: Path) -> ParquetSink:
        return ParquetSink(path, self.columns, self.batch)

    def _flush(self) -> None:
        if not self._buffer[0]:
            return
        arrays = []
        for (_, kind), values in zip(self.columns, self._buffer, strict=True):
            if kind == "date":
                values = [None if v is None else v - EPOCH for v in values]
            arrays.append(pa.array(values, type=self.TYPES[kind]))
        self._writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))
        self._buffer = [[] for _ in self.columns]

    def close(self) -> None:
        self._flush()
        self._writer.close()


