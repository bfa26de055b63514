"""A child newly flagged by an outcomes need (attendance newly below 90% over three terms)
alerts the child's school and the area's early help team once; a need the rulebook does not
have is a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from famlink.alerts.spec import ALERTS_FILE, default_path
from famlink.engine import connect
from famlink.errors import ConfigError
from famlink.pipeline import run_stages
from famlink.project import Project


def _quiet(what: str, done: int, total: int) -> None:
    pass


def test_a_child_newly_persistently_absent_alerts_school_and_area_once(
        town_copy: Project) -> None:
    con = connect(town_copy.warehouse_path)
    try:
        assert con.execute("SELECT count(*) FROM alerts WHERE rule = 'persistent_absence'"
                           ).fetchall()[0][0] == 0  # the first run is the baseline
        child, measure = con.execute(
            "SELECT f.person_id, any_value(f.value_text) FROM family_flags f "
            "JOIN persons p USING (person_id) WHERE f.need = 'poor_attendance' "
            "AND p.date_of_birth > DATE '2012-01-01' GROUP BY 1 ORDER BY 1 LIMIT 1"
            ).fetchall()[0]
        # as if the child had not been flagged at the last run
        con.execute("DELETE FROM alert_seen_flags WHERE person_id = ?", [child])
        run_stages(town_copy, con, ["alerts"], _quiet)
        raised = con.execute("SELECT person_id, recipient_role, scope_kind, headline, "
                             "message_json FROM alerts WHERE rule = 'persistent_absence' "
                             "ORDER BY recipient_role").fetchall()
        run_stages(town_copy, con, ["alerts"], _quiet)
        again = con.execute("SELECT count(*) FROM alerts WHERE rule = 'persistent_absence'"
                            ).fetchall()[0][0]
    finally:
        con.close()
    assert [(r[0], r[1]) for r in raised] == [(child, "early_help"), (child, "school_dsl")]
    school = dict((r[1], r[2]) for r in raised)["school_dsl"]
    assert school == "school"  # the school the child is on the roll of, not a fallback
    assert measure in raised[0][3] and "poor attendance" in raised[0][3]
    shown = json.loads(raised[1][4])
    assert shown["measure"].startswith(measure) and "child_age" not in shown
    assert again == len(raised)


def test_an_unknown_need_names_the_file_and_key(town_copy: Project, tmp_path: Path) -> None:
    rules = town_copy.root / "rules" / ALERTS_FILE
    rules.parent.mkdir(exist_ok=True)
    rules.write_text(default_path().read_text().replace(
        "need_newly_flagged: poor_attendance", "need_newly_flagged: poor_attendence"))
    con = connect(town_copy.warehouse_path)
    try:
        with pytest.raises(ConfigError) as err:
            run_stages(town_copy, con, ["alerts"], _quiet)
    finally:
        con.close()
    message = str(err.value)
    assert "alerts.persistent_absence.trigger.need_newly_flagged" in message
    assert "'poor_attendence'" in message and "poor_attendance" in message
