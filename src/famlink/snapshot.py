"""The published snapshot: a finished copy of the warehouse that readers (the web app) use.

The pipeline writes the warehouse in place, stage by stage. Readers never see it half-done:
after a run succeeds, the warehouse is copied whole to ``snapshots/<name>.duckdb`` and the
one-line file ``snapshots/CURRENT`` is switched to it atomically. A failed run publishes
nothing, so the previous snapshot goes on serving. The newest few snapshots are kept.

Before the switch, the copy is prepared for serving (``famlink.views.serving``): indexes on
the keys the views look up and a few serving tables, so that a page reads rows by key.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import duckdb

from famlink.engine import connect
from famlink.errors import FamlinkError
from famlink.project import Project
from famlink.views.serving import prepare_serving

KEEP = 3
POINTER = "CURRENT"


def snapshots_dir(project: Project) -> Path:
    return project.root / "snapshots"


def current_snapshot(project: Project) -> Path | None:
    """The published snapshot's file, or None if nothing has been published yet."""
    pointer = snapshots_dir(project) / POINTER
    if not pointer.exists():
        return None
    path = snapshots_dir(project) / pointer.read_text(encoding="utf-8").strip()
    return path if path.exists() else None


def publish(project: Project, *, now: dt.datetime | None = None) -> Path:
    """Copy the (closed) warehouse to a new snapshot and make it the current one."""
    source = project.warehouse_path
    if not source.exists():
        raise FamlinkError(f"no warehouse at {source}: run `famlink run` first")
    folder = snapshots_dir(project)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%dT%H%M%S%f")
    name = f"warehouse-{stamp}.duckdb"
    partial = folder / f".{name}.partial"
    _checkpoint(source)
    shutil.copyfile(source, partial)
    _prepare(partial, current_snapshot(project))
    os.replace(partial, folder / name)
    pointer = folder / f".{POINTER}.partial"
    pointer.write_text(name + "\n", encoding="utf-8")
    os.replace(pointer, folder / POINTER)
    _prune(folder, name)
    return folder / name


def open_snapshot(project: Project) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the current snapshot; a clear error if there is none."""
    path = current_snapshot(project)
    if path is None:
        raise FamlinkError(f"nothing published in {snapshots_dir(project)}: run `famlink run` "
                           "(a run that succeeds publishes its result)")
    return connect(path, read_only=True)


def _checkpoint(path: Path) -> None:
    """Fold any write-ahead log into the file so that the copy is complete on its own."""
    con = connect(path)
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _prepare(path: Path, previous: Path | None) -> None:
    """Build the serving tables in the copy (reusing what it can of the ``previous``
    snapshot's), then fold them into its file."""
    con = connect(path)
    try:
        prepare_serving(con, previous)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _prune(folder: Path, current: str) -> None:
    olds = sorted(p for p in folder.glob("warehouse-*.duckdb") if p.name != current)
    for path in olds[: max(0, len(olds) - (KEEP - 1))]:
        path.unlink(missing_ok=True)
