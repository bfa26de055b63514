"""Daily batch benchmark: new records linked, alerted and published against a linked town.

For each size: ``famlink synth --daily D`` (the last D days held back as deliveries), a full
``famlink run`` on the history, then all the held-back days taken as ONE delivery (about
``--batch`` new feed records) and ``famlink run --watch`` on it, measured as a whole and per
stage (from the run log). A rebuild would redo everything; the incremental run links only
the new records. Results are printed and written to benchmarks/out/daily-*.json.

    .venv/bin/python benchmarks/daily.py                   # 10,000 and 100,000 people
    .venv/bin/python benchmarks/daily.py 300000 --days 30
    .venv/bin/python benchmarks/daily.py 100000 --days 40 --reuse   # keep/reuse the full run

With ``--reuse`` the town as it stands after its full run (held-back days included) is kept
in ``out/towns/daily-N-seedS-days-D-base`` and copied, rather than built again, by the next
run with the same options: the incremental run alone is measured again (the full run's
figures are those of the run that built the copy).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import FAMLINK, OUT, machine, run_measured, write_json


def _one_delivery(daily: Path, into: Path) -> int:
    """Every held-back day merged into one delivery: one file per feed and format, as a
    system would send a day's extract; the number of files."""
    groups: dict[tuple[str, str], list[Path]] = {}
    for f in sorted(daily.glob("*/*/*")):
        groups.setdefault((f.parent.name, f.suffix), []).append(f)
    for (feed, suffix), files in groups.items():
        (into / feed).mkdir(parents=True, exist_ok=True)
        target = into / feed / f"{files[0].stem}-batch{suffix}"
        if suffix == ".parquet":
            pq.write_table(pa.concat_tables(pq.read_table(f) for f in files), target)
        elif suffix in (".csv", ".tsv", ".jsonl"):
            skip = 0 if suffix == ".jsonl" else 1  # each CSV file's header line
            with target.open("wb") as out:
                out.write(b"".join(files[0].read_bytes().splitlines(keepends=True)[:skip]))
                for part in files:
                    out.write(b"".join(part.read_bytes().splitlines(keepends=True)[skip:]))
        else:  # workbooks stay one per day
            for f in files:
                shutil.copy(f, into / feed / f.name)
    shutil.rmtree(daily)
    return sum(1 for _ in into.glob("*/*"))


def _stage_seconds(root: Path) -> dict[str, Any]:
    con = duckdb.connect(str(root / "warehouse" / "famlink.duckdb"), read_only=True)
    try:
        run = con.execute("SELECT run_id FROM run_log ORDER BY started_at DESC LIMIT 1"
                          ).fetchall()[0][0]
        stages = {s: round(t, 2) for s, t in con.execute(
            "SELECT stage, seconds FROM run_log WHERE run_id = ? ORDER BY seq", [run]).fetchall()}
        counts = dict(con.execute(
            "SELECT 'new records', count(*) FROM person_records WHERE load_batch_id IN "
            "(SELECT load_batch_id FROM load_batches WHERE loaded_at >= (SELECT min(started_at) "
            "FROM run_log WHERE run_id = ?)) UNION ALL SELECT 'records', count(*) FROM "
            "person_records "
            "UNION ALL SELECT 'persons', count(*) FROM persons UNION ALL SELECT 'alerts', "
            "count(*) FROM alerts", [run]).fetchall())
        note = con.execute("SELECT counts_json FROM run_log WHERE run_id = ? AND stage = 'link'",
                           [run]).fetchall()
    finally:
        con.close()
    return {"stages": stages, "counts": counts, "link_counts": note[0][0] if note else None}


def _measured(cmd: list[str], log: Path) -> dict[str, Any]:
    """run_measured, plus the CPU seconds the child used (user + system, all its threads):
    on a shared machine a fairer figure than the wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run_measured(cmd, log)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["cpu_seconds"] = round(after.ru_utime + after.ru_stime
                                  - before.ru_utime - before.ru_stime, 1)
    return result


def _linked_town(root: Path, people: int, days: int, seed: int, reuse: bool
                 ) -> dict[str, Any]:
    """Synth and a full run into ``root`` (or a copy of the kept ones); their figures."""
    base = root.with_name(f"{root.name}-days-{days}-base")
    figures = base / "benchmark-full-run.json"
    if reuse and figures.exists():
        shutil.copytree(base, root)
        return dict(json.loads(figures.read_text()), reused=str(base))
    logs = OUT / "logs" / root.name
    result: dict[str, Any] = {}
    result["synth"] = run_measured([FAMLINK, "synth", "--people", str(people), "--seed",
                                    str(seed), "--daily", str(days), "--out", str(root)],
                                   logs / "synth.log")
    result["full_run"] = _measured([FAMLINK, "run", "-p", str(root)], logs / "full.log")
    result["full_stages"] = _stage_seconds(root)["stages"]
    if reuse:
        shutil.rmtree(base, ignore_errors=True)
        shutil.copytree(root, base)
        figures.write_text(json.dumps(result))
    return result


def run_size(people: int, days: int, seed: int, reuse: bool = False) -> dict[str, Any]:
    root = OUT / "towns" / f"daily-{people}-seed{seed}"
    shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(root.with_name(root.name + "-drops"), ignore_errors=True)
    logs = OUT / "logs" / root.name
    result: dict[str, Any] = {"people": people, "days": days, "seed": seed, "machine": machine()}
    result.update(_linked_town(root, people, days, seed, reuse))
    drops = root.with_name(root.name + "-drops")
    result["files"] = _one_delivery(root / "daily", drops / "batch")
    result["incremental_run"] = _measured(
        [FAMLINK, "run", "-p", str(root), "--watch", str(drops), "--once"], logs / "daily.log")
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result.update(_stage_seconds(root))
    return result


def show(r: dict[str, Any]) -> None:
    inc, full = r["incremental_run"], r["full_run"]
    print(f"{r['people']:,} people, {r['counts'].get('new records', 0):,} new records in "
          f"{r['files']} files: incremental run {inc['seconds']} s, {inc['cpu_seconds']} "
          f"CPU s (peak {inc['peak_rss_mb']} MB) vs full run {full['seconds']} s, "
          f"{full.get('cpu_seconds', '?')} CPU s")
    print("  incremental stages:", r["stages"])
    print("  full-run stages:   ", r["full_stages"])


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--days", type=int, default=60, help="days held back as the batch")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the town after its full run, or start from the kept one")
    args = parser.parse_args(argv)
    results = []
    for people in args.sizes:
        r = run_size(people, args.days, args.seed, args.reuse)
        show(r)
        results.append(r)
        write_json(f"daily-{people}", r)
    return results


if __name__ == "__main__":
    main()
