"""The alerts inbox: an Operation Encompass alert reaches the child's school's safeguarding
lead and no other school; acknowledging it is audited; overdue, it is escalated to the early
help team of the child's area until someone acknowledges it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi import FastAPI

from famlink.access import audit
from famlink.engine import connect
from famlink.ingest import deliveries
from famlink.pipeline import run_stages
from famlink.project import Project, load_project
from famlink.snapshot import publish
from tests.web.conftest import new_app, page_csrf, sign_in

VICTIM_SQL = """
WITH kids AS (
    SELECT r.person_id_a AS parent, r.person_id_b AS child FROM person_relationships r
    JOIN persons c ON c.person_id = r.person_id_b
    WHERE r.relationship = 'parent' AND c.date_of_birth BETWEEN '2010-08-01' AND '2021-08-01'),
only_child AS (SELECT parent FROM kids GROUP BY parent HAVING count(*) = 1),
rolls AS (SELECT m.person_id, arg_max(s.organisation_ref, s.event_date) AS urn
          FROM raw_school_census s JOIN person_membership m USING (record_id)
          WHERE s.event_date >= '2025-09-01' GROUP BY m.person_id)
SELECT p.first_name, p.surname, p.date_of_birth, a.address, a.postcode, k.child, r.urn
FROM only_child JOIN kids k USING (parent) JOIN persons p ON p.person_id = k.parent
JOIN current_addresses a ON a.person_id = k.parent JOIN rolls r ON r.person_id = k.child
JOIN current_addresses ca ON ca.person_id = k.child
WHERE p.date_of_birth IS NOT NULL AND p.first_name IS NOT NULL
  AND split_part(ca.postcode, ' ', 1) IN ('NB1', 'NB2', 'NB3', 'NB4', 'NB5', 'NB6')
ORDER BY k.parent LIMIT 1
"""


def _quiet(what: str, done: int, total: int) -> None:
    pass


def _deliver_incident(project: Project, victim: tuple, drops: Path) -> None:
    first, surname, dob, address, postcode, *_ = victim
    common = {"incident_ref": "NB-2026-9000002", "occurred_date": "2026-07-17",
              "occurred_time": "21:30", "incident_type": "DOMESTIC INCIDENT", "age": "",
              "location": address, "gender": ""}
    rows = [{**common, "row_ref": "NB-2026-9000002/01", "role": "VICTIM",
             "name": f"{surname}, {first.title()}", "dob": dob.strftime("%d/%m/%Y"),
             "home_address": address.title(), "home_postcode": postcode}]
    folder = drops / "2026-07-18" / "police_incidents"
    folder.mkdir(parents=True)
    (folder / "incidents-2026-07-18.jsonl").write_text("".join(json.dumps(r) + "\n"
                                                               for r in rows))
    deliveries.take(project, folder.parent)


@pytest.fixture(scope="module")
def alerted(web_town: Project, tmp_path_factory) -> tuple[FastAPI, str, str]:
    root = tmp_path_factory.mktemp("alerted") / "town"
    shutil.copytree(web_town.root, root)
    project = load_project(root)
    con = connect(project.warehouse_path)
    try:
        victim = con.execute(VICTIM_SQL).fetchall()[0]
        others = con.execute("SELECT DISTINCT organisation_ref FROM raw_school_census "
                             "WHERE organisation_ref <> ? ORDER BY 1", [victim[6]]).fetchall()
        _deliver_incident(project, victim, tmp_path_factory.mktemp("drops"))
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
