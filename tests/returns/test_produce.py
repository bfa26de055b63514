"""Returns from templates: CSV and Excel with the same rows, evidence on every row, and an
append-only log of who produced what."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
from python_calamine import CalamineWorkbook

from famlink.access import audit
from famlink.errors import FamlinkError
from famlink.returns.log import returns_history
from famlink.returns.produce import produce_returns, sha256
from famlink.rules.rulebook import load_rulebook
from famlink.rules.stage import build_outcomes
from famlink.state.db import open_app_state

from ..rules.test_claims import _case, _three_needs
from ..rules.warehouse import REF, Fixture


@pytest.fixture
def warehouse() -> duckdb.DuckDBPyConnection:
    fx = Fixture()
    mum, _, _ = _three_needs(fx)
    _case(fx, mum, dt.date(2025, 10, 31))
    for family in ("F2", "F3"):  # eligible today, no case
        _, dad, _ = _three_needs(fx, family)
        for person, kind in ((dad, "police_incident"), (dad, "rent_arrears")):
            fx.event(person, kind, REF, role="SUSPECT", event_subtype="domestic_abuse")
        fx.event(dad, "police_incident", REF, role="SUSPECT", event_subtype="theft")
    con = duckdb.connect()
    fx.build(con)
    build_outcomes(con, load_rulebook(), REF)
    return con


def _text(value: object) -> str:
    """A cell as the CSV writes it (Excel keeps every number as a float)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_every_template_as_csv_and_excel_with_evidence(warehouse, tmp_path):
    engine = open_app_state(f"sqlite:///{tmp_path / 'state.sqlite'}")
    records = produce_returns(warehouse, load_rulebook(), tmp_path / "out", engine, by="sam")
    by_name = {r.template: r for r in records}
    identified = _csv(Path(by_name["families_identified"].csv_path))
    assert [r[0] for r in identified[1:]] == ["F2", "F3"]
    assert all(r[-1].count("test_feed:E") == 3 for r in identified[1:])
    claims = _csv(Path(by_name["claims"].csv_path))
    assert [r[0] for r in claims[1:]] == ["F1"] and claims[1][-1].startswith("test_feed:E")
    for record in records:
        rows = _csv(Path(record.csv_path))
        sheet = CalamineWorkbook.from_path(record.xlsx_path).get_sheet_by_index(0).to_python()
        assert [[_text(v) for v in r] for r in sheet] == rows
        assert sha256(Path(record.xlsx_path)) == record.xlsx_sha256
    log = returns_history(engine)
    assert [(r.template, r.rows, r.produced_by, r.reference_date) for r in log] == [
        (r.template, r.rows, "sam", REF) for r in records]
    produce_returns(warehouse, load_rulebook(), tmp_path / "again", engine,
                    templates=["claims"])
    assert len(returns_history(engine)) == len(records) + 1  # appended, never replaced
    # each production is also in the hash-chained audit log, with the files' hashes
    produced = audit.entries(engine, action="produce_return")[::-1]  # oldest first
    assert [(e.username, e.subject_id) for e in produced][:len(records)] == [
        ("sam", r.template) for r in records]
    assert [e.subject_id for e in produced][len(records):] == ["claims"]
    first = json.loads(produced[0].detail)
    assert first["csv_sha256"] == records[0].csv_sha256 and first["rows"] == records[0].rows
    assert audit.verify(engine).ok


def test_unknown_template_writes_and_logs_nothing(warehouse, tmp_path):
    engine = open_app_state(f"sqlite:///{tmp_path / 'state.sqlite'}")
    with pytest.raises(FamlinkError, match=r"unknown return template.*choose from"):
        produce_returns(warehouse, load_rulebook(), tmp_path / "out", engine,
                        templates=["claims", "nope"])
    assert returns_history(engine) == []
    assert audit.count(engine) == 0
    assert not (tmp_path / "out").exists()
