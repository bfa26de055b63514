"""Web latency benchmark: person, family and search pages under concurrent users.

Builds (or reuses) a published synthetic town, starts ``famlink serve`` as a separate
process, signs in one session per simulated user (as the data team, whose scope is the whole
town, so every page does its full work), and has the users request person pages, family pages
and searches in turn, for a fixed time: back to back, or pausing ``--think`` seconds on
average between requests as people reading pages do. Reports p50/p95/p99
per page kind (a request answered with anything but 200, or whose connection dropped, counts
as an error), the server's CPU time per request (all its processes, user + system: less
sensitive than latency to other work on a shared machine) and the load average, and writes
benchmarks/out/web-latency-*.json.

    .venv/bin/python benchmarks/web_latency.py                  # 100,000 people, 50 users
    .venv/bin/python benchmarks/web_latency.py --people 10000 --users 20 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import httpx2 as httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import FAMLINK, OUT, machine, run_measured, write_json

from famlink.project import load_project
from famlink.snapshot import current_snapshot
from famlink.state import accounts
from famlink.state.db import project_app_state

TARGETS_MS = {"person": 100, "family": 100, "search": 300}
PASSWORD = "benchmark-password"


def ensure_town(root: Path, people: int, seed: int) -> dict[str, Any]:
    """A published town at ``root``: built with synth + run unless one is there already."""
    if (root / "snapshots" / "CURRENT").exists():
        return {"reused": str(root)}
    logs = OUT / "logs" / root.name
    steps = {"synth": run_measured([FAMLINK, "synth", "--people", str(people), "--seed",
                                    str(seed), "--out", str(root)], logs / "synth.log")}
    steps["run"] = run_measured([FAMLINK, "run", "-p", str(root)], logs / "run.log")
    if steps["run"]["returncode"]:
        raise SystemExit(f"famlink run failed: see {steps['run']['log']}")
    return steps


def sample(root: Path, n: int, seed: int) -> dict[str, list[Any]]:
    """Random persons, families and search terms (a person's name; half with the DOB)."""
    snapshot = current_snapshot(load_project(root))
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        persons = [r[0] for r in con.execute(
            f"SELECT person_id FROM persons USING SAMPLE {n} ROWS (reservoir, {seed})").fetchall()]
        families = [r[0] for r in con.execute(
            f"SELECT family_id FROM families USING SAMPLE {n} ROWS (reservoir, {seed})")
            .fetchall()]
        names = con.execute(
            f"SELECT first_name, surname, strftime(date_of_birth, '%Y-%m-%d') FROM persons "
            f"WHERE first_name IS NOT NULL AND surname IS NOT NULL "
            f"USING SAMPLE {n} ROWS (reservoir, {seed})").fetchall()
    finally:
        con.close()
    searches = [{"name": f"{f} {s}", **({"dob": d} if i % 2 and d else {})}
                for i, (f, s, d) in enumerate(names)]
    return {"person": persons, "family": families, "search": searches}


def start_server(root: Path, port: int, log: Path, workers: int = 1) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    extra = ["--workers", str(workers)] if workers > 1 else []
    server = subprocess.Popen([FAMLINK, "serve", "-p", str(root), "--port", str(port), *extra],
                              stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit(f"the server did not start: see {log}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its descendants (uvicorn's workers)."""
    total = 0.0
    parent = psutil.Process(pid)
    for proc in [parent, *parent.children(recursive=True)]:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def request_for(kind: str, item: Any) -> tuple[str, dict[str, str]]:
    if kind == "person":
        return f"/persons/{item}", {}
    if kind == "family":
        return f"/families/{item}", {}
    return "/search", dict(item)


async def user(client: httpx.AsyncClient, token: str, items: dict[str, list[Any]],
               until: float, rng: random.Random, out: list[tuple[str, float, int]],
               think: float = 0.0) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    kinds = ["person", "family", "search"]
    turn = rng.randrange(3)
    while time.monotonic() < until:
        kind = kinds[turn % 3]
        turn += 1
        path, params = request_for(kind, rng.choice(items[kind]))
        start = time.perf_counter()
        try:
            status = (await client.get(path, params=params, headers=headers)).status_code
        except httpx.TransportError:  # e.g. a kept-alive connection the server just closed
            status = 0
        out.append((kind, (time.perf_counter() - start) * 1000, status))
        if think > 0:  # a person reads the page before the next click
            await asyncio.sleep(rng.expovariate(1 / think))


async def load(base: str, users: int, seconds: float, items: dict[str, list[Any]],
               seed: int, think: float = 0.0,
               server_pid: int | None = None) -> tuple[list[tuple[str, float, int]], float]:
    """The samples and the server's CPU seconds spent while the users ran (not warm-up)."""
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        tokens = []
        for _ in range(users):
            answer = await client.post("/api/session", json={"username": "bench_data_team",
                                                              "password": PASSWORD})
            tokens.append(answer.json()["token"])
        warm: list[tuple[str, float, int]] = []
        await user(client, tokens[0], items, time.monotonic() + 5, random.Random(seed), warm)
        out: list[tuple[str, float, int]] = []
        cpu_before = cpu_seconds(server_pid) if server_pid else 0.0
        until = time.monotonic() + seconds
        await asyncio.gather(*(user(client, t, items, until, random.Random(seed + i), out,
                                    think) for i, t in enumerate(tokens)))
        cpu = cpu_seconds(server_pid) - cpu_before if server_pid else 0.0
    return out, cpu


def percentiles(values: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"n": len(values), "p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1),
            "p99_ms": round(cuts[98], 1), "max_ms": round(max(values), 1)}


def summarise(samples: list[tuple[str, float, int]], seconds: float,
              cpu: float = 0.0) -> dict[str, Any]:
    kinds: dict[str, Any] = {}
    for kind, target in TARGETS_MS.items():
        ok = [ms for k, ms, status in samples if k == kind and status == 200]
        kinds[kind] = {**percentiles(ok), "errors": sum(
            1 for k, _, s in samples if k == kind and s != 200), "target_p95_ms": target}
        kinds[kind]["met"] = kinds[kind]["p95_ms"] < target
    return {"per_kind": kinds, "requests": len(samples),
            "requests_per_second": round(len(samples) / seconds, 1),
            "server_cpu_seconds": round(cpu, 2),
            "server_cpu_ms_per_request": round(1000 * cpu / max(len(samples), 1), 2)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--root", type=Path, default=None)
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds each user "
                        "pauses between requests (exponential); 0: back to back")
    parser.add_argument("--workers", type=int, default=1, help="server processes "
                        "(famlink serve --workers)")
    args = parser.parse_args(argv)
    root = (args.root or OUT / "towns" / f"web-{args.people}").resolve()
    build = ensure_town(root, args.people, args.seed)
    engine = project_app_state(load_project(root))
    if "bench_data_team" in {a.username for a in accounts.list_users(engine)}:
        accounts.reset_password(engine, "bench_data_team", PASSWORD)
    else:
        accounts.add_user(engine, "bench_data_team", "data_team", PASSWORD)
    items = sample(root, 500, args.seed)
    server = start_server(root, args.port, OUT / "logs" / f"web-serve-{args.people}.log",
                          args.workers)
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    try:
        samples, cpu = asyncio.run(load(f"http://127.0.0.1:{args.port}", args.users,
                                        args.seconds, items, args.seed, args.think, server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {"people": args.people, "users": args.users, "seconds": args.seconds,
              "think_seconds": args.think, "workers": args.workers, "build": build,
              "machine": {**machine(), "load_average_at_start": load_at_start},
              **summarise(samples, args.seconds, cpu),
              "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}
    for kind, r in result["per_kind"].items():
        print(f"{kind:<7} n={r['n']:<6} p50 {r['p50_ms']:>7} ms  p95 {r['p95_ms']:>7} ms  "
              f"p99 {r['p99_ms']:>7} ms  errors {r['errors']}  target p95 < "
              f"{r['target_p95_ms']} ms: {'met' if r['met'] else 'NOT met'}")
    print(f"{result['requests']} requests, {result['requests_per_second']} per second; "
          f"server CPU {result['server_cpu_ms_per_request']} ms a request; load average "
          f"{result['machine']['load_average_at_start']} -> {result['load_average_at_end']}; "
          f"wrote {write_json(f'web-latency-{args.people}', result)}")
    return result


if __name__ == "__main__":
    main()
