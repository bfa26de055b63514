"""The pipeline: named stages in order, each a function from warehouse tables to tables."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from famlink import run_log
from famlink.chronology import run_chronology_stage
from famlink.errors import FamlinkError
from famlink.project import Project


@dataclass
class StageResult:
    stage: str
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    details: list[object] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


Progress = Callable[[str, int, int], None]  # (what, done, total)
StageFn = Callable[[Project, duckdb.DuckDBPyConnection, Progress], StageResult]


@dataclass(frozen=True)
class Stage:
    name: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    run: StageFn


def _ingest(project: Project, con: duckdb.DuckDBPyConnection, progress: Progress) -> StageResult:
    from famlink.ingest.stage import run_ingest

    return run_ingest(project, con, progress)


def _standardise(project: Project, con: duckdb.DuckDBPyConnection,
                 progress: Progress) -> StageResult:
    from famlink.standardise.stage import run_standardise

    return run_standardise(project, con, progress)


def _link(project: Project, con: duckdb.DuckDBPyConnection, progress: Progress) -> StageResult:
    from famlink.link.stage import run_link

    return run_link(project, con, progress)


def _households(project: Project, con: duckdb.DuckDBPyConnection,
                progress: Progress) -> StageResult:
    from famlink.households.stage import run_households

    return run_households(project, con, progress)


def _outcomes(project: Project, con: duckdb.DuckDBPyConnection,
              progress: Progress) -> StageResult:
    from famlink.rules.stage import run_outcomes

    return run_outcomes(project, con, progress)


def _alerts(project: Project, con: duckdb.DuckDBPyConnection, progress: Progress) -> StageResult:
    from famlink.alerts.stage import run_alerts

    return run_alerts(project, con, progress)


STAGES: dict[str, Stage] = {
    "ingest": Stage("ingest", ("feeds",), ("raw_<feed>", "quarantine", "load_batches"), _ingest),
    "standardise": Stage("standardise", ("raw_<feed>",),
                         ("person_records", "events", "record_groups", "addresses"),
                         _standardise),
    "link": Stage("link", ("person_records", "record_groups"),
                  ("match_pairs", "persons", "person_membership", "review_queue",
                   "name_only_joins", "person_id_history", "link_runs"), _link),
    "households": Stage("households", ("person_records", "person_membership", "persons"),
                        ("address_history", "residence_spans", "current_addresses",
                         "households", "household_members", "relationships",
                         "person_relationships", "families", "family_members",
                         "household_id_history", "family_id_history"), _households),
    "chronology": Stage("chronology", ("events", "person_membership"), ("chronology",),
                        run_chronology_stage),
    "outcomes": Stage("outcomes", ("families", "family_members", "events", "chronology"),
                      ("family_flags", "flag_evidence", "eligibility", "family_scores",
                       "family_progress", "claims", "claim_evidence"), _outcomes),
    "alerts": Stage("alerts", ("events", "person_membership", "household_members",
                               "person_relationships", "raw_<school roll feeds>"),
                    ("alerts", "alert_seen_events"), _alerts),
}


def stage_names() -> list[str]:
    return list(STAGES)


def run_stages(project: Project, con: duckdb.DuckDBPyConnection, names: list[str] | None,
               progress: Progress) -> list[StageResult]:
    chosen = names or stage_names()
    unknown = [n for n in chosen if n not in STAGES]
    if unknown:
        raise FamlinkError(f"unknown stage(s) {', '.join(unknown)}: "
                           f"choose from {', '.join(STAGES)}")
    run_id = run_log.new_run_id()
    results = []
    for seq, name in enumerate(chosen, 1):
        started, clock = dt.datetime.now(), time.perf_counter()
        try:
            result = STAGES[name].run(project, con, progress)
        except BaseException as exc:
            _rollback_open_transaction(con)
            run_log.record(con, run_log.StageRun(run_id, seq, name, started,
                                                 time.perf_counter() - clock, "crashed", {},
                                                 f"{type(exc).__name__}: {exc}"))
            raise
        run_log.record(con, run_log.StageRun(run_id, seq, name, started,
                                             time.perf_counter() - clock,
                                             "ok" if result.ok else "failed", result.counts,
                                             "; ".join(result.problems)))
        results.append(result)
    return results


def _rollback_open_transaction(con: duckdb.DuckDBPyConnection) -> None:
    """A stage that crashed inside a transaction it did not close leaves nothing behind."""
    with contextlib.suppress(duckdb.Error):  # no transaction was open
        con.execute("ROLLBACK")
