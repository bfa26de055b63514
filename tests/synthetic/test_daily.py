"""Daily mode: the held-back rows are written as each day's delivery, and every feed reads
the files of every delivery once they are taken into the project."""

from __future__ import annotations

from pathlib import Path

from famlink.ingest import deliveries
from famlink.ingest.load import feed_files
from famlink.project import load_project
from famlink.synthetic.town import generate_town


def test_every_days_files_are_read_by_their_feed(tmp_path: Path) -> None:
    root = tmp_path / "town"
    whole = generate_town(tmp_path / "whole", people=600, seed=4)
    held = generate_town(root, people=600, seed=4, daily_days=400)
    assert held.records == whole.records  # the same town, only delivered later
    project = load_project(root)
    days = deliveries.pending(root / "daily")
    assert len(days) > 100
    taken = [f for day in days for f in deliveries.take(project, day)]
    feeds = {f.parent.name for f in taken}
    assert {"police_incidents", "health_ed", "early_help_cases"} <= feeds
    readable = {p for feed in project.feeds.values() for p in feed_files(project, feed)}
    assert set(taken) <= readable
