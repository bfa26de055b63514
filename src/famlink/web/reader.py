"""The published snapshot, read-only: one DuckDB connection, a cursor per request, and a
fresh connection as soon as ``snapshots/CURRENT`` names a newer run."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb

from famlink.project import Project
from famlink.snapshot import current_snapshot, open_snapshot, snapshots_dir


class SnapshotReader:
    def __init__(self, project: Project):
        self.project = project
        self._lock = threading.Lock()
        self._stamp: tuple[int, str] | None = None
        self._path: Path | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._old: list[duckdb.DuckDBPyConnection] = []

    def _pointer_stamp(self) -> tuple[int, str]:
        pointer = snapshots_dir(self.project) / "CURRENT"
        try:
            return pointer.stat().st_mtime_ns, pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return 0, ""

    def cursor(self) -> tuple[Path, duckdb.DuckDBPyConnection]:
        """The current snapshot's path and a cursor on it (raises if nothing is published)."""
        stamp = self._pointer_stamp()
        with self._lock:
            if self._con is None or stamp != self._stamp:
                con = open_snapshot(self.project)
                # Requests run side by side and each query reads a few rows by key: one
                # thread a query costs less CPU than splitting such small work.
                con.execute("SET threads = 1")
                if self._con is not None:
                    self._old = [*self._old[-1:], self._con]  # in use by requests still running
                self._con, self._stamp = con, stamp
                self._path = current_snapshot(self.project)
            assert self._path is not None
            return self._path, self._con.cursor()

    def close(self) -> None:
        with self._lock:
            for con in [*self._old, *([self._con] if self._con else [])]:
                con.close()
            self._con, self._old = None, []
