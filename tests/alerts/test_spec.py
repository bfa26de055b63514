"""Alert rules are validated on load, with the file and key of every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from famlink.alerts.spec import default_path, load_alerts
from famlink.errors import ConfigError

GOOD = """
alerts:
  missing_child:
    description: A child was reported missing.
    trigger: {event_types: [police_incident], subtypes: [missing_person]}
    subjects: {who: [involved], max_age: 17}
    recipients: [{role: school_dsl, scope: school, fallback_role: early_help}]
    shows: {school_dsl: [child_name, event_date], early_help: [child_name, child_age]}
    deadline: {next_school_day: true}
"""


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "alerts.yaml").write_text(text)
    return tmp_path


def test_the_defaults_load_and_a_project_file_replaces_them(tmp_path: Path) -> None:
    book, path = load_alerts(tmp_path)
    assert path == default_path()
    assert "operation_encompass" in book.alerts
    book, path = load_alerts(_write(tmp_path, GOOD))
    assert list(book.alerts) == ["missing_child"]
    assert path == tmp_path / "rules" / "alerts.yaml"


@pytest.mark.parametrize(("change", "key", "message"), [
    (("max_age: 17}", "max_age: 17, colour: red}"), "alerts.missing_child.subjects.colour",
     "Extra inputs"),
    (("[child_name, event_date]", "[child_name, home_address]"),
     "alerts.missing_child.shows.school_dsl.1", "Input should be"),
    (("early_help: [child_name, child_age]", "police: [child_name]"),
     "alerts.missing_child", "no fields listed for recipient role(s) ['early_help']"),
    (("{next_school_day: true}", "{next_school_day: true, hours: 4}"),
     "alerts.missing_child.deadline", "either next_school_day"),
    (("scope: school,", "scope: county,"), "alerts.missing_child.recipients.0.scope",
     "Input should be"),
])
def test_a_bad_rule_names_file_and_key(tmp_path: Path, change: tuple[str, str], key: str,
                                       message: str) -> None:
    root = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load_alerts(root)
    text = str(caught.value)
    assert str(root / "rules" / "alerts.yaml") in text
    assert f": {key}:" in text
    assert message in text
