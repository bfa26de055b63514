"""The web app on each state database: sign in, read, write a note, and an intact audit
chain, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from famlink.access import audit
from tests.state.databases import KINDS, database_url
from tests.web.conftest import Facts, new_app, page_csrf, sign_in


@pytest.fixture(params=KINDS)
def any_state_url(request, tmp_path) -> Iterator[str]:
    yield from database_url(request.param, tmp_path)


def test_the_portal_keeps_its_state_in_either_database(any_state_url, web_town, schools,
                                                       facts: Facts):
    app = new_app(web_town, any_state_url, schools.mine, schools.other)
    with sign_in(app, "early_help") as team:
        page = team.get(f"/persons/{facts.inside_area}")
        assert page.status_code == 200
        team.post(f"/notes/person/{facts.inside_area}",
                  data={"body": "Seen at school gate", "visible_to": ["school_dsl"],
                        "csrf_token": page_csrf(page.text)})
        assert "Seen at school gate" in team.get(f"/persons/{facts.inside_area}").text
    engine = app.state.runtime.state
    actions = [e.action for e in audit.entries(engine)]
    # the note form redirects back to the page, so the person is viewed a second time
    assert actions == ["view_person", "view_person", "add_note", "view_person", "sign_in"]
    assert audit.verify(engine).ok
    engine.dispose()
