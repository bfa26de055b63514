"""The alerts inbox: an Operation Encompass alert reaches the child's school's safeguarding
lead and no other school; acknowledging it is audited; overdue, it is escalated to the early
help team of the child's area until someone acknowledges it."""

from __future__ import annotations

import shutil

import pytest
from fastapi import FastAPI

from famlink.access import audit
from famlink.engine import connect
from famlink.ingest import deliveries
from famlink.pipeline import run_stages
from famlink.project import Project, load_project
from famlink.snapshot import publish
from tests.alerts.incident import deliver, pick_victim
from tests.web.conftest import new_app, page_csrf, sign_in


def _quiet(what: str, done: int, total: int) -> None:
    pass


@pytest.fixture(scope="module")
def alerted(web_town: Project, tmp_path_factory) -> tuple[FastAPI, str, str]:
    root = tmp_path_factory.mktemp("alerted") / "town"
    shutil.copytree(web_town.root, root)
    project = load_project(root)
    con = connect(project.warehouse_path)
    try:
        victim = pick_victim(con, ["NB1", "NB2", "NB3", "NB4", "NB5", "NB6"])
        others = con.execute("SELECT DISTINCT organisation_ref FROM raw_school_census "
                             "WHERE organisation_ref <> ? ORDER BY 1", [victim[6]]).fetchall()
        deliveries.take(project, deliver(victim, tmp_path_factory.mktemp("drops"),
                                         "NB-2026-9000002", suspect=False))
        assert all(r.ok for r in run_stages(project, con, None, _quiet))
    finally:
        con.close()
    publish(project)
    state = tmp_path_factory.mktemp("alertstate") / "state.sqlite"
    return new_app(project, f"sqlite:///{state}", victim[6], others[0][0]), victim[5], victim[6]


def _rows(html: str) -> list[str]:
    return [line for line in html.split("<tr class=")[1:]]


def test_only_the_childs_school_is_told(alerted) -> None:
    app, _, _ = alerted
    mine = sign_in(app, "school_dsl").get("/alerts")
    assert mine.status_code == 200
    [row] = [r for r in _rows(mine.text) if "domestic abuse" in r]
    assert '"overdue' in row or row.startswith('"overdue')
    assert "child present" in row and "Operation Encompass desk" in row
    assert "VICTIM" not in mine.text  # the school is not told who was involved
    other = sign_in(app, "school_dsl_other").get("/alerts")
    assert "domestic abuse" not in other.text
    assert sign_in(app, "police").get("/alerts").status_code == 403


def test_acknowledging_is_audited_and_ends_the_escalation(alerted) -> None:
    app, _, _ = alerted
    early_help = sign_in(app, "early_help")
    escalated = early_help.get("/alerts").text
    assert "escalated" in escalated and "domestic abuse" in escalated
    dsl = sign_in(app, "school_dsl")
    page = dsl.get("/alerts").text
    row = next(r for r in _rows(page) if "domestic abuse" in r)
    alert_id = row.split('data-alert="')[1][:13]
    stranger = sign_in(app, "school_dsl_other")
    refused = stranger.post(f"/alerts/{alert_id}/ack",
                            data={"csrf_token": page_csrf(stranger.get("/alerts").text)})
    assert refused.status_code == 404
    no_csrf = dsl.post(f"/alerts/{alert_id}/ack", data={"note": "x"})
    assert no_csrf.status_code in (400, 403)
    done = dsl.post(f"/alerts/{alert_id}/ack", data={"csrf_token": page_csrf(page),
                                                     "note": "spoke to the child"})
    assert done.status_code == 200  # followed back to the inbox
    assert "acknowledged by school_dsl" in done.text and "spoke to the child" in done.text
    assert "domestic abuse" not in early_help.get("/alerts").text
    entries = audit.entries(app.state.runtime.state)
    acks = [e for e in entries if e.action == "acknowledge_alert"]
    assert [(e.username, e.subject_id) for e in acks] == [("school_dsl", alert_id)]
    views = [e for e in entries if e.action == "view_alerts" and e.username == "school_dsl"]
    assert any(alert_id in e.detail for e in views)  # the delivery is on record
