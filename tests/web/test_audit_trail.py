"""Every read is in the audit log with user, role, subject and reason; sensitive actions ask
for a reason; the governance screen shows who looked at a person; tampering is detected."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from famlink.access import audit
from famlink.cli.main import app as cli
from famlink.link.decisions import state_url
from famlink.state.db import open_app_state
from tests.web.conftest import Facts


def _latest(app, **filters):
    found = audit.entries(app.state.runtime.state, limit=1, **filters)
    assert found, f"no audit entry for {filters}"
    return found[0]


def test_person_family_and_api_views_are_logged(app, client_for, facts: Facts):
    team = client_for("early_help")
    team.get(f"/persons/{facts.inside_area}")
    entry = _latest(app, subject_id=facts.inside_area)
    assert (entry.username, entry.role, entry.action) == ("early_help", "early_help",
                                                          "view_person")
    team.get(f"/families/{facts.family}")
    assert _latest(app, subject_id=facts.family).action == "view_family"
    before = audit.count(app.state.runtime.state)
    team.get(f"/api/persons/{facts.inside_area}")
    assert audit.count(app.state.runtime.state) == before + 1
    assert _latest(app, username="early_help").subject_id == facts.inside_area


def test_a_search_is_logged_with_its_terms(app, client_for):
    client_for("data_team").get("/search", params={"name": "Oliver", "postcode": "NB1"})
    entry = _latest(app, username="data_team", action="search")
    assert json.loads(entry.detail)["terms"] == {"name": "Oliver", "postcode": "NB1"}


def test_an_export_asks_for_a_reason_and_logs_it(app, client_for, facts: Facts):
    police = client_for("police")
    asked = police.get(f"/export/persons/{facts.police_person}.json")
    assert asked.status_code == 403 and "Reason needed" in asked.text
    done = police.get(f"/export/persons/{facts.police_person}.json",
                      params={"reason": "case conference 12 May"})
    assert done.status_code == 200 and done.json()["person_id"] == facts.police_person
    entry = _latest(app, username="police", action="export")
    assert entry.subject_id == facts.police_person
    assert entry.reason == "case conference 12 May"


def test_a_restricted_record_asks_for_a_reason_before_showing_anything(app, client_for,
                                                                       facts: Facts):
    team = client_for("early_help")
    asked = team.get(f"/persons/{facts.restricted}")
    assert asked.status_code == 403 and "Reason needed" in asked.text
    assert facts.restricted not in asked.text.replace(f"/persons/{facts.restricted}", "")
    api = team.get(f"/api/persons/{facts.restricted}")
    assert api.status_code == 403 and api.json()["reason_required"] is True
    shown = team.get(f"/persons/{facts.restricted}", params={"reason": "home visit today"})
    assert shown.status_code == 200
    assert _latest(app, subject_id=facts.restricted).reason == "home visit today"


def test_governance_sees_who_looked_at_a_person(client_for, facts: Facts):
    assert client_for("police").get(f"/persons/{facts.police_person}").status_code == 200
    page = client_for("governance").get("/audit", params={"subject": facts.police_person})
    assert page.status_code == 200
    rows = page.text.split('data-testid="audit"')[1]
    assert "<td>police</td>" in rows and "view_person" in rows


def test_a_tampered_log_fails_verification_on_screen(fresh_app, facts: Facts):
    from tests.web.conftest import sign_in

    with sign_in(fresh_app, "early_help") as team:
        team.get(f"/persons/{facts.inside_area}")
    with sign_in(fresh_app, "governance") as gov:
        assert "is intact" in gov.get("/audit", params={"verify": "true"}).text
        with fresh_app.state.runtime.state.begin() as conn:
            conn.execute(sa.text("UPDATE audit_log SET subject_id = 'P0' WHERE action = "
                                 "'view_person'"))
        assert "Tampering detected" in gov.get("/audit", params={"verify": "true"}).text


def test_famlink_audit_verify_fails_on_a_tampered_log(web_town, tmp_path: Path):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(web_town.root / "famlink.yaml", project / "famlink.yaml")
    shutil.copytree(web_town.root / "feeds", project / "feeds")
    engine = open_app_state(state_url(project))
    for subject in ("P1", "P2", "P3"):
        audit.append(engine, username="alice", role="early_help", action="view_person",
                     subject_kind="person", subject_id=subject)
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify", "-p", str(project)])
    assert ok.exit_code == 0 and "intact: 3 entries" in ok.output
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_log WHERE seq = 2"))
    bad = runner.invoke(cli, ["audit", "verify", "-p", str(project)])
    assert bad.exit_code == 1 and "entry 2 is missing" in bad.output
