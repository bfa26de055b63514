"""`famlink quarantine` and `famlink quality`: what was held back and how good the rest is."""

from __future__ import annotations

from pathlib import Path

import typer

from famlink.cli.console import (
    ProjectOption,
    console,
    friendly_errors,
    project_from,
    read_warehouse,
    summary_table,
)
from famlink.engine import table_exists
from famlink.errors import FamlinkError
from famlink.project import Project
from famlink.report.quality import FeedQuality, project_quality
from famlink.report.quality_html import write_quality_html


def _feed_table(f: FeedQuality) -> list[tuple]:
    rows = []
    for q in f.fields:
        valid = q.share_valid()
        rows.append((q.name, f"{q.share_filled(f.rows_loaded):.1%}",
                     "" if valid is None else f"{valid:.1%}", q.check))
    return rows


def show_quality(project: Project, html: Path | None = None, detail: bool = False) -> Path:
    with read_warehouse(project) as con:
        feeds = project_quality(con, project)
    rows = [(f.feed, f.rows_read, f.rows_loaded, f.rows_quarantined, f.duplicate_rows,
             "yes" if f.rows_read == f.rows_loaded + f.rows_quarantined else "NO")
            for f in feeds]
    console.print(summary_table("Data quality by feed", rows, columns=(
        "feed", "read", "loaded", "quarantined", "duplicate rows", "read = loaded + quarantined")))
    for f in feeds if detail else []:
        console.print(summary_table(f"{f.feed}: fields", _feed_table(f),
                                    columns=("field", "filled", "valid", "check")))
    out = html or project.reports_dir / "quality.html"
    return write_quality_html(feeds, project.settings.name, str(project.warehouse_path), out)


def register(app: typer.Typer) -> None:
    @app.command()
    def quality(
        project: Path | None = ProjectOption,
        html: Path | None = typer.Option(None, help="Where to write the HTML page."),
        detail: bool = typer.Option(False, "--detail", help="Show every field of every feed."),
    ) -> None:
        """Data-quality report per feed, on the terminal and as an HTML page."""
        with friendly_errors():
            out = show_quality(project_from(project), html, detail)
            console.print(f"HTML report: {out}")

    @app.command()
    def quarantine(
        project: Path | None = ProjectOption,
        feed: str | None = typer.Option(None, "--feed", "-f", help="Only this feed."),
        limit: int = typer.Option(50, "--limit", "-n", help="Rows to show (0 for all)."),
    ) -> None:
        """List the rows held in quarantine: file, row, field and reason."""
        with friendly_errors(), read_warehouse(project_from(project)) as con:
            if not table_exists(con, "quarantine"):
                raise FamlinkError("nothing has been ingested yet: run `famlink run ingest`")
            where, params = ("WHERE feed = ?", [feed]) if feed else ("", [])
            cap = f"LIMIT {int(limit)}" if limit > 0 else ""
            rows = con.execute(
                f"SELECT feed, file_path, source_row_number, line_number, field, "
                f"reason_code, reason FROM quarantine {where} "
                f"ORDER BY feed, file_path, source_row_number {cap}", params).fetchall()
            total = con.execute(f"SELECT count(*) FROM quarantine {where}",
                                params).fetchall()
        console.print(summary_table(
            f"Quarantine: {total[0][0]:,} row(s)", [tuple("" if v is None else v for v in r)
                                                    for r in rows],
            columns=("feed", "file", "row", "line", "field", "reason code", "reason")))
