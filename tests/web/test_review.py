"""The review queue: the data team sees an uncertain pair side by side with its match-weight
explanation, decides it, and the next link run applies the decision."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from famlink.engine import connect
from famlink.link.decisions import current_decisions
from famlink.pipeline import run_stages
from famlink.project import load_project
from tests.web.conftest import _quiet, page_csrf


def _first_pair(client) -> tuple[str, str]:
    pairs = client.get("/api/review").json()
    assert pairs, "the test town has an uncertain pair"
    return pairs[0]["record_id_l"], pairs[0]["record_id_r"]


def test_a_pair_is_shown_side_by_side_with_its_waterfall(client_for):
    team = client_for("data_team")
    left, right = _first_pair(team)
    assert left in team.get("/review").text
    page = team.get("/review/pair", params={"left": left, "right": right})
    assert page.status_code == 200
    assert 'data-testid="side-by-side"' in page.text and 'data-testid="waterfall"' in page.text
    assert "date_of_birth" in page.text and "total" in page.text


def test_a_decision_is_stored_audited_and_leaves_the_queue(tmp_path: Path, web_town, schools):
    from tests.web.conftest import new_app, sign_in

    url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    app = new_app(web_town, url, schools.mine, schools.other)
    team = sign_in(app, "data_team")
    left, right = _first_pair(team)
    page = team.get("/review/pair", params={"left": left, "right": right})
    decided = team.post("/review/decide", data={
        "left": left, "right": right, "decision": "must_not_link",
        "reason": "different dates of birth and schools", "csrf_token": page_csrf(page.text)},
        headers={"HX-Request": "true"})
    assert decided.status_code == 200 and "different persons" in decided.text
    made = current_decisions(app.state.runtime.state)
    assert [(d.record_id_l, d.record_id_r, d.decision, d.decided_by) for d in made] == [
        (*sorted((left, right)), "must_not_link", "data_team")]
    assert (left, right) not in [(p["record_id_l"], p["record_id_r"])
                                 for p in team.get("/api/review").json()]
    assert team.post("/review/decide", data={"left": left, "right": right,
                                             "decision": "must_link", "reason": "x"}
                     ).status_code == 403  # no CSRF token
    app.state.runtime.state.dispose()


def test_the_next_link_run_applies_the_decision(tmp_path: Path, web_town, schools):
    """A must-link on a pair now kept apart makes them one person in the next run."""
    from tests.web.conftest import new_app, sign_in

    copy = tmp_path / "town"
    shutil.copytree(web_town.root, copy, ignore=shutil.ignore_patterns("snapshots", "state"))
    url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    settings = yaml.safe_load((copy / "famlink.yaml").read_text())
    (copy / "famlink.yaml").write_text(yaml.safe_dump({**settings, "state_url": url}))
    app = new_app(web_town, url, schools.mine, schools.other)
    team = sign_in(app, "data_team")
    apart = [p for p in team.get("/api/review?limit=500").json() if not p["same_person"]]
    assert apart, "the test town has an uncertain pair kept apart"
    left, right = apart[0]["record_id_l"], apart[0]["record_id_r"]
    page = team.get("/review/pair", params={"left": left, "right": right})
    team.post("/review/decide", data={"left": left, "right": right, "decision": "must_link",
                                      "reason": "same NHS number on the paper file",
                                      "csrf_token": page_csrf(page.text)})
    project = load_project(copy)
    con = connect(project.warehouse_path)
    try:
        run_stages(project, con, ["link"], _quiet)
        persons = dict(con.execute("SELECT record_id, person_id FROM person_membership WHERE "
                                   "record_id IN (?, ?)", [left, right]).fetchall())
    finally:
        con.close()
    assert persons[left] == persons[right]
