"""The link stage step by step: wall time and peak memory of each of its steps.

Runs ``famlink run link`` in this process on a town already built (``town.py``), recording
at each progress message of the stage (training, scoring, clustering, person IDs, writing
the tables) the time and the process's resident memory: the peak of each step comes from a
sampler thread (every 50 ms) and from the kernel's ``ru_maxrss``. The link runs in full (the
last run's ``link_runs`` row is dropped first, so it does not take the incremental path);
the previous membership is kept, so the stable IDs are matched against it as in a rerun.

    .venv/bin/python benchmarks/link_steps.py benchmarks/out/towns/town-100000-seed1
"""

from __future__ import annotations

import argparse
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, write_json

from famlink.engine import connect
from famlink.pipeline import run_stages
from famlink.project import load_project


class StepMeter:
    """Time and peak resident memory between the stage's progress messages."""

    def __init__(self) -> None:
        self.proc = psutil.Process()
        self.steps: list[dict[str, Any]] = []
        self.name, self.start, self.peak = "start", time.perf_counter(), 0
        self.rss_start = self.proc.memory_info().rss
        self.done = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.05)

    def _close(self) -> None:
        rss = self.proc.memory_info().rss
        self.steps.append({"step": self.name,
                           "seconds": round(time.perf_counter() - self.start, 2),
                           "rss_at_start_mb": round(self.rss_start / 2**20),
                           "peak_rss_mb": round(max(self.peak, rss) / 2**20),
                           "rss_after_mb": round(rss / 2**20)})
        print(f"  {self.name:28s} {self.steps[-1]['seconds']:8.1f} s  "
              f"resident {self.steps[-1]['rss_at_start_mb']:7,} MB at start, "
              f"peak {self.steps[-1]['peak_rss_mb']:7,} MB", flush=True)

    def __call__(self, what: str, done: int, total: int) -> None:
        if what == self.name:
            return
        self._close()
        self.name, self.start, self.peak = what, time.perf_counter(), 0
        self.rss_start = self.proc.memory_info().rss

    def finish(self) -> list[dict[str, Any]]:
        self._close()
        self.done.set()
        return self.steps


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project", type=Path)
    args = ap.parse_args(argv)
    project = load_project(args.project)
    con = connect(project.warehouse_path)
    try:
        con.execute("DROP TABLE IF EXISTS link_runs")
        meter = StepMeter()
        started = time.perf_counter()
        [result] = run_stages(project, con, ["link"], meter)
        steps = meter.finish()
    finally:
        con.close()
    out = {"machine": machine(), "project": str(args.project), "steps": steps,
           "seconds": round(time.perf_counter() - started, 2),
           "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
           "counts": result.counts}
    print(f"  link {out['seconds']} s, largest resident {out['max_rss_mb']:,} MB; "
          f"{result.counts}")
    print(f"written {write_json('link-steps', out)}")
    return out


if __name__ == "__main__":
    main()
