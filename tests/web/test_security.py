"""Sign-in and request security: CSRF on every form, throttled sign-in, sessions that end,
secure headers and cookies, bearer tokens for the API, and the OpenAPI description."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import Facts, login_csrf, page_csrf, password, sign_in


def test_a_form_without_the_csrf_token_is_refused(client_for, facts: Facts):
    team = client_for("early_help")
    page = team.get(f"/persons/{facts.inside_area}")
    url = f"/notes/person/{facts.inside_area}"
    assert team.post(url, data={"body": "no token"}).status_code == 403
    assert team.post(url, data={"body": "bad", "csrf_token": "forged"}).status_code == 403
    assert "no token" not in team.get(f"/persons/{facts.inside_area}").text
    ok = team.post(url, data={"body": "Handover: visit booked", "csrf_token":
                              page_csrf(page.text)}, follow_redirects=False)
    assert ok.status_code == 303
    assert "Handover: visit booked" in team.get(f"/persons/{facts.inside_area}").text


def test_htmx_sends_the_token_as_a_header(client_for, facts: Facts):
    team = client_for("early_help")
    token = page_csrf(team.get(f"/persons/{facts.inside_area}").text)
    swapped = team.post(f"/notes/person/{facts.inside_area}", data={"body": "via htmx"},
                        headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert swapped.status_code == 200 and "via htmx" in swapped.text
    assert "<html" not in swapped.text  # a fragment for htmx to swap in


def test_sign_in_needs_the_login_forms_own_token(fresh_app):
    with TestClient(fresh_app) as client:
        refused = client.post("/login", data={"username": "police", "password":
                                              password("police"), "csrf_token": "x"})
        assert refused.status_code == 403


def test_repeated_failed_sign_ins_are_throttled(fresh_app):
    with TestClient(fresh_app) as client:
        for _ in range(5):
            wrong = client.post("/login", data={"username": "police", "password": "nope",
                                                "csrf_token": login_csrf(client)})
            assert wrong.status_code == 401
        blocked = client.post("/login", data={"username": "police", "password":
                                              password("police"),
                                              "csrf_token": login_csrf(client)})
        assert blocked.status_code == 429 and "Too many failed sign-ins" in blocked.text
        api = client.post("/api/session", json={"username": "police",
                                                 "password": password("police")})
        assert api.status_code == 429


def test_signing_out_ends_the_session(fresh_app, facts: Facts):
    client = sign_in(fresh_app, "police")
    page = client.get(f"/persons/{facts.police_person}")
    assert page.status_code == 200
    cookie = client.cookies.get("famlink_session")
    client.post("/logout", data={"csrf_token": page_csrf(page.text)})
    from famlink.access import audit

    assert audit.entries(fresh_app.state.runtime.state, limit=1)[0].action == "sign_out"
    with TestClient(fresh_app, cookies={"famlink_session": cookie}) as replay:
        assert replay.get(f"/persons/{facts.police_person}",
                          follow_redirects=False).status_code == 303


def test_secure_headers_and_cookie_flags(fresh_app):
    with TestClient(fresh_app) as client:
        response = client.post("/login", data={
            "username": "police", "password": password("police"),
            "csrf_token": login_csrf(client)}, follow_redirects=False)
        cookie = response.headers["set-cookie"]
        assert "famlink_session=" in cookie and "HttpOnly" in cookie
        assert "samesite=lax" in cookie.lower()
        page = client.get("/search")
    for header, value in (("x-frame-options", "DENY"), ("x-content-type-options", "nosniff"),
                          ("cache-control", "no-store"), ("referrer-policy", "no-referrer")):
        assert page.headers[header] == value
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_a_tampered_session_cookie_is_refused(fresh_app):
    with TestClient(fresh_app, cookies={"famlink_session": "forged.cookie.value"}) as client:
        assert client.get("/search", follow_redirects=False).status_code == 303


def test_partners_use_a_bearer_token_under_the_same_rules(fresh_app, facts: Facts):
    with TestClient(fresh_app) as client:
        wrong = client.post("/api/session", json={"username": "police", "password": "x"})
        assert wrong.status_code == 401
        token = client.post("/api/session", json={"username": "police", "password":
                                                  password("police")}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        assert client.get(f"/api/persons/{facts.police_person}", headers=auth).status_code \
            == 200
        assert client.get(f"/api/persons/{facts.no_police}", headers=auth).status_code == 404
        assert client.get("/api/review", headers=auth).status_code == 403
        assert client.get("/api/search?name=a", headers={
            "Authorization": "Bearer nonsense"}).status_code == 401


def test_the_api_is_described_by_openapi(fresh_app):
    with TestClient(fresh_app) as client:
        spec = client.get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/persons/{person_id}", "/api/families/{family_id}", "/api/search",
            "/api/pupils/{person_id}", "/api/session", "/api/review"} <= paths
    assert not any(p.startswith("/persons") for p in paths)  # pages are not API
