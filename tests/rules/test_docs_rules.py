"""docs/rules.md shows a council how to write a rule: its YAML examples must load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from famlink.rules.rulebook import DEFAULTS, load_rulebook
from famlink.rules.schema import RuleFile

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC.read_text(), flags=re.S)


def test_the_guide_has_examples() -> None:
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.split(":")[0])
def test_each_example_is_a_valid_rule_file(block: str) -> None:
    RuleFile.model_validate(yaml.safe_load(block))


def test_the_examples_load_together_with_the_default_outcomes(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "0_outcomes.yaml").write_text((DEFAULTS / "outcomes.yaml").read_text())
    needs = {}
    for block in BLOCKS:
        needs.update(yaml.safe_load(block).get("needs", {}))
    (folder / "needs.yaml").write_text(yaml.safe_dump({"needs": needs}))
    book = load_rulebook(folder)
    assert set(book.needs) == {"missing_from_home", "poor_attendance"}
