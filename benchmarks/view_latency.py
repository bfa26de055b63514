"""Single views and search under load: latency of person pages, family pages and searches
read from a published snapshot by many concurrent users, as the web portal reads it.

A town is built (``famlink synth`` + ``famlink run`` through town.py's helpers) or an
existing town folder is reused, then published (copy + serving tables, timed) and N threads
each with their own cursor of one shared read-only connection issue person views, family
views and searches on random keys for a fixed number of requests. Printed and written to
benchmarks/out/view_latency-*.json: p50/p95/p99 per kind, throughput, publish time, snapshot
size, and the single-user latency of the same views on the warehouse (no serving tables).

    .venv/bin/python benchmarks/view_latency.py                      # builds a 100k town
    .venv/bin/python benchmarks/view_latency.py --project benchmarks/out/towns/town-100000-seed1
    .venv/bin/python benchmarks/view_latency.py --project P --users 50 --requests 6000 --think 1
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, write_json
from town import build_town, town_dir

from famlink.engine import connect
from famlink.project import load_project
from famlink.snapshot import open_snapshot, publish
from famlink.standardise.nicknames import forename_variants
from famlink.views.family import family_view
from famlink.views.person import person_view
from famlink.views.search import SearchQuery, search_persons

MIX = {"person": 0.4, "family": 0.3, "search": 0.3}
TARGETS_MS = {"person": 100, "family": 100, "search": 300}  # p95, from the design
Request = tuple[str, Callable[[duckdb.DuckDBPyConnection], object]]


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word)) if len(word) > 2 else 0
    return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:] if i else word


def search_queries(con: duckdb.DuckDBPyConnection, n: int, rng: random.Random) -> list[SearchQuery]:
    """A mix of what a practitioner types: a name with a typo and a date of birth, a
    nickname, a surname alone, a name and a postcode, an NHS number, a date of birth."""
    rows = con.execute(
        "SELECT first_name, surname, date_of_birth, postcode, nhs_number FROM serve_search s "
        "JOIN (SELECT person_id, nhs_number FROM persons) p USING (person_id) WHERE "
        f"first_name IS NOT NULL AND surname IS NOT NULL ORDER BY hash(person_id, {rng.random()}) "
        f"LIMIT {n}").fetchall()
    nicknames: dict[str, str] = {}
    for variant, canon in sorted(forename_variants().items()):
        nicknames.setdefault(canon, variant)
    out = []
    for i, (first, surname, dob, postcode, nhs) in enumerate(rows):
        kind = i % 6
        if kind == 0:
            out.append(SearchQuery(name=f"{first} {_typo(surname, rng)}", dob=dob))
        elif kind == 1:
            out.append(SearchQuery(name=f"{nicknames.get(first, first)} {surname}"))
        elif kind == 2:
            out.append(SearchQuery(name=surname))
        elif kind == 3:
            out.append(SearchQuery(name=f"{first} {surname}", postcode=postcode))
        elif kind == 4 and nhs:
            out.append(SearchQuery(identifier=nhs))
        else:
            out.append(SearchQuery(dob=dob) if dob else SearchQuery(name=surname))
    return out


def requests(con: duckdb.DuckDBPyConnection, total: int, seed: int) -> list[Request]:
    rng = random.Random(seed)
    persons = [r[0] for r in con.execute("SELECT person_id FROM persons").fetchall()]
    families = [r[0] for r in con.execute("SELECT family_id FROM families").fetchall()]
    queries = search_queries(con, max(60, int(total * MIX["search"])), rng)
    out: list[Request] = []
    for _ in range(total):
        kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
        if kind == "person":
            pid = rng.choice(persons)
            out.append((kind, lambda c, k=pid: person_view(c, k)))
        elif kind == "family":
            fid = rng.choice(families)
            out.append((kind, lambda c, k=fid: family_view(c, k)))
        else:
            query = rng.choice(queries)
            out.append((kind, lambda c, q=query: search_persons(c, q)))
    return out


def run_load(con: duckdb.DuckDBPyConnection, work: list[Request], users: int,
             think: float, seed: int) -> dict[str, Any]:
    """``users`` threads, each with its own cursor, share ``work``; latencies per kind."""
    times: dict[str, list[float]] = {k: [] for k in MIX}
    errors: list[str] = []
    lock = threading.Lock()

    def user(n: int) -> None:
        cur, rng = con.cursor(), random.Random(seed + n)
        for kind, call in work[n::users]:
            if think:
                time.sleep(rng.expovariate(1 / think))
            start = time.perf_counter()
            try:
                call(cur)
            except Exception as exc:
                with lock:
                    errors.append(f"{kind}: {exc}")
                continue
            with lock:
                times[kind].append((time.perf_counter() - start) * 1000)
        cur.close()

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    done = sum(len(v) for v in times.values())
    return {"users": users, "think_seconds": think, "requests": len(work), "completed": done,
            "errors": len(errors), "error_samples": errors[:5], "wall_seconds": round(wall, 2),
            "throughput_per_s": round(done / wall, 1),
            "latency_ms": {k: _percentiles(v) for k, v in times.items()}}


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {"n": len(values), "p50": round(q[49], 1), "p95": round(q[94], 1),
            "p99": round(q[98], 1), "max": round(max(values), 1)}


def single_user(con: duckdb.DuckDBPyConnection, work: list[Request], n: int) -> dict[str, Any]:
    """Latency of the first ``n`` requests of each kind, one at a time."""
    times: dict[str, list[float]] = {k: [] for k in MIX}
    for kind, call in work:
        if len(times[kind]) < n:
            start = time.perf_counter()
            call(con)
            times[kind].append((time.perf_counter() - start) * 1000)
    return {k: _percentiles(v) for k, v in times.items()}


def published(root: Path) -> dict[str, Any]:
    project = load_project(root)
    start = time.perf_counter()
    path = publish(project)
    seconds = time.perf_counter() - start
    return {"publish_seconds": round(seconds, 2), "snapshot": str(path),
            "snapshot_mb": round(path.stat().st_size / 2**20, 1),
            "warehouse_mb": round(project.warehouse_path.stat().st_size / 2**20, 1)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--project", type=Path, help="an existing town folder, already run")
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--requests", type=int, default=6000)
    ap.add_argument("--think", type=float, default=0.0,
                    help="mean seconds each user waits between requests (0: back to back)")
    ap.add_argument("--duckdb-threads", type=int, default=None,
                    help="DuckDB's worker threads for the shared connection (default: cores)")
    ap.add_argument("--skip-publish", action="store_true",
                    help="serve the snapshot already published (no new publish)")
    ap.add_argument("--baseline", type=int, default=20,
                    help="requests per kind timed one at a time on the warehouse and snapshot "
                         "(0: none)")
    args = ap.parse_args(argv)
    root = args.project
    result: dict[str, Any] = {"machine": machine(), "command": " ".join(sys.argv)}
    if root is None:
        root = town_dir(args.people, args.seed)
        result["build"] = build_town(args.people, args.seed)
    if not args.skip_publish:
        result.update(published(root))
    project = load_project(root)
    con = open_snapshot(project)
    if args.duckdb_threads:
        con.execute(f"SET threads = {int(args.duckdb_threads)}")
    result["duckdb_threads"] = con.execute("SELECT current_setting('threads')").fetchall()[0][0]
    try:
        result["people"] = con.execute("SELECT count(*) FROM persons").fetchall()[0][0]
        work = requests(con, args.requests, args.seed)
        single_user(con, work, 5)  # warm-up: loads the indexes and blocks once
        result["single_user_snapshot_ms"] = single_user(con, work, args.baseline)
        result["load"] = run_load(con, work, args.users, args.think, args.seed)
    finally:
        con.close()
    if args.baseline:
        live = connect(project.warehouse_path, read_only=True)
        try:
            result["single_user_warehouse_ms"] = single_user(live, work, args.baseline)
        finally:
            live.close()
    show(result)
    print(f"\nwritten {write_json('view_latency', result)}")
    return result


def show(r: dict[str, Any]) -> None:
    m = r["machine"]
    print(f"\n== views under load: {r['people']:,} persons; {m['nproc']} cores, "
          f"{m['memory_gb']} GB, load average at start {m['load_average_at_start']}")
    if "publish_seconds" in r:
        print(f"  publish {r['publish_seconds']} s; snapshot {r['snapshot_mb']} MB "
              f"(warehouse {r['warehouse_mb']} MB)")
    print(f"  DuckDB threads: {r['duckdb_threads']}")
    load = r["load"]
    print(f"  {load['users']} users, think {load['think_seconds']} s: {load['completed']:,} "
          f"requests in {load['wall_seconds']} s = {load['throughput_per_s']}/s, "
          f"{load['errors']} errors")
    for kind, p in load["latency_ms"].items():
        print(f"  {kind:7s} p50 {p.get('p50')} ms  p95 {p.get('p95')} ms  p99 {p.get('p99')} ms"
              f"  (target p95 < {TARGETS_MS[kind]} ms)")
    for where in ("snapshot", "warehouse"):
        one = r.get(f"single_user_{where}_ms", {})
        if not any(one.values()):
            continue
        print(f"  one user, {where}: " + ", ".join(
            f"{k} p50 {p.get('p50')} / p95 {p.get('p95')} ms" for k, p in one.items()))


if __name__ == "__main__":
    main()
