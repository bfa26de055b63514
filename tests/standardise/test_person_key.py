"""A feed's person_ref becomes match evidence as person_key: cleaned, and prefixed by its
numbering, so two feeds of one system compare and other feeds' numbers never do."""

from __future__ import annotations

from pathlib import Path

import pytest

from famlink.engine import connect
from famlink.errors import ConfigError
from famlink.pipeline import run_stages
from famlink.project import load_project

FEED = """\
source: {path: "incoming/%(name)s.csv"}
kind: person
record_id: ID
%(system)s
columns:
  person_ref: {from: ClientNo}
  first_name: {from: Forename}
  surname: {from: Surname}
"""


def _project(root: Path, feeds: dict[str, str | None]) -> Path:
    (root / "feeds").mkdir(parents=True)
    (root / "incoming").mkdir()
    (root / "famlink.yaml").write_text("name: test\n")
    for name, system in feeds.items():
        line = f"person_ref_system: {system}" if system else ""
        (root / "feeds" / f"{name}.yaml").write_text(FEED % {"name": name, "system": line})
        (root / "incoming" / f"{name}.csv").write_text(
            "ID,ClientNo,Forename,Surname\n1, ab-1234 ,Amy,Hope\n2,,Ben,Hope\n")
    return root


def _keys(root: Path) -> dict[tuple[str, str], str | None]:
    project = load_project(root)
    con = connect(project.warehouse_path)
    try:
        run_stages(project, con, ["ingest", "standardise"], lambda *a: None)
        rows = con.execute("SELECT feed, source_record_id, person_key FROM person_records")
        return {(f, r): k for f, r, k in rows.fetchall()}
    finally:
        con.close()


def test_person_ref_is_compared_within_its_numbering(tmp_path: Path) -> None:
    keys = _keys(_project(tmp_path / "p", {"case_a": "crm", "case_b": "crm", "yot": None}))
    assert keys[("case_a", "1")] == keys[("case_b", "1")] == "crm:AB1234"
    assert keys[("yot", "1")] == "yot:AB1234"  # default: the feed's own numbering
    assert keys[("case_a", "2")] is None


def test_a_numbering_name_must_be_plain(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="person_ref_system"):
        load_project(_project(tmp_path / "p", {"case_a": "crm'; drop"}))
