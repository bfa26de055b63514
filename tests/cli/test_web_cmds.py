"""`famlink users ...` and the demo's users: passwords printed once, roles checked against
access.yaml, a school role needs its school."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from famlink.cli.main import app
from famlink.link.decisions import state_url
from famlink.state import accounts
from famlink.state.db import open_app_state


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder (settings and feeds only) for the account commands."""
    from famlink.synthetic.feeds import school_census
    from famlink.synthetic.project_template import write_project

    folder = tmp_path / "project"
    write_project(folder, [school_census])
    return folder


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_users_add_list_reset_disable(project: Path):
    code, out = run("users", "add", "Alice", "--role", "early_help", "-p", str(project))
    assert code == 0, out
    first = re.search(r"shown once\): (\S+)", out).group(1)
    engine = open_app_state(state_url(project))
    assert accounts.authenticate(engine, "alice", first, "cli") is not None
    code, out = run("users", "list", "-p", str(project))
    assert "alice" in out and "early_help" in out
    code, out = run("users", "reset", "alice", "-p", str(project))
    second = re.search(r"shown once\): (\S+)", out).group(1)
    assert accounts.authenticate(engine, "alice", first, "cli") is None
    assert accounts.authenticate(engine, "alice", second, "cli") is not None
    assert run("users", "disable", "alice", "-p", str(project))[0] == 0
    assert accounts.authenticate(engine, "alice", second, "cli") is None


def test_unknown_roles_and_schoolless_school_users_are_refused(project: Path):
    code, out = run("users", "add", "bob", "--role", "teacher", "-p", str(project))
    assert code == 1 and "no role 'teacher'" in out and "school_dsl" in out
    code, out = run("users", "add", "bob", "--role", "school_dsl", "-p", str(project))
    assert code == 1 and "--school" in out
    assert run("users", "disable", "nobody", "-p", str(project))[0] == 1


def test_a_synthetic_project_ships_access_yaml(project: Path):
    from famlink.access.roles import DEFAULT_ACCESS

    assert (project / "access.yaml").read_text() == DEFAULT_ACCESS.read_text()


def test_migrate_reports_the_revision(project: Path):
    code, out = run("migrate", "-p", str(project))
    assert code == 0 and "migration 0002" in out


def test_serve_refuses_a_bad_access_file_naming_file_and_key(project: Path):
    (project / "access.yaml").write_text("roles:\n  police:\n    title: Police\n"
                                         "    actions: [search]\n    scope: {kind: feeds}\n")
    code, out = run("serve", "-p", str(project), "--port", "8999")
    assert code == 1
    assert "access.yaml" in out and "roles.police.scope" in out and "feeds" in out
