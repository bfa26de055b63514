"""Finding a person by any name their records give, and by date of birth."""

from __future__ import annotations

import datetime as dt

import pytest

from famlink.errors import FamlinkError
from famlink.views.find import find_persons, parse_dob


def test_finds_by_name_nickname_typo_and_middle_name(smiths):
    assert [f.person_id for f in find_persons(smiths, "jane smith")] == ["P1"]
    assert [f.person_id for f in find_persons(smiths, "Bob Jones")] == ["P4"]  # ROBERT
    assert [f.person_id for f in find_persons(smiths, "Jane Smyth")] == ["P1"]
    found = find_persons(smiths, "ann smith")
    assert [(f.person_id, f.matched_name) for f in found] == [("P1", "JANE ANN SMITH")]
    assert {f.person_id for f in find_persons(smiths, "smith")} == {"P1", "P2", "P3"}
    assert find_persons(smiths, "zebedee") == []


def test_date_of_birth_narrows_the_search(smiths):
    found = find_persons(smiths, "smith", dob=dt.date(2012, 9, 9))
    assert [(f.person_id, f.name, f.date_of_birth) for f in found] == [
        ("P3", "AMY SMITH", dt.date(2012, 9, 9))]
    assert [f.person_id for f in find_persons(smiths, "", dob=parse_dob("07/07/1983"))] == ["P2"]


def test_bad_searches_are_clear_errors(smiths):
    with pytest.raises(FamlinkError, match="give a name"):
        find_persons(smiths, "  ")
    with pytest.raises(FamlinkError, match="cannot read the date of birth 'soon'"):
        parse_dob("soon")
