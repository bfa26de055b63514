"""Rule files are validated on load: every problem names the file, the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from famlink.errors import ConfigError
from famlink.rules.rulebook import DEFAULTS, load_rulebook, rules_folder

GOOD_NEED = """
needs:
  truancy:
    outcome: education
    scope: person
    where:
      - {field: event_type, op: "=", value: attendance}
    window: {months: 6}
    threshold: {op: ">=", value: 1}
"""
OUTCOMES = "outcomes:\n  education: {name: Getting a good education}\n"


def _folder(tmp_path: Path, needs: str, extra: str = "") -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "outcomes.yaml").write_text(OUTCOMES + extra)
    (folder / "needs.yaml").write_text(needs)
    return folder


def _problems(folder: Path) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load_rulebook(folder)
    return [str(p) for p in err.value.problems]


def test_defaults_load_with_ten_headline_outcomes() -> None:
    book = load_rulebook(DEFAULTS)
    assert len(book.outcomes) == 10
    assert book.framework.version == "2022-25"
    assert "Crime prevention and tackling crime" in book.outcomes["crime"].aliases
    assert {n.outcome for n in book.needs.values()} <= set(book.outcomes)


def test_a_good_file_loads(tmp_path: Path) -> None:
    book = load_rulebook(_folder(tmp_path, GOOD_NEED))
    assert list(book.needs) == ["truancy"]
    assert book.needs["truancy"].name == "truancy"


def test_project_without_rules_uses_the_defaults(tmp_path: Path) -> None:
    assert rules_folder(tmp_path) == DEFAULTS
    (tmp_path / "rules").mkdir()
    assert rules_folder(tmp_path) == DEFAULTS
    (tmp_path / "rules" / "x.yaml").write_text(GOOD_NEED)
    assert rules_folder(tmp_path) == tmp_path / "rules"


def test_unknown_field_names_file_key_and_a_close_match(tmp_path: Path) -> None:
    folder = _folder(tmp_path, GOOD_NEED.replace("field: event_type", "field: evnt_type"))
    [problem] = _problems(folder)
    assert str(folder / "needs.yaml") in problem
    assert "needs.truancy.where.0.field" in problem
    assert "unknown field 'evnt_type': did you mean 'event_type'?" in problem


def test_bad_operator(tmp_path: Path) -> None:
    folder = _folder(tmp_path, GOOD_NEED.replace('op: "="', "op: equals"))
    [problem] = _problems(folder)
    assert "needs.yaml: needs.truancy.where.0.op:" in problem
    assert "'in'" in problem and "use one of the values listed" in problem


def test_missing_threshold(tmp_path: Path) -> None:
    folder = _folder(tmp_path, GOOD_NEED.replace('    threshold: {op: ">=", value: 1}\n', ""))
    [problem] = _problems(folder)
    assert "needs.yaml: needs.truancy.threshold: Field required -> add this key" in problem


def test_every_problem_in_every_file_at_once(tmp_path: Path) -> None:
    bad = (GOOD_NEED.replace("months: 6", "months: 6, terms: 2")
           .replace("outcome: education", "outcome: educaton")
           .replace("scope: person", "scope: person\n    colour: red"))
    scenario = "scenarios:\n  mine: {weights: {truancyy: 2}}\n"
    problems = _problems(_folder(tmp_path, bad, extra=scenario))
    text = "\n".join(problems)
    assert "needs.truancy.window: give exactly one of months, days or terms" in text
    assert "needs.truancy.colour: Extra inputs are not permitted" in text
    # cross-references are checked only once every file parses
    assert "educaton" not in text
    fixed = bad.replace("\n    colour: red", "").replace(", terms: 2", "")
    (tmp_path / "rules" / "needs.yaml").write_text(fixed)
    text = "\n".join(_problems(tmp_path / "rules"))
    assert "needs.truancy.outcome: unknown outcome 'educaton' -> did you mean 'education'?" \
        in text
    assert "outcomes.yaml: scenarios.mine.weights.truancyy: unknown need 'truancyy'" in text


def test_a_key_defined_twice_is_an_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, GOOD_NEED)
    (folder / "more.yaml").write_text(GOOD_NEED)
    [problem] = _problems(folder)
    assert "needs.truancy: also defined in" in problem


def test_not_yaml_and_not_a_mapping(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "needs: [unclosed\n")
    (folder / "list.yaml").write_text("- a\n- b\n")
    text = "\n".join(_problems(folder))
    assert "needs.yaml: (file): not valid YAML" in text
    assert "list.yaml: (top level): expected a mapping of keys" in text


def test_in_needs_a_list_and_measure_fields_are_numeric(tmp_path: Path) -> None:
    bad = GOOD_NEED.replace('op: "=", value: attendance', "op: in, value: attendance") + \
        "    measure: {kind: sum, field: role}\n"
    text = "\n".join(_problems(_folder(tmp_path, bad)))
    assert "op 'in' needs a list as value" in text
    assert "unknown numeric field 'role'" in text


def test_famlink_validate_checks_the_rules_too(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from famlink.cli.main import app

    from ..ingest.conftest import ProjectMaker

    maker = ProjectMaker(tmp_path / "p")
    result = CliRunner().invoke(app, ["validate", "-p", str(maker.root)])
    assert result.exit_code == 0 and "rules: 10 needs under 10 outcomes" in result.output
    _folder(maker.root, GOOD_NEED.replace('op: "="', "op: equals"))
    result = CliRunner().invoke(app, ["validate", "-p", str(maker.root)])
    assert result.exit_code == 1
    assert "needs.yaml: needs.truancy.where.0.op" in result.output.replace("\n", "")


def test_a_broken_outcomes_file_does_not_cascade(tmp_path: Path) -> None:
    folder = _folder(tmp_path, GOOD_NEED, extra="eligibility: {min_neds: 3}\n")
    [problem] = _problems(folder)
    assert "outcomes.yaml: eligibility.min_neds: Extra inputs are not permitted" in problem
