"""The README and docs say what the code does: their examples are run here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from famlink.access.roles import AccessConfig
from famlink.alerts.spec import AlertBook
from famlink.cli.main import app
from famlink.link.settings import MatchingConfig
from famlink.project import Feed, ProjectSettings

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _yaml_blocks(path: Path) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", path.read_text(), flags=re.S)


@pytest.mark.parametrize("path", [p for p in DOCS if _yaml_blocks(p)], ids=lambda p: p.name)
def test_feed_examples_validate(path):
    for block in _yaml_blocks(path):
        data = yaml.safe_load(block)
        if "source" in data:
            Feed.model_validate(data)
        elif "thresholds" in data or "blocking" in data:
            MatchingConfig.model_validate(data)
        elif "households" in data or "reference_date" in data:
            ProjectSettings.model_validate(data)
        elif "alerts" in data:
            AlertBook.model_validate(data)
        elif "roles" in data:
            AccessConfig.model_validate(data)


def test_quick_start_is_two_commands_that_exist():
    text = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start.*?```bash\n(.*?)```", text, flags=re.S)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines()
                if line.strip()]
    assert commands == ["./scripts/demo", "./scripts/test"]
    for command in commands:
        script = ROOT / command
        assert script.exists() and script.stat().st_mode & 0o111, command


def test_readme_lists_every_command():
    text = (ROOT / "README.md").read_text()
    names = {c.name or c.callback.__name__ for c in app.registered_commands}
    missing = [n for n in names if f"famlink {n}" not in text]
    assert not missing, f"README does not mention: {missing}"


def test_ci_runs_the_readme_test_command():
    assert "./scripts/test" in (ROOT / ".ci" / "run").read_text()
