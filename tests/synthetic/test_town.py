"""The generated folder is a complete famlink project, and its truth matches its feeds."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from famlink.project import Feed, load_project
from famlink.synthetic.town import TownSummary
from tests.synthetic.helpers import feed_rows, record_id, truth_records

FEEDS = {"gazetteer", "school_census", "school_attendance", "school_exclusions",
         "police_incidents", "social_care", "health_ed", "dwp_benefits", "housing",
         "council_tax", "youth_offending", "early_help_cases"}


def test_project_loads_with_every_feed(town: tuple[Path, TownSummary]) -> None:
    out, summary = town
    project = load_project(out)
    assert set(project.feeds) == FEEDS
    assert project.settings.warehouse == "warehouse/famlink.duckdb"
    assert set(summary.records) == FEEDS
    assert all(path.exists() for path in summary.files)
    for name, feed in project.feeds.items():
        assert sorted(out.glob(feed.source.path)), f"{name}: no file matches {feed.source.path}"


def test_summary_counts(town: tuple[Path, TownSummary]) -> None:
    _, summary = town
    assert 1400 <= summary.people <= 1600
    assert summary.households > summary.people / 4
    assert summary.families > 50
    assert summary.seconds > 0
    assert all(count > 0 for count in summary.records.values()), summary.records


def test_record_ids_unique_and_truth_matches_every_row(
        town: tuple[Path, TownSummary], project_feeds: dict[str, Feed]) -> None:
    out, summary = town
    truth = truth_records(out)
    by_feed: dict[str, list[str]] = {}
    for row in truth:
        by_feed.setdefault(row["feed"], []).append(row["source_record_id"])
    for name, feed in project_feeds.items():
        ids = [record_id(feed, row) for row in feed_rows(out, feed)]
        dupes = [k for k, n in Counter(ids).items() if n > 1]
        assert not dupes, f"{name}: duplicate record ids {dupes[:5]}"
        assert sorted(ids) == sorted(by_feed[name]), f"{name}: truth ids differ from the file"
        assert len(ids) == summary.records[name]


def test_truth_names_a_person_for_every_person_row(town: tuple[Path, TownSummary]) -> None:
    out, _ = town
    persons_known = set()
    with (out / "truth" / "persons.csv").open(encoding="utf-8") as f:
        next(f)
        persons_known = {line.split(",", 1)[0] for line in f}
    for row in truth_records(out):
        if row["feed"] == "gazetteer":
            assert row["person_id"] == ""
            continue
        assert row["person_id"] in persons_known, row
        assert row["household_id"], row


def test_feeds_map_events_to_the_shared_vocabulary(project_feeds: dict[str, Feed]) -> None:
    vocabulary = {"school_census_return", "attendance", "suspension", "permanent_exclusion",
                  "police_incident", "social_care_referral", "child_in_need",
                  "child_protection_plan", "looked_after", "emergency_attendance",
                  "benefit_claim", "tenancy", "rent_arrears", "notice_seeking_possession",
                  "eviction", "council_tax_account", "youth_offence", "early_help_case"}
    seen = set()
    for feed in project_feeds.values():
        col = feed.columns.get("event_type")
        if col is None:
            continue
        values = [col.value] if col.value else list((col.map or {}).values())
        seen.update(v for v in values if v)
    assert seen == vocabulary


def test_every_mapped_column_exists_in_the_files(
        town: tuple[Path, TownSummary], project_feeds: dict[str, Feed]) -> None:
    out = town[0]
    for name, feed in project_feeds.items():
        header = set(feed_rows(out, feed)[0])
        missing = [c for c in feed.source_columns() if c not in header]
        assert not missing, f"{name}: mapped columns not in the files: {missing}"
        required = [f for f, col in feed.columns.items() if col.required]
        assert required, f"{name}: no required field"
