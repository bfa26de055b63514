"""The households stage on the seeded town: scores against truth, and stable reruns."""

from __future__ import annotations

from famlink.engine import connect
from famlink.households.evaluate import evaluate_households
from famlink.households.stage import as_of_date
from famlink.pipeline import run_stages
from famlink.project import Project


def _quiet(what: str, done: int, total: int) -> None:
    pass


def test_households_and_families_score_above_a_floor(linked_town: Project) -> None:
    con = connect(linked_town.warehouse_path, read_only=True)
    try:
        households, families = evaluate_households(con, linked_town.root / "truth",
                                                   as_of_date(linked_town))
    finally:
        con.close()
    assert households.people > 1000 and families.people > 500
    assert households.f1 >= 0.8 and households.ari >= 0.8
    assert families.f1 >= 0.75 and families.precision >= 0.8


def test_a_rerun_keeps_every_household_and_family_id(town_copy: Project) -> None:
    con = connect(town_copy.warehouse_path)
    try:
        before = con.execute("SELECT family_id, person_id, role FROM family_members "
                             "ORDER BY ALL").fetchall()
        homes = con.execute("SELECT household_id, person_id, start_date FROM household_members "
                            "ORDER BY ALL").fetchall()
        (result,) = run_stages(town_copy, con, ["households"], _quiet)
        assert con.execute("SELECT family_id, person_id, role FROM family_members "
                           "ORDER BY ALL").fetchall() == before
        assert con.execute("SELECT household_id, person_id, start_date FROM household_members "
                           "ORDER BY ALL").fetchall() == homes
    finally:
        con.close()
    assert result.counts["family ids created"] == 0
    assert result.counts["families"] == len({f for f, _, _ in before})


def test_every_current_address_says_why(linked_town: Project) -> None:
    con = connect(linked_town.warehouse_path, read_only=True)
    try:
        missing = con.execute("SELECT count(*) FROM current_addresses WHERE reason IS NULL "
                              "OR reason NOT LIKE '%record(s) here%' "
                              "AND reason NOT LIKE '%; lives with %, %'").fetchall()[0][0]
        carried = con.execute("SELECT count(*) FROM current_addresses "
                              "WHERE deciding_feed IS NULL").fetchall()[0][0]
        total = con.execute("SELECT count(*) FROM current_addresses").fetchall()[0][0]
    finally:
        con.close()
    assert total > 1000 and missing == 0
    assert 0 < carried < total / 10  # young people placed with their carers, a few
