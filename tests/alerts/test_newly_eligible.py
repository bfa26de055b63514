"""A family that the outcomes rules find eligible for the first time raises one alert to the
early help team of its area; families already eligible at the last run raise nothing."""

from __future__ import annotations

import json

from famlink.engine import connect
from famlink.pipeline import run_stages
from famlink.project import Project


def _quiet(what: str, done: int, total: int) -> None:
    pass


def test_a_newly_eligible_family_alerts_its_area_once(town_copy: Project) -> None:
    con = connect(town_copy.warehouse_path)
    try:
        eligible = con.execute("SELECT family_id, area, needs FROM eligibility WHERE "
                               "is_eligible ORDER BY family_id").fetchall()
        assert eligible, "the seeded town has eligible families"
        assert con.execute("SELECT count(*) FROM alerts WHERE rule = 'family_newly_eligible'"
                           ).fetchall()[0][0] == 0  # the first run is the baseline
        family, area, needs = eligible[0]
        # as if this family had not been eligible at the last run
        con.execute("DELETE FROM alert_seen_eligible WHERE family_id = ?", [family])
        run_stages(town_copy, con, ["alerts"], _quiet)
        raised = con.execute("SELECT family_id, recipient_role, scope_kind, scope_value, "
                             "message_json FROM alerts WHERE rule = 'family_newly_eligible'"
                             ).fetchall()
        run_stages(town_copy, con, ["alerts"], _quiet)
        again = con.execute("SELECT count(*) FROM alerts WHERE rule = 'family_newly_eligible'"
                            ).fetchall()[0][0]
    finally:
        con.close()
    assert [r[:4] for r in raised] == [(family, "early_help", "area", area)]
    assert json.loads(raised[0][4])["needs"] == list(needs)
    assert again == 1
