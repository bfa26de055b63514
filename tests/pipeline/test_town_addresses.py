"""Address matching on the small seeded town, scored against the town's truth."""

from __future__ import annotations

from famlink.engine import connect
from famlink.pipeline import run_stages
from famlink.project import load_project
from famlink.standardise.address_truth import evaluate_addresses

from .conftest import _quiet


def test_addresses_match_the_right_uprn(linked_town):
    con = connect(linked_town.warehouse_path, read_only=True)
    try:
        scores = {s.feed: s for s in evaluate_addresses(con, linked_town.root / "truth")}
        [(methods,)] = con.execute("SELECT list(DISTINCT uprn_method) FROM person_records "
                                   "WHERE matched_uprn IS NOT NULL").fetchall()
    finally:
        con.close()
    total = scores.pop("all")
    assert total.rows > 5000
    assert total.matched_share >= 0.99
    assert total.precision >= 0.995
    assert total.recall >= 0.99
    for feed, score in scores.items():
        assert score.recall >= 0.97, feed
    assert {"feed_uprn", "exact"} <= set(methods)
    assert any(m.startswith("street+number") for m in methods)


def test_unmatched_addresses_say_why(linked_town):
    con = connect(linked_town.warehouse_path, read_only=True)
    try:
        rows = con.execute("SELECT reason, n_records FROM unmatched_addresses").fetchall()
        [(matched, keys)] = con.execute("SELECT count(matched_uprn), count(*) FROM "
                                        "address_matches").fetchall()
    finally:
        con.close()
    assert matched + len(rows) == keys
    assert all(reason and n >= 1 for reason, n in rows)


def test_a_project_without_a_gazetteer_still_runs(town_copy):
    (town_copy.root / "feeds" / "gazetteer.yaml").unlink()
    project = load_project(town_copy.root)
    con = connect(project.warehouse_path)
    try:
        results = run_stages(project, con, ["standardise", "link"], _quiet)
        [(matched, gazetteer, reasons)] = con.execute(
            "SELECT (SELECT count(matched_uprn) FROM person_records), "
            "(SELECT count(*) FROM gazetteer_addresses), "
            "(SELECT list(DISTINCT reason) FROM unmatched_addresses)").fetchall()
        persons = con.execute("SELECT count(*) FROM persons").fetchall()[0][0]
    finally:
        con.close()
    assert all(r.ok for r in results)
    assert "addresses matched" not in results[0].counts
    assert (matched, gazetteer, reasons) == (0, 0, ["no gazetteer"])
    assert persons > 0
