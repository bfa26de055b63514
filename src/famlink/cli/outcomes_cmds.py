"""`famlink outcomes`, `famlink needs`, `famlink returns`, `famlink cohorts`: the outcomes
framework in the terminal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import typer
from rich.table import Table

from famlink.cli.console import (
    ProjectOption,
    console,
    friendly_errors,
    project_from,
    read_warehouse,
    summary_table,
)
from famlink.project import Project
from famlink.rules.views import (
    ClaimCheck,
    FamilyOutcomes,
    Flag,
    family_outcomes,
    ranked_families,
)


def _table(title: str, columns: tuple[str, ...]) -> Table:
    table = Table(title=title, title_justify="left")
    for name in columns:
        table.add_column(name, overflow="fold")
    return table


def show_ranking(con: duckdb.DuckDBPyConnection, scenario: str, eligible: bool,
                 limit: int) -> None:
    families = ranked_families(con, scenario, eligible_only=eligible, limit=limit or None)
    table = _table(f"Families ranked by scenario {scenario}"
                   f"{' (eligible only)' if eligible else ''}",
                   ("rank", "family", "score", "eligible", "needs", "how the score was made"))
    for f in families:
        table.add_row(str(f.rank), f.family_id, f"{f.score:g}", "yes" if f.is_eligible else "",
                      ", ".join(f.needs), f.explanation)
    console.print(table)


def show_flags(flags: list[Flag], evidence_rows: int = 5) -> None:
    table = _table("Needs found, with the rows behind them",
                   ("need", "outcome", "about", "value", "threshold", "evidence"))
    for f in flags:
        rows = [f"{e.event_date} {e.feed}:{e.source_record_id} {e.summary}"
                for e in f.evidence[:evidence_rows]]
        more = len(f.evidence) - evidence_rows
        rows += [f"... and {more} more"] if more > 0 else []
        table.add_row(f.need, f.outcome_name, f.person_name or "the family", f.value_text,
                      f.threshold, "\n".join(rows))
    console.print(table)


def show_claim(claim: ClaimCheck) -> None:
    console.print(f"[bold]Claim check[/] case {claim.case_ref} ({claim.case_source}) "
                  f"{claim.case_start_date} to {claim.case_close_date or 'open'}: "
                  f"[bold]{claim.status}[/] - {claim.reason}", highlight=False)
    table = _table("Progress since the baseline (distance travelled)",
                   ("need", "person", "baseline", "at closure", "now", "change"))
    for p in claim.progress:
        change = f"{p.distance:+.3g}" if p.distance is not None else ""
        table.add_row(p.need, p.person_id or "family", p.baseline or "no rows",
                      p.close or "no rows", p.latest or "no rows", change)
    console.print(table)


def show_family(fo: FamilyOutcomes) -> None:
    e = fo.eligibility
    if e is not None:
        console.print(f"[bold]{fo.family_id}[/]: {e.reason} (area {e.area or 'unknown'})",
                      highlight=False)
    show_flags(fo.flags)
    for s in fo.scores:
        console.print(f"  scenario {s.scenario}: rank {s.rank}, {s.explanation}",
                      highlight=False)
    if fo.claim is not None:
        show_claim(fo.claim)


def show_outcome_scores(con: duckdb.DuckDBPyConnection, root: Path, truth: Path,
                        ref: dt.date) -> None:
    """Eligibility and each planted need against the synthetic town's truth (evaluate)."""
    from famlink.rules.rulebook import project_rulebook
    from famlink.rules.truth import evaluate_eligibility, need_recall

    rulebook = project_rulebook(root)
    e = evaluate_eligibility(con, truth, rulebook, ref)
    console.print(summary_table("Family eligibility against the planted needs", [
        ("true families", e.true_families), ("truly eligible", e.true_eligible),
        ("flagged eligible", e.predicted_eligible), ("flagged and truly eligible", e.agreed),
        ("precision", f"{e.precision:.4f}"), ("recall", f"{e.recall:.4f}"),
        ("F1", f"{e.f1:.4f}")], columns=("measure", "value")))
    console.print(summary_table("Planted needs found by the rules", [
        (k.kind, k.active, k.found, f"{k.recall:.1%}") for k in need_recall(
            con, truth, rulebook, ref)], columns=("planted need", "families", "flagged",
                                                  "recall")))


CLAIM_ORDER = ("claimable", "resolved_not_yet_sustained", "not_sustained", "not_resolved",
               "open", "not_eligible_at_baseline")


def _demo_claim_family(con: duckdb.DuckDBPyConnection) -> str | None:
    order = ", ".join(f"'{s}'" for s in CLAIM_ORDER)
    rows = con.execute(f"SELECT family_id FROM claims ORDER BY list_position([{order}], status), "
                       "n_baseline_needs DESC, family_id LIMIT 1").fetchall()
    return str(rows[0][0]) if rows else None


def show_outcomes_demo(project: Project, by: str | None = None) -> None:
    """The demo's outcomes part: eligible families with needs and evidence, each scenario's
    top families, one claim check and the returns."""
    from famlink.returns.produce import produce_returns
    from famlink.rules.rulebook import project_rulebook
    from famlink.state.db import project_app_state

    rulebook = project_rulebook(project.root)
    with read_warehouse(project) as con:
        eligible = [r[0] for r in con.execute(
            "SELECT family_id FROM eligibility WHERE is_eligible ORDER BY n_needs DESC, "
            "family_id").fetchall()]
        console.print(f"\n[bold]Outcomes[/]: {len(eligible)} eligible families; the first two "
                      "with their needs and evidence:", highlight=False)
        for family in eligible[:2]:
            fo = family_outcomes(con, family)
            console.print(f"{family}: {fo.eligibility.reason if fo.eligibility else ''}",
                          highlight=False)
            show_flags(fo.flags, evidence_rows=2)
        for scenario in rulebook.scenarios:
            show_ranking(con, scenario, False, 3)
        family = _demo_claim_family(con)
        if family is not None:
            claim = family_outcomes(con, family).claim
            if claim is not None:
                console.print(f"Family {family}:", highlight=False)
                show_claim(claim)
        records = produce_returns(con, rulebook, project.root / "returns",
                                  project_app_state(project), by=by)
    console.print(summary_table("Returns produced (logged in returns_log)", [
        (r.template, r.rows, r.csv_path) for r in records], columns=("template", "rows", "file")))


def register(app: typer.Typer) -> None:
    @app.command()
    def outcomes(scenario: str = typer.Option("early_help", "--scenario", "-s",
                                              help="The scoring scenario to rank by."),
                 eligible: bool = typer.Option(False, "--eligible",
                                               help="Only eligible families."),
                 limit: int = typer.Option(20, "--limit", "-n", help="Families; 0 for all."),
                 project: Path | None = ProjectOption) -> None:
        """Families ranked by a scoring scenario, with their needs and how each score was
        made."""
        with friendly_errors(), read_warehouse(project_from(project)) as con:
            show_ranking(con, scenario, eligible, limit)

    @app.command()
    def needs(family_id: str, project: Path | None = ProjectOption) -> None:
        """A family's needs with their evidence, eligibility, scores, progress and claim
        check."""
        with friendly_errors(), read_warehouse(project_from(project)) as con:
            show_family(family_outcomes(con, family_id))

    @app.command("returns")
    def returns_cmd(out: Path = typer.Option(..., "--out", "-o", help="Folder to write to."),
                    template: list[str] | None = typer.Option(
                        None, "--template", "-t", help="Templates to produce; default all."),
                    by: str | None = typer.Option(None, "--by", help="Who produces the "
                                                  "return; default the OS user."),
                    project: Path | None = ProjectOption) -> None:
        """Prepare the programme's returns (CSV and Excel) from the templates in rules/;
        each production is logged."""
        from famlink.returns.produce import produce_returns
        from famlink.rules.rulebook import project_rulebook
        from famlink.state.db import project_app_state

        with friendly_errors():
            loaded = project_from(project)
            rulebook = project_rulebook(loaded.root)
            with read_warehouse(loaded) as con:
                records = produce_returns(con, rulebook, out, project_app_state(loaded),
                                          templates=template or None, by=by)
        console.print(summary_table("Returns produced (logged in returns_log)", [
            (r.template, r.rows, Path(r.csv_path).name, Path(r.xlsx_path).name,
             r.csv_sha256[:12], r.produced_by) for r in records],
            columns=("template", "rows", "csv", "excel", "csv sha256", "by")))

    @app.command()
    def cohorts(by: str = typer.Option("area", "--by", help="area or age_band"),
                project: Path | None = ProjectOption) -> None:
        """Eligible families and each need, counted by area or by children's age band."""
        from famlink.rules.cohorts import cohorts as cohort_rows

        with friendly_errors(), read_warehouse(project_from(project)) as con:
            rows = cohort_rows(con, by)
        names = sorted({n for r in rows for n in r.needs})
        unit = "families" if by == "area" else "children"
        table = _table(f"Cohorts by {by}", (by, unit, "eligible", *names))
        for r in rows:
            table.add_row(r.group, str(r.total), str(r.eligible),
                          *(str(r.needs.get(n, 0)) for n in names))
        console.print(table)
