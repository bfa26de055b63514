"""The demo's accounts: one per role in access.yaml, the school user on the busiest school's
roll, each password working; running the demo again gives new passwords."""

from __future__ import annotations

from famlink.cli.web_cmds import create_demo_users
from famlink.state import accounts
from famlink.state.db import project_app_state
from tests.web.conftest import ROLES


def test_one_user_per_role_with_a_working_password(web_town):
    made = create_demo_users(web_town)
    assert [m[1] for m in made] == list(ROLES)
    engine = project_app_state(web_town)
    for user, role, school, secret in made:
        account = accounts.authenticate(engine, user, secret, "demo")
        assert account is not None and account.role == role
        assert bool(school) == (role == "school_dsl")
    again = dict((m[0], m[3]) for m in create_demo_users(web_town))
    first = dict((m[0], m[3]) for m in made)
    assert accounts.authenticate(engine, "police", first["police"], "demo") is None
    assert accounts.authenticate(engine, "police", again["police"], "demo") is not None
