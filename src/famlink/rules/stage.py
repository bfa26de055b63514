"""The outcomes stage: evaluate the rulebook and write the outcome tables.

Reads ``families``, ``family_members``, ``persons``, ``events``, ``person_membership``,
``chronology``, ``current_addresses`` (and ``case_starts`` if the app has recorded any);
writes ``family_flags``, ``flag_evidence``, ``eligibility``, ``family_scores``,
``family_progress``, ``claims`` and ``claim_evidence``. Every table is replaced in one
transaction, so a rerun gives the same tables and a failure leaves the previous ones.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from famlink.engine import scalar, table_exists, transaction
from famlink.errors import FamlinkError
from famlink.households.stage import as_of_date
from famlink.pipeline import Progress, StageResult
from famlink.project import Project
from famlink.rules.claim_check import check_claims, write_claims
from famlink.rules.claims import CaseStart, case_checkpoints, load_cases, write_progress
from famlink.rules.evaluate import Checkpoint, evaluate, prepare, set_checkpoints
from famlink.rules.outcomes import write_eligibility, write_evidence, write_flags
from famlink.rules.rulebook import project_rulebook, rules_folder
from famlink.rules.schema import Rulebook
from famlink.rules.scoring import write_scores

READS = ("families", "family_members", "persons", "events", "person_membership", "chronology",
         "current_addresses")
WRITES = ("family_flags", "flag_evidence", "eligibility", "family_scores", "family_progress",
          "claims", "claim_evidence")


def _require(con: duckdb.DuckDBPyConnection) -> None:
    missing = [t for t in READS if not table_exists(con, t)]
    if missing:
        raise FamlinkError(f"the outcomes stage needs {', '.join(missing)}: run "
                           "`famlink run households chronology` first")


def build_outcomes(con: duckdb.DuckDBPyConnection, rulebook: Rulebook, ref: dt.date,
                   case_starts: list[CaseStart] | None = None) -> dict[str, int]:
    """Evaluate and write every outcome table; returns counts for the summary."""
    _require(con)
    prepare(con, rulebook)
    cases = load_cases(con, rulebook, ref, case_starts)
    families = [r[0] for r in con.execute(
        "SELECT family_id FROM families ORDER BY family_id").fetchall()]
    points: list[Checkpoint] = [(f"{f}:ref", f, "ref", ref, None) for f in families]
    for case in cases:
        points += case_checkpoints(case, ref, rulebook.eligibility.sustain_months,
                                   rulebook.eligibility.resolve_months)
    set_checkpoints(con, points)
    evaluate(con, rulebook)
    with transaction(con):
        write_flags(con, rulebook)
        write_evidence(con)
        write_eligibility(con, rulebook)
        write_scores(con, rulebook)
        write_progress(con)
        write_claims(con, check_claims(con, rulebook, cases, ref))
    return _counts(con, len(families), len(cases))


def _counts(con: duckdb.DuckDBPyConnection, families: int, cases: int) -> dict[str, int]:
    def one(sql: str) -> int:
        return int(scalar(con, sql))

    return {
        "families": families,
        "needs found (flags)": one("SELECT count(*) FROM family_flags"),
        "families with a need": one("SELECT count(DISTINCT family_id) FROM family_flags"),
        "eligible families": one("SELECT count(*) FROM eligibility WHERE is_eligible"),
        "evidence rows": one("SELECT count(*) FROM flag_evidence"),
        "scenario scores": one("SELECT count(*) FROM family_scores"),
        "families with a case": cases,
        "claimable": one("SELECT count(*) FROM claims WHERE status = 'claimable'"),
    }


def run_outcomes(project: Project, con: duckdb.DuckDBPyConnection, progress: Progress,
                 case_starts: list[CaseStart] | None = None) -> StageResult:
    rulebook = project_rulebook(project.root)
    ref = as_of_date(project)
    progress("outcomes: evaluating the rulebook", 0, 1)
    counts = build_outcomes(con, rulebook, ref, case_starts)
    progress("outcomes: evaluating the rulebook", 1, 1)
    folder = rules_folder(project.root)
    where = "the default rulebook" if folder.name == "defaults" else str(folder)
    return StageResult("outcomes", counts, details=[
        f"needs as of {ref}, rules from {where} ({rulebook.framework.name} "
        f"{rulebook.framework.version})"])
