"""`famlink evaluate`, `famlink explain`, `famlink decide`, `famlink review`: matching."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer

from famlink.cli.address_cmds import print_address_scores
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
from famlink.households.evaluate import GroupScores, evaluate_households
from famlink.households.stage import as_of_date
from famlink.link.decisions import project_state, record_decision
from famlink.link.truth import Evaluation, evaluate
from famlink.project import Project
from famlink.standardise.address_truth import evaluate_addresses


def print_evaluation(result: Evaluation) -> None:
    s = result.scores
    console.print(summary_table("Matching against ground truth", [
        ("records", s.records), ("true persons", s.true_persons),
        ("predicted persons", s.predicted_clusters),
        ("pairwise precision", f"{s.precision:.4f}"), ("pairwise recall", f"{s.recall:.4f}"),
        ("pairwise F1", f"{s.f1:.4f}"), ("B-cubed precision", f"{s.bcubed_precision:.4f}"),
        ("B-cubed recall", f"{s.bcubed_recall:.4f}"), ("B-cubed F1", f"{s.bcubed_f1:.4f}"),
        ("over-merged persons", s.over_merged), ("split true persons", s.split)],
        columns=("measure", "value")))
    console.print(summary_table("Hard cases kept apart", [
        (kind, n, merged, f"{(n - merged) / n:.1%}" if n else "") for kind, n, merged
        in result.hard_cases], columns=("case", "pairs", "wrongly merged", "kept apart")))
    console.print(summary_table("Recall by kind of difference between two records of one person",
                                [(k, n, f"{sc / n:.1%}" if n else "", f"{ln / n:.1%}" if n else "")
                                 for k, n, sc, ln in result.by_kind],
                                columns=("difference", "true pairs", "scored (blocking)",
                                         "linked")))
    worst = [("over-merged", p, k, n) for p, k, n in s.worst_merges[:5]] + \
        [("split", t, k, n) for t, k, n in s.worst_splits[:5]]
    console.print(summary_table("Worst examples", worst,
                                columns=("error", "person", "mixes", "records")))


def print_group_scores(scores: list[GroupScores]) -> None:
    console.print(summary_table("Households and families against ground truth", [
        (g.what, g.people, g.true_groups, g.predicted_groups, f"{g.precision:.4f}",
         f"{g.recall:.4f}", f"{g.f1:.4f}", f"{g.ari:.4f}") for g in scores],
        columns=("grouping", "people", "true groups", "predicted groups", "pairwise precision",
                 "pairwise recall", "pairwise F1", "adjusted Rand index")))


def show_evaluation(project: Project, truth: Path) -> None:
    """Every score famlink has for the warehouse against a ground-truth folder."""
    with read_warehouse(project) as con:
        result = evaluate(con, truth)
        address_scores = evaluate_addresses(con, truth)
        groups = (evaluate_households(con, truth, as_of_date(project))
                  if table_exists(con, "family_members") else [])
        print_evaluation(result)
        print_address_scores(address_scores)
        if groups:
            print_group_scores(groups)
        if table_exists(con, "eligibility"):
            from famlink.cli.outcomes_cmds import show_outcome_scores

            show_outcome_scores(con, project.root, truth, as_of_date(project))


def register(app: typer.Typer) -> None:
    @app.command("evaluate")
    def evaluate_cmd(project: Path | None = ProjectOption,
                     truth: Path | None = typer.Option(None, help="Truth folder; default "
                                                                  "PROJECT/truth.")) -> None:
        """Score the linked persons against ground truth (the synthetic town's truth/)."""
        with friendly_errors():
            loaded = project_from(project)
            show_evaluation(loaded, truth or loaded.root / "truth")

    @app.command()
    def explain(record_a: str, record_b: str, project: Path | None = ProjectOption) -> None:
        """Show the match weight of each comparison between two records, and the total."""
        from famlink.link.explain import explain_pair

        with friendly_errors(), read_warehouse(project_from(project)) as con:
            ex = explain_pair(con, record_a, record_b)
        rows = [(s.comparison, s.level, s.value_l, s.value_r, f"{s.match_weight:+.2f}")
                for s in ex.steps]
        rows.append(("total", "", "", "", f"{ex.match_weight:+.2f}"))
        verdict = "the same person" if ex.person_id_l and ex.person_id_l == ex.person_id_r \
            else "different persons"
        console.print(summary_table(
            f"{record_a} vs {record_b}: match probability {ex.match_probability:.4f}; "
            f"now {verdict} ({ex.person_id_l}, {ex.person_id_r})", rows,
            columns=("comparison", "level", "left", "right", "weight")))

    @app.command()
    def decide(record_a: str, record_b: str,
               link: bool = typer.Option(..., "--link/--not-link",
                                         help="Same person (--link) or not (--not-link)."),
               reason: str = typer.Option(..., "--reason", help="Why: kept with the decision."),
               project: Path | None = ProjectOption) -> None:
        """Record a human decision on two records; every later link run applies it."""
        with friendly_errors():
            loaded = project_from(project)
            made = record_decision(project_state(loaded), record_a, record_b,
                                   "must_link" if link else "must_not_link",
                                   getpass.getuser(), reason)
        console.print(f"Recorded {made.decision} for {made.record_id_l} and "
                      f"{made.record_id_r}; it applies from the next `famlink run link`.")

    @app.command()
    def review(project: Path | None = ProjectOption,
               limit: int = typer.Option(20, "--limit", "-n")) -> None:
        """List the pairs in the uncertain band, closest to the link threshold first."""
        with friendly_errors(), read_warehouse(project_from(project)) as con:
            if not table_exists(con, "review_queue"):
                raise FamlinkError("no review queue yet: run `famlink run link`")
            rows = con.execute("SELECT record_id_l, record_id_r, round(match_weight, 2), "
                               "same_person FROM review_queue LIMIT ?", [limit]).fetchall()
        console.print(summary_table("Review queue", rows, columns=(
            "record a", "record b", "match weight", "now the same person")))
