"""Reading a generated project's source files and truth the way ingest will."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from python_calamine import CalamineWorkbook

from famlink.project import Feed


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def feed_rows(project: Path, feed: Feed) -> list[dict[str, str]]:
    """Every row of a feed's source files as text, read the way its YAML says."""
    rows: list[dict[str, str]] = []
    src = feed.source
    for path in sorted(project.glob(src.path)):
        if src.format == "csv":
            with path.open(encoding=src.encoding, newline="") as f:
                rows.extend(csv.DictReader(f, delimiter=src.delimiter))
        elif src.format == "jsonl":
            with path.open(encoding="utf-8") as f:
                rows.extend({k: _text(v) for k, v in json.loads(line).items()} for line in f)
        elif src.format == "parquet":
            rows.extend({k: _text(v) for k, v in r.items()}
                        for r in pq.read_table(path).to_pylist())
        else:
            sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(str(src.sheet))
            data = sheet.to_python()
            header = [str(h) for h in data[0]]
            rows.extend({h: _text(v) for h, v in zip(header, r, strict=True)} for r in data[1:])
    return rows


def record_id(feed: Feed, row: dict[str, str]) -> str:
    cols = [feed.record_id] if isinstance(feed.record_id, str) else list(feed.record_id or [])
    return "|".join(row[c] for c in cols)


def truth_records(project: Path) -> list[dict[str, str]]:
    with (project / "truth" / "records.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def truth_table(project: Path, name: str) -> list[dict[str, str]]:
    with (project / "truth" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
