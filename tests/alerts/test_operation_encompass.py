"""Operation Encompass end to end: a domestic abuse incident delivered on a Saturday reaches
the school of the one child the victim has, due before Monday's school day, and no one else;
the school is shown only what it needs."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from famlink.engine import connect
from famlink.ingest import deliveries
from famlink.pipeline import run_stages
from famlink.project import Project
from tests.alerts.incident import deliver, pick_victim


def _quiet(what: str, done: int, total: int) -> None:
    pass


@pytest.fixture
def delivered(town_copy: Project, tmp_path: Path) -> tuple[Project, tuple, list[tuple]]:
    con = connect(town_copy.warehouse_path)
    try:
        victim = pick_victim(con)
        before = con.execute("SELECT count(*) FROM alerts").fetchall()[0][0]
        deliveries.take(town_copy, deliver(victim, tmp_path / "drops", "NB-2026-9000001"))
        results = run_stages(town_copy, con, None, _quiet)
        assert all(r.ok for r in results)
        alerts = con.execute(
            "SELECT rule, person_id, recipient_role, scope_kind, scope_value, deadline_at, "
            "deadline_reason, message_json FROM alerts WHERE event_ref = 'NB-2026-9000001'"
        ).fetchall()
        assert con.execute("SELECT count(*) FROM alerts").fetchall()[0][0] == before + len(alerts)
    finally:
        con.close()
    return town_copy, victim, alerts


def test_the_childs_school_and_no_one_else_is_told_before_monday(delivered) -> None:
    _, victim, alerts = delivered
    *_, child, urn = victim
    assert [(a[0], a[1], a[2], a[3], a[4]) for a in alerts] == [
        ("operation_encompass", child, "school_dsl", "school", urn)]
    deadline, reason = alerts[0][5], alerts[0][6]
    assert str(deadline) == "2026-07-20 08:30:00"  # Friday night -> Monday 08:30
    assert "weekend" in reason


def test_the_school_sees_only_what_it_needs(delivered) -> None:
    _, _, alerts = delivered
    message = json.loads(alerts[0][7])
    assert set(message) == {"child_name", "child_dob", "school", "event_date", "event_time",
                            "event_ref", "child_present", "contact"}
    assert message["child_present"] is False
    assert "QUINCEY" not in json.dumps(message)  # never who else was involved


def test_an_event_raises_its_alert_once(delivered) -> None:
    project, _, alerts = delivered
    con = connect(project.warehouse_path)
    try:
        run_stages(project, con, ["alerts"], _quiet)
        again = con.execute("SELECT count(*) FROM alerts WHERE event_ref = 'NB-2026-9000001'"
                            ).fetchall()[0][0]
    finally:
        con.close()
    assert again == len(alerts)


def test_history_loaded_on_the_first_run_raises_nothing(linked_town: Project) -> None:
    con = duckdb.connect(str(linked_town.warehouse_path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM alerts").fetchall()[0][0] == 0
        assert con.execute("SELECT count(*) FROM alert_seen_events").fetchall()[0][0] == \
            con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    finally:
        con.close()
