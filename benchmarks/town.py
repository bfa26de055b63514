"""Synthetic town benchmark: famlink's whole pipeline at a given number of people.

For each size: ``famlink synth``, then ``famlink run ingest``, ``standardise``, ``link``,
``households`` and ``chronology``, each as a separate child process measured for wall time
and peak memory, then the linked persons are scored against the town's truth/ (pairwise and
B-cubed F1, twins and same-name fathers and sons kept apart), and so are the households and
families on the as-of date (pairwise F1 and adjusted Rand index) and the addresses matched to
the gazetteer. Results are printed and written to benchmarks/out/town-*.json.

    .venv/bin/python benchmarks/town.py                 # 10,000 and 100,000 people
    .venv/bin/python benchmarks/town.py 1000000         # slow: about 6M feed records
    .venv/bin/python benchmarks/town.py 100000 --households-only   # reuse a built town
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import FAMLINK, OUT, machine, run_measured, score_clusters, write_json

from famlink.households.evaluate import evaluate_households
from famlink.households.stage import as_of_date
from famlink.project import load_project
from famlink.standardise.address_truth import evaluate_addresses

STAGES = ("ingest", "standardise", "link", "households", "chronology")
TARGETS = {
    100_000: {"pipeline_seconds": 90, "standardise_link_seconds": 60, "f1": 0.98,
              "households_chronology_seconds": 60, "family_f1": 0.95},
    1_000_000: {"pipeline_seconds": 600, "peak_rss_mb": 12 * 1024, "f1": 0.98},
}


def town_dir(people: int, seed: int) -> Path:
    return OUT / "towns" / f"town-{people}-seed{seed}"


def build_town(people: int, seed: int) -> dict[str, Any]:
    """synth + the three stages into a fresh folder; the measurements of each step."""
    root = town_dir(people, seed)
    shutil.rmtree(root, ignore_errors=True)
    root.parent.mkdir(parents=True, exist_ok=True)
    logs = OUT / "logs" / root.name
    steps = {"synth": run_measured([FAMLINK, "synth", "--people", str(people), "--seed",
                                    str(seed), "--out", str(root)], logs / "synth.log")}
    if not steps["synth"]["returncode"]:
        steps.update(run_stages(root, logs))
    return steps


def run_stages(root: Path, logs: Path, stages: tuple[str, ...] = STAGES) -> dict[str, Any]:
    """``famlink run <stage>`` for each stage, measured; stops at the first failure."""
    steps: dict[str, Any] = {}
    for stage in stages:
        steps[stage] = run_measured([FAMLINK, "run", stage, "--no-publish", "-p", str(root)],
                                    logs / f"{stage}.log")
        if steps[stage]["returncode"]:
            break
    return steps


def score_groups(con: duckdb.DuckDBPyConnection, root: Path) -> dict[str, Any]:
    """Households and families on the as-of date against the town's truth."""
    return {g.what.split()[0]: {
        "people": g.people, "precision": round(g.precision, 4),
        "recall": round(g.recall, 4), "f1": round(g.f1, 4), "ari": round(g.ari, 4)}
        for g in evaluate_households(con, root / "truth", as_of_date(load_project(root)))}


def score_project(root: Path) -> dict[str, Any]:
    con = duckdb.connect(str(root / "warehouse" / "famlink.duckdb"), read_only=True)
    try:
        scores = score_clusters(con, "person_membership", "person_id", root / "truth")
        scores["person_records"] = con.execute(
            "SELECT count(*) FROM person_records").fetchall()[0][0]
        scores["addresses"] = {s.feed: {"rows": s.rows, "matched_share": s.matched_share,
                                        "precision": s.precision, "recall": s.recall}
                               for s in evaluate_addresses(con, root / "truth")}
        scores["groups"] = (score_groups(con, root)  # FEBRL has no households
                            if (root / "truth" / "households.csv").exists() else {})
        return scores
    finally:
        con.close()


def run_size(people: int, seed: int) -> dict[str, Any]:
    steps = build_town(people, seed)
    failed = [name for name, s in steps.items() if s["returncode"]]
    result: dict[str, Any] = {"people": people, "seed": seed, "steps": steps, "failed": failed,
                              "project": str(town_dir(people, seed))}
    if failed or len(steps) < 1 + len(STAGES):
        return result
    result["pipeline_seconds"] = round(sum(steps[s]["seconds"] for s in STAGES), 2)
    result["standardise_link_seconds"] = round(
        steps["standardise"]["seconds"] + steps["link"]["seconds"], 2)
    result["households_chronology_seconds"] = round(
        steps["households"]["seconds"] + steps["chronology"]["seconds"], 2)
    result["peak_rss_mb"] = max(steps[s]["peak_rss_mb"] for s in STAGES)
    result["scores"] = score_project(town_dir(people, seed))
    result["targets"] = TARGETS.get(people, {"f1": 0.98})
    return result


def rerun_households(people: int, seed: int) -> dict[str, Any]:
    """``households`` and ``chronology`` again on a town already built and linked, scored."""
    root = town_dir(people, seed)
    if not (root / "warehouse" / "famlink.duckdb").exists():
        raise SystemExit(f"no town at {root}: run benchmarks/town.py {people} first")
    logs = OUT / "logs" / root.name
    steps = {stage: run_measured([FAMLINK, "run", stage, "--no-publish", "-p", str(root)],
                                 logs / f"{stage}.log") for stage in ("households", "chronology")}
    failed = [name for name, s in steps.items() if s["returncode"]]
    con = duckdb.connect(str(root / "warehouse" / "famlink.duckdb"), read_only=True)
    try:
        groups = score_groups(con, root)
    finally:
        con.close()
    print(f"\n== households again: {people:,} people (seed {seed}) -> {root}")
    for name, s in steps.items():
        print(f"  {name:12s} {s['seconds']:8.1f} s  peak {s['peak_rss_mb']:6,} MB  "
              f"rc={s['returncode']}")
    for what, g in groups.items():
        print(f"  {what}: pairwise P {g['precision']:.4f}  R {g['recall']:.4f}  "
              f"F1 {g['f1']:.4f}  ARI {g['ari']:.4f} over {g['people']:,} people")
    return {"people": people, "seed": seed, "steps": steps, "failed": failed,
            "households_chronology_seconds": round(sum(s["seconds"] for s in steps.values()), 2),
            "groups": groups, "targets": TARGETS.get(people, {})}


def show(r: dict[str, Any]) -> None:
    print(f"\n== town: {r['people']:,} people (seed {r['seed']}) -> {r['project']}")
    for name, s in r["steps"].items():
        print(f"  {name:12s} {s['seconds']:8.1f} s  peak {s['peak_rss_mb']:6,} MB "
              f"(largest process {s['max_rss_mb']:,} MB)  rc={s['returncode']}")
    if r["failed"]:
        print(f"  FAILED: {r['failed']} (see the logs)")
        return
    sc = r["scores"]
    print(f"  pipeline {r['pipeline_seconds']} s (standardise + link "
          f"{r['standardise_link_seconds']} s); {sc['person_records']:,} person records")
    print(f"  pairwise P {sc['precision']:.4f}  R {sc['recall']:.4f}  F1 {sc['f1']:.4f}   "
          f"B-cubed F1 {sc['bcubed_f1']:.4f}")
    if "all" in sc["addresses"]:
        a = sc["addresses"]["all"]
        print(f"  addresses: {a['matched_share']:.2%} matched, {a['recall']:.2%} of rows given "
              f"the true UPRN")
    for what, g in sc["groups"].items():
        print(f"  {what}: pairwise P {g['precision']:.4f}  R {g['recall']:.4f}  "
              f"F1 {g['f1']:.4f}  ARI {g['ari']:.4f} over {g['people']:,} people")
    for kind, h in sc["hard_cases"].items():
        print(f"  {kind}: {h['pairs'] - h['wrongly_merged']}/{h['pairs']} kept apart")
    print(f"  targets: {r['targets']}")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--households-only", action="store_true",
                    help="rerun households and chronology on towns already built, and score")
    args = ap.parse_args(argv)
    runs: list[dict[str, Any]] = []
    results = {"machine": machine(), "runs": runs}
    for people in args.sizes:
        if args.households_only:
            runs.append(rerun_households(people, args.seed))
            continue
        runs.append(run_size(people, args.seed))
        show(runs[-1])
    name = "town-households" if args.households_only else "town"
    print(f"\nwritten {write_json(name, results)}")
    return results


if __name__ == "__main__":
    main()
