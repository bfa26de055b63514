"""Identical records collapse into one link profile, but not across what tells people apart."""

from __future__ import annotations

from pathlib import Path

import duckdb

from famlink.link import stage
from tests.ingest.conftest import ProjectMaker

INCIDENTS = """\
source: {path: "incoming/incidents/*.csv"}
kind: event
record_id: Line
max_age: 17
max_age_roles: [CHILD PRESENT]
distinct_people_within: [event_ref]
columns:
  event_ref: {from: Incident}
  event_type: {value: police_incident}
  event_date: {from: Date}
  role: {from: Role}
  first_name: {from: Forename}
  surname: {from: Surname}
  date_of_birth: {from: DOB}
  address: {from: Address}
  postcode: {from: Postcode}
"""
ROWS = """Line,Incident,Date,Role,Forename,Surname,DOB,Address,Postcode
1,I1,2024-10-01,SUSPECT,Martin,Wells,,23 Malt Gardens,NB6 3BF
2,I2,2024-10-12,CHILD PRESENT,Martin,Wells,,23 Malt Gardens,NB6 3BF
3,I3,2024-11-02,SUSPECT,Martin,Wells,,23 Malt Gardens,NB6 3BF
4,I4,2024-12-01,VICTIM,Jo,Reed,1990-01-02,4 Mill Lane,NB3 2AD
5,I4,2024-12-01,VICTIM,Jo,Reed,1990-01-02,4 Mill Lane,NB3 2AD
6,I5,2024-12-01,VICTIM,J,Reed,,4 Mill Lane,NB3 2AD
7,I5,2024-12-01,WITNESS,J,Reed,,4 Mill Lane,NB3 2AD
"""


def _profiles(tmp_path: Path) -> dict[str, str]:
    maker = ProjectMaker(tmp_path / "proj")
    maker.feed("incidents", INCIDENTS)
    maker.file("incoming/incidents/a.csv", ROWS)
    project = maker.standardised()
    con = duckdb.connect(str(project.warehouse_path))
    try:
        con.execute(stage.LINK_RECORDS_SQL)
        rows = con.execute("SELECT record_id, profile_id FROM _tmp_link_records "
                           "WHERE record_id LIKE 'incidents:%'").fetchall()
    finally:
        con.close()
    return {r.split(":")[1]: p.split(":")[1] for r, p in rows}


def test_records_collapse_but_not_across_a_childs_role_or_within_a_group(tmp_path):
    profile = _profiles(tmp_path)
    # the father's two incidents are one profile; the boy present at another is not in it
    assert profile["1"] == profile["3"] == "1"
    assert profile["2"] == "2"
    # one victim written twice on one incident, with a date of birth: one person's row twice
    assert profile["4"] == profile["5"]
    # two "J REED" with no date of birth on one incident are two people
    assert profile["6"] != profile["7"]
