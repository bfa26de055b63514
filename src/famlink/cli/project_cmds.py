"""`famlink init`, `famlink validate`, `famlink fields`: the project folder."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from famlink.canonical import FIELDS
from famlink.cli.console import ProjectOption, console, friendly_errors, summary_table
from famlink.cli.synth_cmds import synthesise
from famlink.errors import ConfigError, FamlinkError
from famlink.project import load_project

STARTER_FEED = """\
# One file per feed; the file name is the feed name. See `famlink fields`.
description: "An example feed: replace with your own."
source: {path: "incoming/example/*.csv", format: csv, encoding: detect}
kind: person
record_id: ID
columns:
  first_name: {from: Forename}
  surname: {from: Surname}
  date_of_birth: {from: DOB, parse: date, dayfirst: true}
  postcode: {from: Postcode}
"""


def register(app: typer.Typer) -> None:
    @app.command()
    def init(
        folder: Path = typer.Argument(..., help="Folder to create the project in."),
        synthetic: bool = typer.Option(False, "--synthetic",
                                       help="Fill it with the synthetic town."),
        people: int = typer.Option(2000, "--people", "-n", min=10),
        seed: int = typer.Option(1, "--seed", "-s"),
    ) -> None:
        """Create a project folder: famlink.yaml and feeds/ (with --synthetic, a whole town)."""
        with friendly_errors():
            if (folder / "famlink.yaml").exists():
                raise FamlinkError(f"{folder / 'famlink.yaml'} already exists: "
                                   "choose another folder")
            if synthetic:
                synthesise(folder, people, seed, 1.0)
                return
            (folder / "feeds").mkdir(parents=True, exist_ok=True)
            (folder / "incoming").mkdir(exist_ok=True)
            (folder / "famlink.yaml").write_text(
                f"name: {folder.name}\nwarehouse: warehouse/famlink.duckdb\nreports: reports\n"
                "feeds: feeds\n", encoding="utf-8")
            (folder / "feeds" / "example.yaml").write_text(STARTER_FEED, encoding="utf-8")
            console.print(f"Created {folder}: edit feeds/*.yaml, "
                          f"then `famlink validate -p {folder}`")

    @app.command()
    def validate(project: Path | None = ProjectOption) -> None:
        """Check famlink.yaml and every feed mapping; report every problem at once."""
        from famlink.alerts.spec import load_alerts
        from famlink.rules.rulebook import project_rulebook

        try:
            loaded = load_project(project or Path.cwd())
            rulebook = project_rulebook(loaded.root)
            alert_book, _ = load_alerts(loaded.root)
        except ConfigError as exc:
            console.print(f"[bold red]{len(exc.problems)} problem(s):[/]")
            for problem in exc.problems:
                console.print(f"  [red]-[/] {escape(str(problem))}", highlight=False)
            raise typer.Exit(1) from exc
        rows = [(name, feed.kind, feed.source.format, len(feed.columns))
                for name, feed in loaded.feeds.items()]
        console.print(summary_table(f"{loaded.settings.name}: configuration is valid", rows,
                                    columns=("feed", "kind", "format", "mapped fields")))
        console.print(f"rules: {len(rulebook.needs)} needs under {len(rulebook.outcomes)} "
                      f"outcomes, {len(rulebook.scenarios)} scoring scenarios, "
                      f"{len(rulebook.returns)} return templates; {len(alert_book.alerts)} "
                      "alert rules", highlight=False)

    @app.command()
    def fields() -> None:
        """List the canonical fields a feed mapping can fill."""
        rows = [(f.name, f.default_parse, f.meaning) for f in FIELDS.values()]
        rows.append(("x_<name>", "text", "any feed-specific extra field"))
        console.print(summary_table("Canonical fields", rows,
                                    columns=("field", "default parse", "meaning")))
