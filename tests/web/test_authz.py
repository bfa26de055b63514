"""Need-to-know, proved over HTTP: a school reaches only its own pupils by URL, search, API
and export; each role's row scope holds; restricted fields never appear in any response of
a role without them."""

from __future__ import annotations

import pytest

from tests.web.conftest import Facts, Schools


def _name_of(client, person_id: str, url: str) -> str:
    data = client.get(f"/api/{url}/{person_id}").json()
    person = data.get("person", data)
    return str(person["names"][0]["value"])


def test_a_school_sees_its_own_pupil(client_for, schools: Schools):
    school = client_for("school_dsl")
    page = school.get(f"/pupils/{schools.my_pupil}")
    assert page.status_code == 200
    assert school.get(f"/api/pupils/{schools.my_pupil}").status_code == 200


def test_a_school_cannot_reach_another_schools_pupil_by_url_or_api(client_for,
                                                                    schools: Schools):
    school = client_for("school_dsl")
    assert school.get(f"/pupils/{schools.other_pupil}").status_code == 404
    assert school.get(f"/api/pupils/{schools.other_pupil}").status_code == 404
    assert school.get(f"/persons/{schools.other_pupil}").status_code == 403
    assert school.get(f"/api/persons/{schools.other_pupil}").status_code == 403
    # the other school's own user does see that pupil: the 404 is scope, not a missing page
    assert client_for("school_dsl_other").get(f"/pupils/{schools.other_pupil}").status_code \
        == 200


def test_a_school_cannot_find_another_schools_pupil_by_search(client_for, schools: Schools):
    other = client_for("school_dsl_other")
    name = _name_of(other, schools.other_pupil, "pupils")
    assert schools.other_pupil in other.get("/search", params={"name": name}).text
    school = client_for("school_dsl")
    assert schools.other_pupil not in school.get("/search", params={"name": name}).text
    found = school.get("/api/search", params={"name": name}).json()
    assert schools.other_pupil not in [f["person_id"] for f in found]


def test_a_school_cannot_export_or_annotate_another_schools_pupil(client_for,
                                                                  schools: Schools):
    school = client_for("school_dsl")
    assert school.get(f"/export/persons/{schools.other_pupil}.json",
                      params={"reason": "curious"}).status_code == 403
    assert school.get("/export/search.csv", params={"name": "a", "reason": "x"}
                      ).status_code == 403
    token = school.get(f"/pupils/{schools.my_pupil}").text.split('name="csrf_token" value="'
                                                                 )[1].split('"')[0]
    denied = school.post(f"/notes/person/{schools.other_pupil}",
                         data={"body": "note", "csrf_token": token})
    assert denied.status_code == 404


def test_a_school_sees_that_a_police_incident_happened_not_its_details(client_for,
                                                                        schools: Schools):
    school = client_for("school_dsl")
    responses = [school.get(f"/pupils/{schools.my_pupil}").text,
                 school.get(f"/api/pupils/{schools.my_pupil}").text]
    for text in responses:
        assert "Police incident recorded" in text
        assert "01632 960100" in text  # whom to contact
        assert "Police incident (" not in text  # the incident's type and role
        assert "NB-20" not in text  # no incident reference
        assert "health_ed" not in text and "council_tax" not in text  # hidden feeds


def test_the_police_see_their_own_incident_details(client_for, facts: Facts):
    police = client_for("police")
    text = police.get(f"/persons/{facts.police_person}").text
    assert "Police incident (" in text
    assert any(ref in text for ref in facts.incident_refs)
    assert police.get(f"/persons/{facts.no_police}").status_code == 404
    assert police.get(f"/api/persons/{facts.no_police}").status_code == 404


@pytest.mark.parametrize("user", ["early_help", "health", "data_team"])
def test_roles_with_a_police_summary_never_see_incident_details(client_for, facts: Facts,
                                                                 user: str):
    client = client_for(user)
    police_view = client_for("police").get(f"/api/persons/{facts.police_person}").json()
    families = [f"/families/{f['family_id']}" for f in police_view["families"]]
    assert families, "the police person is in a family"
    urls = [*families, *[f"/api{u}" for u in families],
            f"/persons/{facts.police_person}?reason=visit",
            f"/api/persons/{facts.police_person}?reason=visit",
            f"/search?name={_name_of(client_for('police'), facts.police_person, 'persons')}"]
    for url in urls:
        response = client.get(url)
        if response.status_code == 404:  # outside this role's scope: nothing shown at all
            continue
        assert response.status_code == 200, (url, response.status_code)
        assert "Police incident (" not in response.text
        assert not any(ref in response.text for ref in facts.incident_refs)


def test_early_help_sees_only_its_area(client_for, facts: Facts):
    team = client_for("early_help")
    assert team.get(f"/persons/{facts.inside_area}").status_code == 200
    assert team.get(f"/persons/{facts.outside_area}").status_code == 404
    assert team.get(f"/api/persons/{facts.outside_area}").status_code == 404
    assert team.get(f"/families/{facts.family}").status_code == 200
    assert team.get(f"/families/{facts.family_outside}").status_code == 404
    name = _name_of(client_for("data_team"), facts.outside_area, "persons")
    found = team.get("/api/search", params={"name": name}).json()
    assert facts.outside_area not in [f["person_id"] for f in found]
    export = team.get("/export/search.csv", params={"name": name, "reason": "caseload"})
    assert export.status_code == 200 and facts.outside_area not in export.text


def test_governance_reads_the_audit_but_no_records(client_for, facts: Facts):
    gov = client_for("governance")
    assert gov.get("/audit").status_code == 200
    assert gov.get("/search", params={"name": "smith"}).status_code == 403
    assert gov.get(f"/persons/{facts.inside_area}").status_code == 403
    assert gov.get("/api/search", params={"name": "smith"}).status_code == 403
    assert client_for("early_help").get("/audit").status_code == 403
    assert client_for("early_help").get("/review").status_code == 403


def test_nothing_is_served_without_signing_in(app, facts: Facts):
    from fastapi.testclient import TestClient

    with TestClient(app) as anonymous:
        page = anonymous.get(f"/persons/{facts.inside_area}", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        assert anonymous.get(f"/api/persons/{facts.inside_area}").status_code == 401
        assert anonymous.get("/export/search.csv?name=a&reason=x",
                             follow_redirects=False).status_code == 303
