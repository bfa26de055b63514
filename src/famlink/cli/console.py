"""Shared terminal output: one console, progress bars, summary tables, friendly errors."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import duckdb
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from famlink.engine import connect
from famlink.errors import FamlinkError
from famlink.project import Project, load_project

console = Console()
if not console.is_terminal and "COLUMNS" not in os.environ:
    console = Console(width=150)  # logs and CI: wide enough for the summary tables
err_console = Console(stderr=True, soft_wrap=True)

ProjectOption = typer.Option(
    None, "--project", "-p", envvar="FAMLINK_PROJECT",
    help="Project folder (famlink.yaml + feeds/). Default: the current folder.")


def project_from(path: Path | None) -> Project:
    return load_project(path or Path(os.getcwd()))


@contextmanager
def read_warehouse(project: Project) -> Iterator[duckdb.DuckDBPyConnection]:
    """The project's warehouse, read-only, closed afterwards; a clear error if none yet."""
    if not project.warehouse_path.exists():
        raise FamlinkError(f"no warehouse at {project.warehouse_path}: run `famlink run` first")
    con = connect(project.warehouse_path, read_only=True)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Show famlink's own errors as a message and exit code 1, not a traceback."""
    try:
        yield
    except FamlinkError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True,
                          highlight=False)
        raise typer.Exit(1) from exc


@contextmanager
def progress_bar() -> Iterator[Progress]:
    bar = Progress(TextColumn("[bold]{task.description:<28}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=console, transient=False,
                   disable=not console.is_terminal and "FAMLINK_PROGRESS" not in os.environ)
    with bar:
        yield bar


def summary_table(title: str, rows: Mapping[str, object] | list[tuple], *,
                  columns: tuple[str, ...] = ("what", "count")) -> Table:
    table = Table(title=title, title_justify="left")
    for i, name in enumerate(columns):
        table.add_column(name, justify="left" if i == 0 else "right")
    items = rows.items() if isinstance(rows, dict) else rows
    for row in items:
        table.add_row(*(f"{v:,}" if isinstance(v, int) else str(v) for v in row))
    return table
