"""The ingest stage: every feed of the project, file by file."""

from __future__ import annotations

import duckdb

from famlink.ingest.load import FileOutcome, feed_files, ingest_feed
from famlink.pipeline import Progress, StageResult
from famlink.project import Project


def run_ingest(project: Project, con: duckdb.DuckDBPyConnection,
               progress: Progress) -> StageResult:
    result = StageResult("ingest")
    total = sum(max(1, len(feed_files(project, f))) for f in project.feeds.values())
    done = 0

    def tick(outcome: FileOutcome) -> None:
        nonlocal done
        done += 1
        progress(f"ingest {outcome.feed}", done, total)

    for feed in project.feeds.values():
        for outcome in ingest_feed(con, project, feed, on_file=tick):
            result.details.append(outcome)
            if outcome.status == "failed":
                result.problems.append(f"{outcome.feed}: {outcome.message}")
    outcomes = [o for o in result.details if isinstance(o, FileOutcome)]
    result.counts = {
        "files loaded": sum(o.status == "loaded" for o in outcomes),
        "files unchanged": sum(o.status == "unchanged" for o in outcomes),
        "files failed": sum(o.status == "failed" for o in outcomes),
        "rows read": sum(o.rows_read for o in outcomes),
        "rows loaded": sum(o.rows_loaded for o in outcomes),
        "rows quarantined": sum(o.rows_quarantined for o in outcomes),
    }
    return result
