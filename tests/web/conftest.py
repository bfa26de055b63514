"""A small published town, an app on it with one user per role (and a second school), and
helpers to sign in. The town is built once per session."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from famlink.access.scope import ROLL_SQL
from famlink.engine import connect
from famlink.pipeline import run_stages
from famlink.project import Project, load_project
from famlink.snapshot import open_snapshot, publish
from famlink.state import accounts
from famlink.synthetic.town import generate_town
from famlink.web.app import create_app
from famlink.web.settings import WebSettings

PEOPLE, SEED = 700, 3
ROLES = ("early_help", "school_dsl", "police", "health", "data_team", "governance")


def password(user: str) -> str:
    return f"password-of-{user}"


def _quiet(what: str, done: int, total: int) -> None:
    pass


@pytest.fixture(scope="session")
def web_town(tmp_path_factory) -> Project:
    out = tmp_path_factory.mktemp("webtown") / "town"
    generate_town(out, people=PEOPLE, seed=SEED)
    project = load_project(out)
    con = connect(project.warehouse_path)
    try:
        results = run_stages(project, con, None, _quiet)
    finally:
        con.close()
    assert all(r.ok for r in results)
    publish(project)
    return project


@dataclass(frozen=True)
class Schools:
    mine: str  # the school_dsl user's school: a pupil there has a police record
    other: str  # a second school (the school_dsl_other user's)
    my_pupil: str
    other_pupil: str


@pytest.fixture(scope="session")
def schools(web_town: Project) -> Schools:
    con = open_snapshot(web_town)
    try:
        roll = con.execute(f"SELECT person_id, school FROM ({ROLL_SQL}) ORDER BY person_id",
                           ["school_census"]).fetchall()
        police = {r[0] for r in con.execute(
            "SELECT DISTINCT person_id FROM chronology WHERE feed = 'police_incidents'")
            .fetchall()}
    finally:
        con.close()
    flagged = [(p, s) for p, s in roll if p in police]
    assert flagged, "the test town needs a pupil with a police record"
    pupil, mine = flagged[0]
    other_pupil, other = next((p, s) for p, s in roll if s != mine)
    return Schools(mine, other, pupil, other_pupil)


def new_app(project: Project, state_url: str, school: str, other_school: str) -> FastAPI:
    settings = WebSettings.for_project(project)
    settings = WebSettings(project, state_url, settings.access, "test-secret-key")
    app = create_app(settings)
    engine = app.state.runtime.state
    for role in ROLES:
        accounts.add_user(engine, role, role, password(role),
                          school if role == "school_dsl" else None)
    accounts.add_user(engine, "school_dsl_other", "school_dsl", password("school_dsl_other"),
                      other_school)
    return app


@pytest.fixture(scope="session")
def app(web_town: Project, schools: Schools, tmp_path_factory) -> FastAPI:
    url = f"sqlite:///{tmp_path_factory.mktemp('webstate') / 'state.sqlite'}"
    return new_app(web_town, url, schools.mine, schools.other)


@pytest.fixture
def fresh_app(web_town: Project, schools: Schools, tmp_path: Path) -> FastAPI:
    """An app with its own state database, for tests that change sign-in state."""
    return new_app(web_town, f"sqlite:///{tmp_path / 'state.sqlite'}", schools.mine,
                   schools.other)


def login_csrf(client: TestClient) -> str:
    page = client.get("/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def sign_in(app: FastAPI, user: str) -> TestClient:
    client = TestClient(app)
    response = client.post("/login", data={"username": user, "password": password(user),
                                           "csrf_token": login_csrf(client), "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def page_csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


@pytest.fixture
def client_for(app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    clients: list[TestClient] = []

    def make(user: str) -> TestClient:
        clients.append(sign_in(app, user))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


@dataclass(frozen=True)
class Facts:
    outside_area: str  # lives outside the early help area
    inside_area: str  # lives inside it, with no social care record
    restricted: str  # inside the area, with a social care record (asks for a reason)
    police_person: str  # has a police record, inside the early help area, in a family
    no_police: str  # has no police record
    family: str  # a family with a member inside the early help area
    family_outside: str  # a family with no member inside the early help area
    incident_refs: list[str]  # the police incident references of police_person


AREA = ("NB1", "NB2", "NB3", "NB4", "NB5", "NB6")


def _one(con, sql: str, params: list[object]) -> str:
    rows = con.execute(sql, params).fetchall()
    assert rows, f"the test town has no row for: {sql}"
    return str(rows[0][0])


@pytest.fixture(scope="session")
def facts(web_town: Project) -> Facts:
    con = open_snapshot(web_town)
    district = "upper(split_part(postcode, ' ', 1))"
    inside = f"SELECT person_id FROM current_addresses WHERE list_contains($area, {district})"
    social = ("SELECT DISTINCT person_id FROM chronology WHERE feed = 'social_care'")
    police = ("SELECT DISTINCT person_id FROM chronology WHERE feed = 'police_incidents'")
    try:
        area = {"area": list(AREA)}
        found = Facts(
            outside_area=_one(con, "SELECT person_id FROM current_addresses WHERE postcode IS "
                              f"NOT NULL AND NOT list_contains($area, {district}) ORDER BY 1",
                              area),
            inside_area=_one(con, f"{inside} AND person_id NOT IN ({social}) ORDER BY 1", area),
            restricted=_one(con, f"{inside} AND person_id IN ({social}) ORDER BY 1", area),
            police_person=_one(con, f"{inside} AND person_id IN ({police}) AND person_id IN "
                               "(SELECT person_id FROM family_members) ORDER BY 1", area),
            no_police=_one(con, f"SELECT person_id FROM persons WHERE person_id NOT IN "
                           f"({police}) ORDER BY 1", {}),
            family=_one(con, f"SELECT family_id FROM family_members WHERE person_id IN "
                        f"({inside}) ORDER BY 1", area),
            family_outside=_one(con, f"SELECT family_id FROM family_members GROUP BY 1 HAVING "
                                f"count(*) FILTER (WHERE person_id IN ({inside})) = 0 "
                                "ORDER BY 1", area),
            incident_refs=[])
        refs = [str(r[0]) for r in con.execute(
            "SELECT source_record_id FROM chronology WHERE feed = 'police_incidents' AND "
            "person_id = ?", [found.police_person]).fetchall()]
    finally:
        con.close()
    return Facts(**{**found.__dict__, "incident_refs": refs})
