"""Point lookups in DuckDB: what makes reading a few rows by key fast, measured on a copy of a
town's records (the choices behind famlink.views.serving; see docs/serving.md).

For one table copied four ways (as loaded, i.e. in no key order; sorted by the key; sorted
with an ART index; unsorted with an ART index) it times ``key = ?`` and a three-key
``list_contains(?, key)``, and for the page tables it times fetching one row's nested lists
against the same row as JSON text. Results go to benchmarks/out/lookups-*.json.

    .venv/bin/python benchmarks/lookups.py benchmarks/out/towns/town-100000-seed1
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, write_json

LAYOUTS = {
    "unsorted, no index": ("ORDER BY hash(record_id)", False),
    "sorted by key, no index": ("ORDER BY person_id", False),
    "sorted by key + ART index": ("ORDER BY person_id", True),
    "unsorted + ART index": ("ORDER BY hash(record_id)", True),
}


def timed(con: duckdb.DuckDBPyConnection, sql: str, args: list[list[Any]]) -> dict[str, float]:
    times = []
    for a in args:
        start = time.perf_counter()
        con.execute(sql, a).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    q = statistics.quantiles(times, n=20, method="inclusive")
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(q[18], 2)}


def build(path: Path, warehouse: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute(f"ATTACH '{warehouse}' AS w (READ_ONLY)")
    con.execute("CREATE TABLE src AS SELECT m.person_id, p.* FROM w.person_records p "
                "JOIN w.person_membership m USING (record_id)")
    for i, (order, index) in enumerate(LAYOUTS.values()):
        con.execute(f"CREATE TABLE t{i} AS SELECT * FROM src {order}")
        if index:
            con.execute(f"CREATE INDEX t{i}_idx ON t{i} (person_id)")
    con.execute("DROP TABLE src")
    con.close()


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project", type=Path, help="a town folder that has been run")
    ap.add_argument("--lookups", type=int, default=200)
    args = ap.parse_args(argv)
    warehouse = args.project / "warehouse" / "famlink.duckdb"
    result: dict[str, Any] = {"machine": machine(), "command": " ".join(sys.argv)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lookups.duckdb"
        build(path, warehouse)
        con = duckdb.connect(str(path), read_only=True)
        ids = [r[0] for r in con.execute("SELECT DISTINCT person_id FROM t0").fetchall()]
        rng = random.Random(1)
        one = [[rng.choice(ids)] for _ in range(args.lookups)]
        three = [[[rng.choice(ids) for _ in range(3)]] for _ in range(args.lookups)]
        result["rows"] = con.execute("SELECT count(*) FROM t0").fetchall()[0][0]
        result["layouts"] = {
            name: {"key = ?": timed(con, f"SELECT * FROM t{i} WHERE person_id = ?", one),
                   "list_contains(3 keys)": timed(
                       con, f"SELECT * FROM t{i} WHERE list_contains(?, person_id)", three)}
            for i, name in enumerate(LAYOUTS)}
        con.close()
        result["pages"] = pages(args.project, Path(tmp) / "pages.duckdb", args.lookups)
    for name, r in result["layouts"].items():
        print(f"{name:28s} " + "  ".join(f"{k}: p50 {v['p50_ms']} p95 {v['p95_ms']} ms"
                                         for k, v in r.items()))
    for name, r in result["pages"].items():
        print(f"{name:28s} p50 {r['p50_ms']} p95 {r['p95_ms']} ms")
    print(f"written {write_json('lookups', result)}")
    return result


def pages(project: Path, path: Path, n: int) -> dict[str, Any]:
    """One person's households as nested lists vs the same as JSON text, by ART index."""
    snapshots = project / "snapshots"
    current = snapshots / (snapshots / "CURRENT").read_text().strip()
    con = duckdb.connect(str(path))
    con.execute(f"ATTACH '{current}' AS s (READ_ONLY)")
    con.execute("CREATE TABLE nested AS SELECT person_id, "
                "CAST(json_extract(page, '$.households') AS STRUCT(household_id VARCHAR, "
                "address VARCHAR, postcode VARCHAR, start_date DATE, end_date DATE, "
                "members STRUCT(person_id VARCHAR, name VARCHAR, start_date DATE, "
                "end_date DATE)[])[]) AS households FROM s.serve_person_pages ORDER BY 1")
    con.execute("CREATE TABLE text AS SELECT person_id, json_extract(page, '$.households') "
                "AS households FROM s.serve_person_pages ORDER BY 1")
    for t in ("nested", "text"):
        con.execute(f"CREATE INDEX {t}_idx ON {t} (person_id)")
    con.close()
    con = duckdb.connect(str(path), read_only=True)
    ids = [r[0] for r in con.execute("SELECT person_id FROM text").fetchall()]
    rng = random.Random(2)
    keys = [[rng.choice(ids)] for _ in range(n)]
    return {f"page as {t}": timed(con, f"SELECT households FROM {t} WHERE person_id = ?", keys)
            for t in ("nested", "text")}


if __name__ == "__main__":
    main()
