"""access.yaml: the default loads; a bad file is refused with every problem named by file,
key and fix; a synthetic project ships with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from famlink.access.actions import ACTIONS
from famlink.access.roles import DEFAULT_ACCESS, load_access, project_access
from famlink.errors import ConfigError

BAD = """
roles:
  school_dsl:
    title: School
    actions: [search, veiw_pupil]
    scope: {kind: area}
    fields: {default: secret}
    colour: blue
"""


def test_the_default_declares_the_six_portal_roles():
    access = load_access(DEFAULT_ACCESS)
    assert set(access.roles) == {"early_help", "school_dsl", "police", "health", "data_team",
                                 "governance"}
    assert all(set(r.actions) <= set(ACTIONS) for r in access.roles.values())
    school = access.roles["school_dsl"]
    assert school.scope.kind == "school"
    assert school.visibility("police_incidents") == "summary"
    assert school.visibility("health_ed") == "hidden"
    assert school.visibility("school_attendance") == "full"


def test_a_bad_access_file_names_the_file_each_key_and_the_fix(tmp_path: Path):
    path = tmp_path / "access.yaml"
    path.write_text(BAD)
    with pytest.raises(ConfigError) as caught:
        load_access(path)
    text = str(caught.value)
    assert str(path) in text
    assert "roles.school_dsl.actions" in text and "did you mean 'view_pupil'" in text
    assert "roles.school_dsl.scope" in text and "postcode_districts" in text
    assert "roles.school_dsl.fields.default" in text
    assert "roles.school_dsl.colour" in text and "remove this key" in text
    assert len(caught.value.problems) == 4


def test_invalid_yaml_and_a_missing_file_are_named(tmp_path: Path):
    path = tmp_path / "access.yaml"
    path.write_text("roles: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_access(path)
    with pytest.raises(ConfigError, match=r"no access\.yaml"):
        load_access(tmp_path / "missing.yaml")


def test_a_project_without_access_yaml_uses_the_default(tmp_path: Path):
    assert set(project_access(tmp_path).roles) == set(load_access(DEFAULT_ACCESS).roles)
