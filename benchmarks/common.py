"""Shared helpers: run a child process measuring wall time and peak memory, describe the
machine, score a clustering against ground truth, write results JSON to benchmarks/out/.

Peak memory is measured two ways for every child: ``peak_rss_mb`` is the largest sum of
resident memory over the child and all its descendants (sampled every 50 ms with psutil, so
forked workers count), ``max_rss_mb`` is the kernel's figure for the largest single process
(``ru_maxrss`` from ``wait4``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import threading
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb
import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python")
FAMLINK = str(BIN / "famlink")


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def _sample(pid: int, peak: list[int], done: threading.Event) -> None:
    try:
        proc = psutil.Process(pid)
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc))
            time.sleep(0.05)
    except psutil.Error:
        pass


def run_measured(cmd: list[str], log: Path, timeout: float | None = None) -> dict[str, Any]:
    """Run ``cmd``; its stdout and stderr go to ``log``. Returns time, memory, return code."""
    log.parent.mkdir(parents=True, exist_ok=True)
    peak, done = [0], threading.Event()
    start = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        sampler = threading.Thread(target=_sample, args=(proc.pid, peak, done), daemon=True)
        sampler.start()
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if timer:
            timer.cancel()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return {"cmd": " ".join(cmd), "seconds": round(seconds, 2),
            "peak_rss_mb": round(peak[0] / 2**20), "max_rss_mb": round(usage.ru_maxrss / 1024),
            "returncode": proc.returncode, "log": str(log)}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def git_state() -> dict[str, Any]:
    """The commit benchmarked and whether src/ differed from it (others edit it meanwhile)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=False).stdout.strip()

    return {"commit": git("rev-parse", "--short", "HEAD"),
            "subject": git("log", "-1", "--format=%s"),
            "src_modified": bool(git("status", "--porcelain", "--", "src"))}


def machine() -> dict[str, Any]:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "nproc": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu": cpu_model(), "python": sys.version.split()[0],
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "git": git_state(),
        "versions": {n: version(n) for n in ("famlink", "duckdb", "splink", "recordlinkage",
                                              "pandas", "numpy", "scikit-learn")},
    }


HARD_CASES_SQL = """
WITH m AS (SELECT t.true_person_id, CAST(p.{pred} AS VARCHAR) AS pred FROM _tmp_truth t
           JOIN {pred_table} p USING (record_id)),
pairs AS (SELECT DISTINCT h.kind, h.a, h.b FROM _tmp_truth_hard h
          WHERE h.a IN (SELECT true_person_id FROM m) AND h.b IN (SELECT true_person_id FROM m)),
merged AS (SELECT DISTINCT p.kind, p.a, p.b FROM pairs p
           JOIN m ma ON ma.true_person_id = p.a
           JOIN m mb ON mb.true_person_id = p.b AND ma.pred = mb.pred)
SELECT p.kind, count(*), (SELECT count(*) FROM merged g WHERE g.kind = p.kind)
FROM pairs p GROUP BY p.kind ORDER BY p.kind
"""


def score_clusters(con: duckdb.DuckDBPyConnection, pred_table: str, pred: str,
                   truth_dir: Path) -> dict[str, Any]:
    """Pairwise and B-cubed scores and hard cases of ``pred_table(record_id, <pred>)``.

    Uses famlink's own scorer (famlink.link.evaluate.score) so every tool is scored alike;
    only records present in ``pred_table`` are scored.
    """
    from famlink.link.evaluate import score
    from famlink.link.truth import load_truth

    load_truth(con, truth_dir)
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_eval_truth AS SELECT * FROM _tmp_truth "
                f"WHERE record_id IN (SELECT record_id FROM {pred_table})")
    s = score(con, pred_table, "_tmp_eval_truth", pred=pred)
    hard = con.execute(HARD_CASES_SQL.format(pred=pred, pred_table=pred_table)).fetchall()
    return {
        "records": s.records, "true_persons": s.true_persons,
        "predicted_persons": s.predicted_clusters, "true_pairs": s.true_pairs,
        "predicted_pairs": s.predicted_pairs, "correct_pairs": s.correct_pairs,
        "precision": round(s.precision, 5), "recall": round(s.recall, 5), "f1": round(s.f1, 5),
        "bcubed_precision": round(s.bcubed_precision, 5),
        "bcubed_recall": round(s.bcubed_recall, 5), "bcubed_f1": round(s.bcubed_f1, 5),
        "hard_cases": {str(k): {"pairs": int(n), "wrongly_merged": int(w)} for k, n, w in hard},
    }


def write_json(name: str, data: dict[str, Any]) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    path = OUT / f"{name}-{stamp}.json"
    path.write_text(json.dumps(data, indent=1, default=str))
    (OUT / f"{name}-latest.json").write_text(path.read_text())
    return path
