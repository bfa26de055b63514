"""record_groups from ``distinct_people_within``: one field, or several joined by '+'."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from famlink.errors import FamlinkError
from tests.ingest.conftest import ProjectMaker

# A tenancy report: the tenancy's first rows list its household, one row each; the later
# rows (arrears) name the tenant again.
TENANCY_FEED = """\
source: {path: "incoming/tenancies/*.csv"}
kind: event
record_id: Line
columns:
  event_ref: {from: Tenancy}
  event_type: {from: Event}
  event_date: {from: Date}
  first_name: {from: Forename}
  surname: {from: Surname}
  x_listed: {from: Event, map: {tenancy: listed}, map_unknown: "null"}
distinct_people_within: [%s]
"""
ROWS = """Line,Tenancy,Event,Date,Forename,Surname
1,T1,tenancy,2019-09-01,Paul,Clark
2,T1,tenancy,2019-09-01,Paul,Clark
3,T1,tenancy,2019-09-01,Amy,Clark
4,T1,arrears,2021-04-04,Amy,Clark
5,T1,arrears,2022-06-01,Amy,Clark
6,T2,tenancy,2019-09-01,Jo,Reed
"""


def _groups(tmp_path: Path, within: str) -> dict[str, set[str]]:
    maker = ProjectMaker(tmp_path / "proj")
    maker.feed("tenancies", TENANCY_FEED % within)
    maker.file("incoming/tenancies/t.csv", ROWS)
    project = maker.standardised()
    con = duckdb.connect(str(project.warehouse_path), read_only=True)
    try:
        rows = con.execute("SELECT group_key, record_id FROM record_groups "
                           "WHERE record_id LIKE 'tenancies:%'").fetchall()
    finally:
        con.close()
    out: dict[str, set[str]] = {}
    for key, rid in rows:
        out.setdefault(key, set()).add(rid.split(":")[1])
    return out


def test_rows_sharing_every_field_of_a_joined_entry_are_different_people(tmp_path):
    groups = _groups(tmp_path, "event_ref+event_type+event_date")
    assert sorted(map(sorted, groups.values())) == [["1", "2", "3"], ["4"], ["5"], ["6"]]
    # the two Paul Clarks on one household list (a father and son) are two people; the
    # arrears rows naming the tenant again are no evidence against her being one person


def test_a_row_with_a_field_of_the_entry_empty_is_in_no_group(tmp_path):
    # x_listed is mapped on the tenancy's household rows only
    groups = _groups(tmp_path, "event_ref+x_listed")
    assert sorted(map(sorted, groups.values())) == [["1", "2", "3"], ["6"]]


def test_one_field_groups_every_row_of_the_tenancy(tmp_path):
    groups = _groups(tmp_path, "event_ref")
    assert sorted(map(sorted, groups.values())) == [["1", "2", "3", "4", "5"], ["6"]]


def test_an_unmapped_field_in_a_joined_entry_is_named(tmp_path):
    with pytest.raises(FamlinkError, match=r"tenancies.*'event_kind'.*event_ref\+event_kind"):
        _groups(tmp_path, "event_ref+event_kind")
