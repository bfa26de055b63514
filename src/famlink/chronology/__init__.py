"""The chronology: every event of every linked person, in order, with a readable summary.

``stage`` builds the ``chronology`` table; ``entries`` reads a person's or a family's
chronology as typed rows; ``summaries`` declares the one-line summary of each event type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

    from famlink.pipeline import Progress, StageResult
    from famlink.project import Project


def run_chronology_stage(project: Project, con: duckdb.DuckDBPyConnection,
                         progress: Progress) -> StageResult:
    """The pipeline's entry point (imported lazily: the stage module imports the pipeline)."""
    from famlink.chronology.stage import run_chronology

    return run_chronology(project, con, progress)
