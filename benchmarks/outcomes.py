"""Outcomes benchmark: the rulebook evaluated on a synthetic town, and its agreement with the
needs the generator planted.

Builds the town with benchmarks/town.py's steps (or reuses one built before, with the same
size and seed, under benchmarks/out/towns/), then runs ``famlink run outcomes`` as a child
process three times and reports the stage's own time (from a run in this process, without
the snapshot copy) and the whole command's time and peak memory; then the precision and
recall of family eligibility against truth/family_needs.csv. Results are printed and
written to benchmarks/out/outcomes-*.json.

    .venv/bin/python benchmarks/outcomes.py              # 10,000 and 100,000 people
    .venv/bin/python benchmarks/outcomes.py 10000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import FAMLINK, OUT, machine, run_measured, write_json
from town import build_town, town_dir

from famlink.engine import connect
from famlink.households.stage import as_of_date
from famlink.project import load_project
from famlink.rules.rulebook import project_rulebook
from famlink.rules.stage import build_outcomes
from famlink.rules.truth import evaluate_eligibility

TARGET_SECONDS = {100_000: 30}


def ensure_town(people: int, seed: int) -> dict[str, Any]:
    root = town_dir(people, seed)
    if (root / "warehouse" / "famlink.duckdb").exists() and (root / "truth").exists():
        return {"reused": str(root)}
    steps = build_town(people, seed)
    return {"built": str(root), "steps": {k: v["seconds"] for k, v in steps.items()}}


def time_stage(root: Path) -> float:
    project = load_project(root)
    con = connect(project.warehouse_path)
    try:
        start = time.perf_counter()
        build_outcomes(con, project_rulebook(root), as_of_date(project))
        return time.perf_counter() - start
    finally:
        con.close()


def run_size(people: int, seed: int) -> dict[str, Any]:
    town = ensure_town(people, seed)
    root = town_dir(people, seed)
    logs = OUT / "logs" / root.name
    stage = [round(time_stage(root), 2) for _ in range(3)]
    cli = run_measured([FAMLINK, "run", "outcomes", "-p", str(root)], logs / "outcomes.log")
    project = load_project(root)
    con = connect(project.warehouse_path)
    try:
        score = evaluate_eligibility(con, root / "truth", project_rulebook(root),
                                     as_of_date(project))
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                  for t in ("persons", "events", "families", "family_flags", "claims")}
    finally:
        con.close()
    return {"people": people, "seed": seed, "town": town, "stage_seconds": stage,
            "stage_best_seconds": min(stage), "cli_seconds": round(cli["seconds"], 2),
            "cli_peak_rss_mb": cli["peak_rss_mb"], "returncode": cli["returncode"],
            "counts": counts, "eligibility": score.as_dict(),
            "target_seconds": TARGET_SECONDS.get(people)}


def show(r: dict[str, Any]) -> None:
    e = r["eligibility"]
    print(f"\n== outcomes: {r['people']:,} people (seed {r['seed']}); {r['counts']}")
    print(f"  stage {r['stage_seconds']} s (best {r['stage_best_seconds']} s); "
          f"`famlink run outcomes` {r['cli_seconds']} s, peak {r['cli_peak_rss_mb']:,} MB")
    print(f"  eligibility vs truth: precision {e['precision']:.3f} recall {e['recall']:.3f} "
          f"({e['true_eligible']} truly eligible, {e['predicted_eligible']} flagged, "
          f"{e['agreed']} agreed)")
    if r["target_seconds"]:
        ok = r["stage_best_seconds"] < r["target_seconds"]
        print(f"  target < {r['target_seconds']} s: {'met' if ok else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    results = []
    for people in args.sizes:
        result = run_size(people, args.seed)
        show(result)
        results.append(result)
    path = write_json(f"outcomes-{'-'.join(str(s) for s in args.sizes)}",
                      {"machine": machine(), "results": results})
    print(f"\nwritten {path}")


if __name__ == "__main__":
    main()
