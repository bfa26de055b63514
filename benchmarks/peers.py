"""Peers on the same synthetic town: plain Splink 5 and the recordlinkage package.

Every peer reads the same records: famlink's standardised ``person_records`` of a town built
by town.py, reduced to five generic columns (first_name, surname, dob, postcode, address).
Each peer runs as its own child process, measured for wall time and peak memory, writes a
clustering (record_id -> cluster_id) and is scored with famlink's scorer against the town's
truth/, exactly as famlink is.

    .venv/bin/python benchmarks/peers.py                  # towns of 10,000 and 100,000
    .venv/bin/python benchmarks/peers.py 10000 --peers splink rl_sum
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, PYTHON, machine, run_measured, score_clusters, write_json

PEERS = ("splink", "rl_sum", "rl_ecm")
TOWN_INPUT_SQL = """
SELECT record_id AS unique_id, first_name, surname, strftime(date_of_birth, '%Y-%m-%d') AS dob,
       postcode, address_norm AS address
FROM w.person_records ORDER BY record_id
"""


def export_town(project: Path, path: Path) -> Path:
    """The five generic columns of the town's person_records, as parquet."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{project / 'warehouse' / 'famlink.duckdb'}' AS w (READ_ONLY)")
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY ({TOWN_INPUT_SQL}) TO '{path}' (FORMAT parquet)")
    con.close()
    return path


def run_peer(peer: str, records: Path, truth: Path, work: Path,
             timeout: float) -> dict[str, Any]:
    """Run one peer in a measured child process, then score its clusters."""
    clusters = work / f"{peer}-clusters.parquet"
    clusters.unlink(missing_ok=True)
    cmd = [PYTHON, str(Path(__file__).resolve()), "--child", peer, str(records), str(clusters)]
    result = run_measured(cmd, OUT / "logs" / work.name / f"{peer}.log", timeout=timeout)
    result["peer"] = peer
    if result["returncode"] or not clusters.exists():
        result["error"] = f"failed or timed out after {result['seconds']:.0f} s (see log)"
        return result
    phases = clusters.with_suffix(".json")
    result["phases"] = json.loads(phases.read_text()) if phases.exists() else {}
    con = duckdb.connect()
    con.execute(f"CREATE TABLE clusters AS SELECT * FROM read_parquet('{clusters}')")
    result["scores"] = score_clusters(con, "clusters", "cluster_id", truth)
    con.close()
    return result


# ---- the peers themselves (run in the child process) ----

def splink_settings() -> Any:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.NameComparison("first_name"), cl.NameComparison("surname"),
                     cl.DateOfBirthComparison("dob", input_is_string=True),
                     cl.ExactMatch("postcode"), cl.LevenshteinAtThresholds("address", [1, 3])],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"), block_on("surname", "dob"), block_on("postcode")],
        retain_matching_columns=False, retain_intermediate_calculation_columns=False)


def splink_peer(records: Path, out: Path, phases: dict[str, float]) -> None:
    """Generic Splink: lambda, u by random sampling, EM on two rules, predict, cluster at 0.95."""
    import logging

    from splink import DuckDBAPI, Linker, block_on

    tick = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"CREATE TABLE records AS SELECT * FROM read_parquet('{records}')")
    linker = Linker(DuckDBAPI(connection=con).register("records"), splink_settings(),
                    log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    for rule in (block_on("first_name", "surname"), block_on("dob")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    phases["train"], tick = time.perf_counter() - tick, time.perf_counter()
    pairs = linker.inference.predict(threshold_match_probability=0.95, warning_mode="never")
    phases["predict"], tick = time.perf_counter() - tick, time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, 0.95)
    con.execute(f"COPY (SELECT unique_id AS record_id, CAST(cluster_id AS VARCHAR) AS cluster_id "
                f"FROM {clusters.physical_name}) TO '{out}' (FORMAT parquet)")
    phases["cluster"] = time.perf_counter() - tick
    phases["pairs_at_or_above_0.95"] = con.execute(
        f"SELECT count(*) FROM {pairs.physical_name}").fetchall()[0][0]


def rl_features(records: Path) -> tuple[Any, Any]:
    """recordlinkage's standard recipe: blocking index, then binary comparison features."""
    import pandas as pd
    import recordlinkage as rl

    df = pd.read_parquet(records).set_index("unique_id")
    index = rl.Index()
    index.block(["first_name", "surname"])
    index.block(["surname", "dob"])
    index.block("postcode")
    pairs = index.index(df)
    compare = rl.Compare(n_jobs=1)
    compare.exact("first_name", "first_name", label="first_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("dob", "dob", label="dob")
    compare.exact("postcode", "postcode", label="postcode")
    compare.string("address", "address", method="jarowinkler", threshold=0.85, label="address")
    return df, compare.compute(pairs, df)


def rl_peer(records: Path, out: Path, phases: dict[str, float], classifier: str) -> None:
    """Sum of five binary features >= 4 (the package's tutorial rule) or ECM, then components."""
    import recordlinkage as rl

    tick = time.perf_counter()
    df, features = rl_features(records)
    phases["index_and_compare"], tick = time.perf_counter() - tick, time.perf_counter()
    phases["candidate_pairs"] = len(features)
    if classifier == "sum":
        links = features.index[features.sum(axis=1) >= 4]
    else:
        links = rl.ECMClassifier(binarize=None).fit_predict(features)
    phases["classify"], tick = time.perf_counter() - tick, time.perf_counter()
    phases["links"] = len(links)
    write_components(df.index, links, out)
    phases["cluster"] = time.perf_counter() - tick


def write_components(ids: Any, links: Any, out: Path) -> None:
    """Connected components of the linked pairs; unlinked records are their own cluster."""
    import numpy as np
    import pandas as pd
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    pos = pd.Series(np.arange(len(ids)), index=ids)
    left = pos.loc[links.get_level_values(0)].to_numpy()
    right = pos.loc[links.get_level_values(1)].to_numpy()
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(len(ids), len(ids)))
    _, labels = connected_components(graph, directed=False)
    pd.DataFrame({"record_id": ids.astype(str), "cluster_id": labels.astype(str)}).to_parquet(out)


def child(peer: str, records: Path, out: Path) -> None:
    phases: dict[str, float] = {}
    if peer == "splink":
        splink_peer(records, out, phases)
    else:
        rl_peer(records, out, phases, peer.removeprefix("rl_"))
    out.with_suffix(".json").write_text(json.dumps(
        {k: round(v, 2) if isinstance(v, float) else v for k, v in phases.items()}))


# ---- the benchmark ----

def show(r: dict[str, Any]) -> None:
    line = f"  {r['peer']:18s} {r['seconds']:8.1f} s  peak {r['peak_rss_mb']:6,} MB"
    if "scores" not in r:
        print(f"{line}  {r.get('error', 'failed')}")
        return
    s = r["scores"]
    hard = ", ".join(f"{k}: {h['wrongly_merged']}/{h['pairs']} merged"
                     for k, h in s["hard_cases"].items())
    print(f"{line}  P {s['precision']:.4f} R {s['recall']:.4f} F1 {s['f1']:.4f} "
          f"B3-F1 {s['bcubed_f1']:.4f}  {hard}  {r.get('phases', {})}")


def run_town(people: int, seed: int, peers: list[str], timeout: float) -> dict[str, Any]:
    from town import build_town, town_dir

    project = town_dir(people, seed)
    if not (project / "warehouse" / "famlink.duckdb").exists():
        build_town(people, seed)
    work = OUT / "peers" / project.name
    records = export_town(project, work / "records.parquet")
    print(f"\n== peers on {project.name}")
    results = []
    for peer in peers:
        results.append(run_peer(peer, records, project / "truth", work, timeout))
        show(results[-1])
    return {"people": people, "seed": seed, "project": str(project), "peers": results}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--peers", nargs="+", choices=PEERS, default=list(PEERS))
    ap.add_argument("--timeout", type=float, default=900, help="seconds per peer run")
    ap.add_argument("--child", nargs=3, metavar=("PEER", "RECORDS", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return {}
    results = {"machine": machine(),
               "towns": [run_town(n, args.seed, args.peers, args.timeout) for n in args.sizes]}
    print(f"\nwritten {write_json('peers', results)}")
    return results


if __name__ == "__main__":
    main()
