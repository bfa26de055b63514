"""End to end on a small seeded town: synth -> ingest -> standardise -> link -> evaluate."""

from __future__ import annotations

import json

from famlink.engine import connect
from famlink.link.decisions import project_state, record_decision
from famlink.link.explain import explain_pair
from famlink.link.truth import evaluate
from famlink.pipeline import run_stages

from .conftest import _quiet


def _rows(project, sql, params=None):
    con = connect(project.warehouse_path, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_every_row_read_is_loaded_or_quarantined(linked_town):
    rows = _rows(linked_town, "SELECT feed, sum(rows_read), sum(rows_loaded), "
                 "sum(rows_quarantined) FROM load_batches GROUP BY feed")
    assert len(rows) == len(linked_town.feeds)
    for feed, read, loaded, held in rows:
        assert read == loaded + held, feed
        assert loaded > 0, feed


def test_every_person_row_is_standardised_and_linked(linked_town):
    [(records, members, persons)] = _rows(
        linked_town, "SELECT (SELECT count(*) FROM person_records), "
        "(SELECT count(*) FROM person_membership), (SELECT count(*) FROM persons)")
    assert records == members > persons > 0
    [(bad,)] = _rows(linked_town, "SELECT count(*) FROM person_records WHERE nhs_number "
                     "IS NOT NULL AND orig_nhs_number IS NULL")
    assert bad == 0


def test_matching_accuracy_floor_and_hard_cases(linked_town):
    con = connect(linked_town.warehouse_path, read_only=True)
    try:
        result = evaluate(con, linked_town.root / "truth")
    finally:
        con.close()
    assert result.scores.precision > 0.99
    assert result.scores.recall > 0.90
    assert result.scores.f1 > 0.95
    for kind, pairs, merged in result.hard_cases:
        assert merged <= max(1, pairs // 10), kind


def test_invalid_identifiers_are_never_evidence(linked_town):
    [(n,)] = _rows(linked_town, "SELECT count(*) FROM person_records WHERE orig_nhs_number "
                   "IS NOT NULL AND nhs_number IS NULL")
    assert n > 0  # the town has mistyped NHS numbers, and they were dropped as evidence


def test_no_person_holds_two_valid_identifiers_of_one_kind(linked_town):
    rows = _rows(linked_town, "SELECT m.person_id FROM person_membership m JOIN person_records "
                 "p USING (record_id) GROUP BY m.person_id HAVING count(DISTINCT p.nhs_number) "
                 "> 1 OR count(DISTINCT p.upn) > 1 OR count(DISTINCT p.ni_number) > 1")
    assert rows == []


def test_people_on_one_incident_or_claim_are_different_persons(linked_town):
    rows = _rows(linked_town, "SELECT g.group_key FROM record_groups g JOIN person_membership "
                 "m USING (record_id) GROUP BY g.group_key HAVING count(*) > "
                 "count(DISTINCT m.person_id)")
    assert rows == []


def test_rerun_gives_identical_ids(town_copy):
    before = dict(_rows(town_copy, "SELECT record_id, person_id FROM person_membership"))
    con = connect(town_copy.warehouse_path)
    try:
        run_stages(town_copy, con, ["standardise", "link"], _quiet)
    finally:
        con.close()
    after = dict(_rows(town_copy, "SELECT record_id, person_id FROM person_membership"))
    assert after == before


def test_ids_survive_an_added_batch(town_copy):
    before = dict(_rows(town_copy, "SELECT record_id, person_id FROM person_membership"))
    extra = town_copy.root / "incoming" / "health_ed" / "ecds_zz_extra.csv"
    source = sorted((town_copy.root / "incoming" / "health_ed").glob("*.csv"))[0]
    lines = source.read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:41]
    id_col = header.split(",").index("ATTENDANCE_IDENTIFIER")
    renamed = [",".join(f"NEW{v}" if i == id_col else v for i, v in enumerate(line.split(",")))
               for line in body]
    extra.write_text("\n".join([header, *renamed]) + "\n", encoding="utf-8")
    con = connect(town_copy.warehouse_path)
    try:
        run_stages(town_copy, con, None, _quiet)
    finally:
        con.close()
    after = dict(_rows(town_copy, "SELECT record_id, person_id FROM person_membership"))
    kept = sum(after[r] == p for r, p in before.items())
    assert kept / len(before) > 0.995
    assert len(after) == len(before) + 40


def test_human_decisions_apply_on_the_next_run(town_copy):
    pair = _rows(town_copy, "SELECT a.record_id, b.record_id FROM person_membership a JOIN "
                 "person_membership b ON a.person_id = b.person_id AND a.record_id < "
                 "b.record_id AND a.profile_id <> b.profile_id LIMIT 1")[0]
    apart = _rows(town_copy, "SELECT a.record_id, b.record_id FROM persons pa JOIN persons pb "
                  "ON pa.person_id < pb.person_id AND pa.surname = pb.surname JOIN "
                  "person_membership a ON a.person_id = pa.person_id JOIN person_membership b "
                  "ON b.person_id = pb.person_id WHERE pa.nhs_number IS NULL OR pb.nhs_number "
                  "IS NULL OR pa.nhs_number = pb.nhs_number LIMIT 1")[0]
    state = project_state(town_copy)
    record_decision(state, *pair, "must_not_link", "tester", "different people on review")
    record_decision(state, *apart, "must_link", "tester", "confirmed by the family")
    con = connect(town_copy.warehouse_path)
    try:
        run_stages(town_copy, con, ["link"], _quiet)
    finally:
        con.close()
    ids = dict(_rows(town_copy, "SELECT record_id, person_id FROM person_membership"))
    assert ids[pair[0]] != ids[pair[1]]
    assert ids[apart[0]] == ids[apart[1]]


def test_explain_adds_up_and_model_is_saved(linked_town):
    # the strongest pair, and pairs across the range of weights (names common and rare, so
    # the term-frequency adjustments differ): each explained with the weight the run stored
    pairs = _rows(linked_town, "SELECT record_id_l, record_id_r, match_weight FROM match_pairs "
                  "ORDER BY match_weight DESC LIMIT 1")
    pairs += _rows(linked_town, "SELECT record_id_l, record_id_r, match_weight FROM match_pairs "
                   "ORDER BY hash(record_id_l || record_id_r) LIMIT 12")
    con = connect(linked_town.warehouse_path, read_only=True)
    try:
        explained = [(explain_pair(con, left, right), weight) for left, right, weight in pairs]
    finally:
        con.close()
    assert len({round(w) for _, _, w in pairs}) >= 4
    for ex, weight in explained:
        assert abs(ex.match_weight - weight) < 1e-6, (ex.record_id_l, ex.record_id_r)
        assert abs(sum(s.match_weight for s in ex.steps) - ex.match_weight) < 1e-6
    ex = explained[0][0]
    assert {s.comparison for s in ex.steps} >= {"first_name", "surname", "dob", "address"}
    models = sorted((linked_town.root / "models").glob("link-*.json"))
    assert models and "comparisons" in json.loads(models[-1].read_text())
