"""The Python example in docs/chronology.md runs, on the hand-made Smiths."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "chronology.md"


def test_the_python_api_example_runs(smiths):
    [block] = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    scope: dict = {"con": smiths, "dt": dt}
    exec(block, scope)
    assert scope["view"].name == "JANE SMITH"
    assert [e.event_type for e in scope["police"]] == ["police_incident"]
    assert scope["family"].family_id == "F1"
    assert {e.member_name for e in scope["merged"]} == {"JANE SMITH", "JOHN SMITH", "AMY SMITH"}
