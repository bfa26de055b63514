"""Read one source file into rows of text, keeping every row accounted for.

Each reader returns a ``ReadResult``: the header, the rows it could read (as text, with their
row and line numbers) and a ``Reject`` for every row it could not (undecodable bytes, wrong
number of fields, a JSON line that is not an object). ``rows_read`` counts both, so the
loader can prove that rows read = rows loaded + rows quarantined.
Whole-file problems (no header, duplicate mapped headers, unreadable file) raise
``FileLoadError`` naming the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from famlink.errors import FileLoadError
from famlink.project import Source

DETECT_BYTES = 1 << 20


@dataclass(frozen=True)
class Reject:
    row_number: int
    line_number: int | None
    field: str | None
    reason_code: str
    reason: str
    raw: str


@dataclass
class ReadResult:
    header: list[str]
    rows: list[list[str | None]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    line_numbers: list[int | None] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    blank_lines: int = 0
    encoding: str = ""

    @property
    def rows_read(self) -> int:
        return len(self.rows) + len(self.rejects)


def detect_encoding(path: Path) -> str:
    """utf-8 when the start of the file decodes as UTF-8, else the best guess, else cp1252."""
    with open(path, "rb") as fh:
        head = fh.read(DETECT_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a real error, not a character cut at the boundary
            from charset_normalizer import from_bytes

            best = from_bytes(head).best()
            return best.encoding if best is not None else "cp1252"
        return "utf-8"


def _has_undecodable(text: str) -> bool:
    try:
        text.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def _shown(values: list[str]) -> str:
    return "|".join(v.encode("utf-8", "backslashreplace").decode("utf-8") for v in values)


def _encoding_for(path: Path, source: Source) -> str:
    enc = detect_encoding(path) if source.encoding == "detect" else source.encoding
    return "utf-8-sig" if codecs.lookup(enc).name == "utf-8" else enc


def _check_header(path: Path, header: list[str], line: int | None) -> list[str]:
    header = [h.strip() for h in header]
    bad = [h for h in header if _has_undecodable(h)]
    if bad:
        raise FileLoadError(path, f"header has bytes that are not valid text: {_shown(bad)}; "
                            "set source.encoding (e.g. cp1252) or encoding: detect", row=line)
    return header


def read_csv(path: Path, source: Source) -> ReadResult:
    encoding = _encoding_for(path, source)
    try:
        with open(path, "rb") as raw:
            stream = io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape",
                                      newline="")
            for _ in range(source.skip_rows):
                stream.readline()
            return _read_delimited(path, stream, source, encoding)
    except csv.Error as exc:
        raise FileLoadError(path, f"cannot be read as CSV: {exc}") from exc


def _read_delimited(path: Path, stream: io.TextIOWrapper, source: Source,
                    encoding: str) -> ReadResult:
    reader = csv.reader(stream, delimiter=source.delimiter, quotechar=source.quotechar)
    header_row = next(reader, None)
    while header_row is not None and not any(c.strip() for c in header_row):
        header_row = next(reader, None)
    if header_row is None:
        raise FileLoadError(path, "file is empty: no header row found")
    result = ReadResult(header=_check_header(path, header_row, reader.line_num), encoding=encoding)
    width, row_number = len(result.header), 0
    for rec in reader:
        if not any(c.strip() for c in rec):
            result.blank_lines += 1
            continue
        row_number += 1
        _take_row(result, rec, row_number, reader.line_num, width)
    return result


def _take_row(result: ReadResult, rec: list[str], row_number: int, line: int,
              width: int) -> None:
    if len(rec) != width:
        result.rejects.append(Reject(
            row_number, line, None, "ragged_row",
            f"has {len(rec)} fields where the header has {width}", _shown(rec)))
        return
    if _has_undecodable("\x1f".join(rec)):
        bad = next(i for i, v in enumerate(rec) if _has_undecodable(v))
        result.rejects.append(Reject(
            row_number, line, result.header[bad], "undecodable_bytes",
            f"bytes that are not valid {result.encoding} text", _shown(rec)))
        return
    result.rows.append(list(rec))
    result.row_numbers.append(row_number)
    result.line_numbers.append(line)


def _cell_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_xlsx(path: Path, source: Source) -> ReadResult:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = (book.get_sheet_by_index(source.sheet) if isinstance(source.sheet, int)
                 else book.get_sheet_by_name(source.sheet) if source.sheet
                 else book.get_sheet_by_index(0))
        grid = sheet.to_python(skip_empty_area=False)
    except FileNotFoundError:
        raise
    except Exception as exc:  # calamine raises its own error types for bad workbooks
        raise FileLoadError(path, f"cannot be read as an Excel workbook: {exc}") from exc
    rows = iter(enumerate(grid[source.skip_rows:], start=source.skip_rows + 1))
    for line, first in rows:
        if any(_cell_text(c) for c in first):
            header = _check_header(path, [_cell_text(c) or "" for c in first], line)
            break
    else:
        raise FileLoadError(path, "sheet is empty: no header row found")
    result = ReadResult(header=header, encoding="xlsx")
    row_number = 0
    for line, cells in rows:
        texts = [_cell_text(c) for c in cells]
        if not any(t and t.strip() for t in texts):
            result.blank_lines += 1
            continue
        row_number += 1
        texts = (texts + [None] * len(header))[: len(header)]
        result.rows.append(texts)
        result.row_numbers.append(row_number)
        result.line_numbers.append(line)
    return result


def read_jsonl(path: Path, source: Source) -> ReadResult:
    encoding = _encoding_for(path, source)
    keys: dict[str, int] = {}
    objects: list[tuple[int, int, dict[str, object]]] = []
    result = ReadResult(header=[], encoding=encoding)
    row_number = 0
    with open(path, "rb") as fh:
        for line_no, raw in enumerate(fh, start=1):
            text = raw.decode(encoding, errors="surrogateescape").strip()
            if line_no == 1:
                text = text.lstrip("\ufeff")
            if not text:
                result.blank_lines += 1
                continue
            row_number += 1
            obj = _parse_json_object(text, row_number, line_no, result)
            if obj is not None:
                for key in obj:
                    keys.setdefault(key, len(keys))
                objects.append((row_number, line_no, obj))
    result.header = list(keys)
    for row_number, line_no, obj in objects:
        result.rows.append([_cell_text(v) if not isinstance(v, dict | list) else json.dumps(v)
                            for v in (obj.get(k) for k in result.header)])
        result.row_numbers.append(row_number)
        result.line_numbers.append(line_no)
    return result


def _parse_json_object(text: str, row: int, line: int,
                       result: ReadResult) -> dict[str, object] | None:
    shown = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if _has_undecodable(text):
        result.rejects.append(Reject(row, line, None, "undecodable_bytes",
                                     f"bytes that are not valid {result.encoding} text", shown))
        return None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        result.rejects.append(Reject(row, line, None, "invalid_json", f"not valid JSON: {exc}",
                                     shown))
        return None
    if not isinstance(obj, dict):
        result.rejects.append(Reject(row, line, None, "invalid_json",
                                     "a JSON line must be an object {...}", shown))
        return None
    return obj


def read_parquet(path: Path, source: Source) -> ReadResult:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except FileNotFoundError:
        raise
    except (pa.ArrowInvalid, OSError) as exc:
        raise FileLoadError(path, f"cannot be read as Parquet: {exc}") from exc
    header = _check_header(path, list(table.column_names), None)
    columns = [pc.cast(col, pa.string()).to_pylist() if not pa.types.is_string(col.type)
               else col.to_pylist() for col in table.columns]
    result = ReadResult(header=header, encoding="parquet")
    result.rows = [list(r) for r in zip(*columns, strict=True)] if columns else []
    result.row_numbers = list(range(1, table.num_rows + 1))
    result.line_numbers = [None] * table.num_rows
    return result


READERS = {"csv": read_csv, "xlsx": read_xlsx, "jsonl": read_jsonl, "parquet": read_parquet}


def read_file(path: Path, source: Source) -> ReadResult:
    try:
        return READERS[source.format](path, source)
    except FileNotFoundError as exc:
        raise FileLoadError(path, "file not found (moved or deleted during the run?)") from exc
