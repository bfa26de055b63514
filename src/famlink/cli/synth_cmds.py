"""`famlink synth`: write the synthetic town, a complete project with its ground truth."""

from __future__ import annotations

import shutil
from pathlib import Path

import typer

from famlink.cli.console import console, friendly_errors, summary_table
from famlink.errors import FamlinkError


def synthesise(out: Path, people: int, seed: int, error_scale: float, daily: int = 0) -> None:
    from famlink.synthetic.town import ErrorRates, generate_town

    with console.status(f"Generating a town of {people:,} people (seed {seed})..."):
        summary = generate_town(out, people=people, seed=seed,
                                errors=ErrorRates(scale=error_scale), daily_days=daily)
    rows = [(feed, n) for feed, n in summary.records.items()]
    rows.append(("total feed records", sum(summary.records.values())))
    console.print(summary_table(
        f"Synthetic town: {summary.people:,} people, {summary.households:,} households, "
        f"{summary.families:,} families in {summary.seconds:.1f}s -> {out}", rows,
        columns=("feed", "records")))


def register(app: typer.Typer) -> None:
    @app.command()
    def synth(
        out: Path = typer.Option(Path("town"), "--out", "-o",
                                 help="Folder to write the project to."),
        people: int = typer.Option(2000, "--people", "-n", min=10, help="How many people."),
        seed: int = typer.Option(1, "--seed", "-s", help="Same seed, same town, byte for byte."),
        error_scale: float = typer.Option(1.0, "--error-scale", min=0.0,
                                          help="Multiplies every error rate; 0 gives clean data."),
        force: bool = typer.Option(False, "--force", help="Replace a folder that is not empty."),
        daily: int = typer.Option(0, "--daily", min=0, help="Hold back the last N days' rows "
                                  "and write them as daily deliveries in daily/<date>/."),
    ) -> None:
        """Generate a synthetic town: feeds, gazetteer, project config and ground truth."""
        with friendly_errors():
            if out.exists() and any(out.iterdir()):
                if not force:
                    raise FamlinkError(f"{out} is not empty: choose a new folder or add --force "
                                       "to replace it")
                shutil.rmtree(out)
            synthesise(out, people, seed, error_scale, daily)
