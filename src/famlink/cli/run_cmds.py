"""`famlink run`, `famlink reset`, `famlink demo`: run the pipeline."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import typer
from rich.markup import escape

from famlink import run_log
from famlink.cli.console import (
    ProjectOption,
    console,
    friendly_errors,
    progress_bar,
    project_from,
    read_warehouse,
    summary_table,
)
from famlink.cli.data_cmds import show_quality
from famlink.engine import connect
from famlink.ingest import deliveries
from famlink.ingest.load import FileOutcome
from famlink.link import incremental as link_increment
from famlink.pipeline import StageResult, run_stages, stage_names
from famlink.project import Project
from famlink.snapshot import publish
from famlink.standardise import incremental as standardise_increment

DEMO_DAYS = 7  # the demo town's last week arrives as daily deliveries
STAGES_HELP = f"Stages to run, in order; default all: {', '.join(stage_names())}."


def run_pipeline(project: Project, stages: list[str] | None, *, full: bool = False,
                 quiet: bool = False, publish_result: bool = True) -> list[StageResult]:
    con = connect(project.warehouse_path)
    try:
        if full:
            link_increment.forget_state(con)
            standardise_increment.forget_state(con)
        with progress_bar() as bar:
            task = bar.add_task("starting", total=None)

            def progress(what: str, done: int, total: int) -> None:
                bar.update(task, description=what, completed=done, total=total)

            results = run_stages(project, con, stages, progress)
    finally:
        con.close()
    for result in results:
        (_print_line if quiet else _print_result)(result)
    if not publish_result:
        console.print("Not published (--no-publish): the web app goes on reading the last "
                      "snapshot.")
    elif results and all(r.ok for r in results):
        name = _publish_logged(project).name
        if not quiet:
            console.print(f"Published {name}: the web app now reads this run.")
    else:
        console.print("Nothing published: the previous snapshot goes on serving.")
    return results


def _publish_logged(project: Project) -> Path:
    """Publish, with a ``publish`` line in the run log after the run's stages."""
    started, clock = dt.datetime.now(), time.perf_counter()
    status, problem, path = "crashed", "", None
    try:
        path = publish(project)
        status = "ok"
        return path
    except BaseException as exc:
        problem = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        con = connect(project.warehouse_path)
        try:
            last = run_log.recent(con, 1)
            if last:
                counts = {"snapshot MB": path.stat().st_size // 2**20} if path else {}
                run_log.record(con, run_log.StageRun(
                    last[-1].run_id, last[-1].seq + 1, "publish", started,
                    time.perf_counter() - clock, status, counts, problem))
        finally:
            con.close()


def _print_line(result: StageResult) -> None:
    """One line per stage: its first counts and any problem."""
    problems = f" [bold red]failed:[/] {'; '.join(result.problems)}" if result.problems else ""
    notes = [d for d in result.details if isinstance(d, str)][:1] if result.stage == "link" else []
    what = notes[0].split(";")[0] if notes else _headline(result.counts)
    console.print(f"  {result.stage}: {escape(what)}{problems}", highlight=False)


def _print_result(result: StageResult) -> None:
    files = [d for d in result.details if isinstance(d, FileOutcome)]
    if files:
        rows = [(f.feed, f.path, f.status, f.rows_read, f.rows_loaded, f.rows_quarantined)
                for f in files]
        console.print(summary_table(f"{result.stage}: files", rows, columns=(
            "feed", "file", "status", "read", "loaded", "quarantined")))
    console.print(summary_table(f"{result.stage}: summary", result.counts))
    for note in (d for d in result.details if isinstance(d, str)):
        console.print(f"{result.stage}: {note}", highlight=False)
    for problem in result.problems:
        console.print(f"[bold red]failed:[/] {problem}", highlight=False)


def _run_once(project: Project, stages: list[str] | None, *, full: bool,
              resume: bool, publish_result: bool = True) -> bool:
    if resume:
        con = connect(project.warehouse_path)
        try:
            stages = run_log.resume_from(con, stage_names())
        finally:
            con.close()
        if not stages:
            console.print("Nothing to resume: the last run finished every stage it began.")
            return True
        console.print(f"Resuming at {stages[0]}: {', '.join(stages)}")
    results = run_pipeline(project, stages or None, full=full, publish_result=publish_result)
    return all(r.ok for r in results)


def watch_deliveries(project: Project, folder: Path, *, once: bool, interval: float,
                     quiet: bool = False) -> bool:
    """Take deliveries as they arrive, one run each; stop at the first run that fails."""
    while True:
        for delivery in deliveries.pending(folder):
            files = deliveries.take(project, delivery)
            console.print(f"[bold]Delivery {delivery.name}[/]: {len(files)} file(s)")
            if not all(r.ok for r in run_pipeline(project, None, quiet=quiet)):
                console.print(f"Stopped after delivery {delivery.name}: fix the problem above "
                              "and run `famlink run --resume`.")
                return False
        if once:
            return True
        time.sleep(interval)


def _headline(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in list(counts.items())[:3])


def _example_family(project: Project) -> str:
    """A family worth showing: the largest that spans two homes, else the largest."""
    with read_warehouse(project) as con:
        row = con.execute("SELECT family_id FROM families ORDER BY len(household_ids) > 1 DESC, "
                          "n_members DESC, family_id LIMIT 1").fetchall()
    return str(row[0][0]) if row else "ID"


def register(app: typer.Typer) -> None:
    @app.command()
    def run(
        stages: list[str] | None = typer.Argument(
            None, help=STAGES_HELP),
        project: Path | None = ProjectOption,
        full: bool = typer.Option(False, "--full", help="Standardise every row, retrain the "
                                  "matching model and score every pair again, instead of "
                                  "taking only the batches and records that are new or "
                                  "changed since the last run."),
        resume: bool = typer.Option(False, "--resume", help="Run again from the stage the "
                                    "last run failed at, through to the end."),
        watch: Path | None = typer.Option(None, "--watch", help="Take each delivery folder "
                                          "that arrives in this folder, in name order, and "
                                          "run the pipeline on it."),
        once: bool = typer.Option(False, "--once", help="With --watch: take the deliveries "
                                  "waiting now, then stop."),
        interval: float = typer.Option(60.0, "--interval", min=1.0, help="With --watch: "
                                       "seconds between looks for new deliveries."),
        no_publish: bool = typer.Option(False, "--no-publish", help="Do not publish the "
                                        "result for the web app (when running stages one "
                                        "at a time; a later run publishes)."),
    ) -> None:
        """Run the pipeline (or some of its stages) on the project's feeds."""
        with friendly_errors():
            loaded = project_from(project)
            if watch is not None:
                ok = watch_deliveries(loaded, watch, once=once, interval=interval)
            else:
                ok = _run_once(loaded, stages, full=full, resume=resume,
                               publish_result=not no_publish)
        if not ok:
            raise typer.Exit(1)

    @app.command()
    def runs(project: Path | None = ProjectOption,
             last: int = typer.Option(5, "--last", min=1, help="How many runs to show.")
             ) -> None:
        """The run log: each stage of the last runs with status, counts and duration."""
        with friendly_errors(), read_warehouse(project_from(project)) as con:
            rows = [(r.run_id, r.stage, r.started_at.strftime("%Y-%m-%d %H:%M:%S"),
                     f"{r.seconds:.1f}", r.status, _headline(r.counts), r.problem[:80])
                    for r in run_log.recent(con, last)]
        console.print(summary_table("runs, newest first", rows, columns=(
            "run", "stage", "started", "seconds", "status", "counts", "problem")))

    @app.command()
    def reset(project: Path | None = ProjectOption,
              yes: bool = typer.Option(False, "--yes", help="Do not ask.")) -> None:
        """Delete the project's warehouse so the next run starts from nothing."""
        with friendly_errors():
            loaded = project_from(project)
            path = loaded.warehouse_path
            if path.exists() and (yes or typer.confirm(f"Delete {path}?")):
                path.unlink()
                Path(f"{path}.wal").unlink(missing_ok=True)
                console.print(f"Deleted {path}")

    @app.command()
    def demo(
        folder: Path = typer.Option(Path("demo"), "--dir", help="Where to build the demo town."),
        people: int = typer.Option(5000, "--people", "-n", min=10),
        seed: int = typer.Option(1, "--seed", "-s"),
        serve: bool = typer.Option(True, "--serve/--no-serve", help="End by serving the web "
                                   "portals (a user per role, passwords printed once)."),
        port: int = typer.Option(8000, "--port", help="Port for the web portals."),
    ) -> None:
        """The whole demo: synthetic town -> pipeline -> report -> web portals."""
        from famlink.cli.link_cmds import show_evaluation
        from famlink.cli.synth_cmds import synthesise

        with friendly_errors():
            if folder.exists():
                shutil.rmtree(folder)
            synthesise(folder, people, seed, 1.0, daily=DEMO_DAYS)
            loaded = project_from(folder)
            results = run_pipeline(loaded, None)
            if all(r.ok for r in results):
                results = _demo_week(loaded)
            html = show_quality(loaded)
            show_evaluation(loaded, loaded.root / "truth")
            if all(r.ok for r in results):
                from famlink.cli.outcomes_cmds import show_outcomes_demo

                show_outcomes_demo(loaded)
            family = _example_family(loaded)
            console.print(f"\nData-quality report: [bold]{html}[/]\nTry: famlink family {family} "
                          f"-p {folder}; famlink review -p {folder}; famlink explain A B -p "
                          f"{folder}; famlink outcomes -p {folder}")
        if any(not r.ok for r in results):
            raise typer.Exit(1)
        _demo_portals(loaded, serve, port)


def _demo_week(project: Project) -> list[StageResult]:
    """The town's last week arrives as daily deliveries, each linked incrementally."""
    console.print(f"\n[bold]A week of daily deliveries[/] ({project.root / 'daily'}): each "
                  "day's files are loaded, linked against everyone known and alerted on")
    ok = watch_deliveries(project, project.root / "daily", once=True, interval=1, quiet=True)
    with read_warehouse(project) as con:
        rows = con.execute(
            "SELECT rule, recipient_role, scope_kind || ' ' || scope_value || coalesce(' ' || "
            "nullif(scope_label, ''), ''), count(*) FROM alerts GROUP BY ALL ORDER BY 1, 2, 3"
        ).fetchall()
    console.print(summary_table("Alerts raised this week, by inbox", rows,
                                columns=("rule", "to", "scope", "alerts")))
    return [StageResult("daily runs", problems=[] if ok else ["a daily run failed"])]


def _demo_portals(project: Project, serve: bool, port: int) -> None:
    """One user per demo role, passwords printed once; then serve unless told not to."""
    from famlink.cli.web_cmds import create_demo_users, serve_app

    with friendly_errors():
        users = create_demo_users(project)
    console.print(summary_table("Web portal users (passwords are shown only now)", users,
                                columns=("user", "role", "school", "password")))
    if serve:
        with friendly_errors():
            serve_app(project, "127.0.0.1", port)
    else:
        console.print(f"Serve the portals with: famlink serve -p {project.root}")
