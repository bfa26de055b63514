"""Weak records joined by full name on a small seeded town: they are right, they can be
explained and reviewed, and turning the join off gives them back their own persons."""

from __future__ import annotations

from famlink.engine import connect
from famlink.link.explain import explain_pair
from famlink.pipeline import run_stages

from .conftest import _quiet

TRUTH_OF_JOINS = """
WITH t AS (SELECT feed || ':' || source_record_id AS record_id, person_id
           FROM read_csv(?, all_varchar=true) WHERE person_id IS NOT NULL)
SELECT j.reason, count(*), count(*) FILTER (WHERE a.person_id = b.person_id)
FROM name_only_joins j JOIN t a ON a.record_id = j.profile_id
JOIN t b ON b.record_id = j.joined_profile_id GROUP BY j.reason
"""


def test_joins_by_name_are_right_and_reviewable(linked_town):
    con = connect(linked_town.warehouse_path, read_only=True)
    try:
        by_reason = {r: (n, right) for r, n, right in con.execute(
            TRUTH_OF_JOINS, [str(linked_town.root / "truth" / "records.csv")]).fetchall()}
        unreviewed = con.execute(
            "SELECT count(*) FROM name_only_joins j WHERE NOT EXISTS (SELECT 1 FROM "
            "review_queue q WHERE {j.profile_id, j.joined_profile_id} = "
            "{q.record_id_l, q.record_id_r} OR {j.profile_id, j.joined_profile_id} = "
            "{q.record_id_r, q.record_id_l})".replace("{", "(").replace("}", ")")).fetchone()
        same = con.execute("SELECT count(*) FROM name_only_joins j JOIN person_membership a "
                           "ON a.record_id = j.profile_id JOIN person_membership b ON "
                           "b.record_id = j.joined_profile_id WHERE a.person_id <> b.person_id"
                           ).fetchone()
        [some] = con.execute("SELECT profile_id, joined_profile_id FROM name_only_joins "
                             "ORDER BY profile_id LIMIT 1").fetchall()
        explained = explain_pair(con, some[0], some[1])
    finally:
        con.close()
    joins = sum(n for n, _ in by_reason.values())
    right = sum(r for _, r in by_reason.values())
    assert joins >= 20, by_reason
    assert right / joins >= 0.9, by_reason
    assert unreviewed == (0,) and same == (0,)
    assert explained.person_id_l == explained.person_id_r
    assert any(s.comparison == "first_name" and "xact" in s.level for s in explained.steps)


def test_turning_the_join_off_leaves_those_records_on_their_own(town_copy):
    (town_copy.root / "matching.yaml").write_text("weak_records:\n  join_by_full_name: false\n")
    con = connect(town_copy.warehouse_path)
    try:
        before = con.execute("SELECT count(*) FROM persons").fetchone()[0]
        joined = con.execute("SELECT count(*) FROM name_only_joins").fetchone()[0]
        run_stages(town_copy, con, ["link"], _quiet)  # a new matching.yaml: a full run
        after = con.execute("SELECT count(*) FROM persons").fetchone()[0]
        left = con.execute("SELECT count(*) FROM name_only_joins").fetchone()[0]
    finally:
        con.close()
    assert left == 0
    assert after >= before + joined * 0.9  # each join had made one person fewer (or near)
