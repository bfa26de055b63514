from __future__ import annotations

import pytest

from famlink.errors import ConfigError
from famlink.project import load_project

GOOD_FEED = """\
source: {path: "incoming/*.csv"}
columns:
  first_name: {from: Forename}
"""


def _project(tmp_path, feeds: dict[str, str], settings: str = "name: t\n"):
    (tmp_path / "feeds").mkdir()
    (tmp_path / "famlink.yaml").write_text(settings)
    for name, text in feeds.items():
        (tmp_path / "feeds" / f"{name}.yaml").write_text(text)
    return tmp_path


def test_valid_project_loads(tmp_path):
    project = load_project(_project(tmp_path, {"people": GOOD_FEED}))
    assert list(project.feeds) == ["people"]
    assert project.feeds["people"].parse_of("first_name") == "text"


def test_every_problem_in_every_file_is_reported_at_once(tmp_path):
    root = _project(tmp_path, {
        "a": GOOD_FEED.replace("first_name", "frist_name"),
        "b": GOOD_FEED + "colour: blue\n",
        "c": "source: {path: x, format: docx}\ncolumns: {}\n",
        "d": "source: [unclosed\n",
        "e": GOOD_FEED.replace("{from: Forename}", "{from: A, value: B}"),
    }, settings="name: t\nwarehous: x.duckdb\n")
    with pytest.raises(ConfigError) as err:
        load_project(root)
    text = str(err.value)
    problems = {(p.path.name, p.key) for p in err.value.problems}
    assert ("famlink.yaml", "warehous") in problems
    assert ("a.yaml", "columns") in problems and "did you mean 'first_name'" in text
    assert ("b.yaml", "colour") in problems and "remove this key" in text
    assert ("c.yaml", "source.format") in problems
    assert ("d.yaml", "line 2") in problems and "not valid YAML" in text
    assert ("e.yaml", "columns.first_name") in problems and "exactly one of" in text


def test_bad_encoding_and_delimiter_are_explained(tmp_path):
    root = _project(tmp_path, {"p": GOOD_FEED.replace(
        'path: "incoming/*.csv"', 'path: x, encoding: klingon, delimiter: ";;"')})
    with pytest.raises(ConfigError) as err:
        load_project(root)
    text = str(err.value)
    assert "unknown encoding 'klingon'" in text and "exactly one character" in text


def test_missing_project_file_and_bad_feed_name(tmp_path):
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "Bad Name.yaml").write_text(GOOD_FEED)
    with pytest.raises(ConfigError) as err:
        load_project(tmp_path)
    keys = {p.key for p in err.value.problems}
    assert keys == {"(file)", "(file name)"}
