"""Operation Encompass end to end: a domestic abuse incident delivered on a Saturday reaches
the school of the one child the victim has, due before Monday's school day, and no one else;
the school is shown only what it needs."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from famlink.engine import connect
from famlink.ingest import deliveries
from famlink.pipeline import run_stages
from famlink.project import Project

# a parent with exactly one child of school age, the child on a school roll this year
PARENT_SQL = """
WITH kids AS (
    SELECT r.person_id_a AS parent, r.person_id_b AS child FROM person_relationships r
    JOIN persons c ON c.person_id = r.person_id_b
    WHERE r.relationship = 'parent' AND c.date_of_birth BETWEEN '2010-08-01' AND '2021-08-01'),
only_child AS (SELECT parent FROM kids GROUP BY parent HAVING count(*) = 1),
rolls AS (SELECT m.person_id, arg_max(s.organisation_ref, s.event_date) AS urn
          FROM raw_school_census s JOIN person_membership m USING (record_id)
          WHERE s.event_date >= '2025-09-01' GROUP BY m.person_id)
SELECT p.first_name, p.surname, p.date_of_birth, a.address, a.postcode, k.child, r.urn
FROM only_child JOIN kids k USING (parent) JOIN persons p ON p.person_id = k.parent
JOIN current_addresses a ON a.person_id = k.parent JOIN rolls r ON r.person_id = k.child
WHERE p.date_of_birth IS NOT NULL AND p.first_name IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM household_members h JOIN household_members o
                  USING (household_id) JOIN persons x ON x.person_id = o.person_id
                  WHERE h.person_id = k.parent AND x.person_id <> k.child
                    AND x.date_of_birth > '2008-07-17')
ORDER BY k.parent LIMIT 1
"""


def _quiet(what: str, done: int, total: int) -> None:
    pass


def _incident(victim: tuple, tmp: Path) -> Path:
    first, surname, dob, address, postcode, *_ = victim
    common = {"incident_ref": "NB-2026-9000001", "occurred_date": "2026-07-17",
              "occurred_time": "21:30", "incident_type": "DOMESTIC INCIDENT", "age": "",
              "location": address}
    rows = [{**common, "row_ref": "NB-2026-9000001/01", "role": "VICTIM",
             "name": f"{surname}, {first.title()}", "dob": dob.strftime("%d/%m/%Y"),
             "gender": "", "home_address": address.title(), "home_postcode": postcode},
            {**common, "row_ref": "NB-2026-9000001/02", "role": "SUSPECT",
             "name": "QUINCEY-ARBUTHNOT, Derwent", "dob": "03/03/1979", "gender": "M",
             "home_address": "", "home_postcode": ""}]
    folder = tmp / "drops" / "2026-07-18" / "police_incidents"
    folder.mkdir(parents=True)
    (folder / "incidents-2026-07-18.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows))
    return folder.parent


@pytest.fixture
def delivered(town_copy: Project, tmp_path: Path) -> tuple[Project, tuple, list[tuple]]:
    con = connect(town_copy.warehouse_path)
    try:
        victim = con.execute(PARENT_SQL).fetchall()[0]
        before = con.execute("SELECT count(*) FROM alerts").fetchall()[0][0]
        deliveries.take(town_copy, _incident(victim, tmp_path))
        results = run_stages(town_copy, con, None, _quiet)
        assert all(r.ok for r in results)
        alerts = con.execute(
            "SELECT rule, person_id, recipient_role, scope_kind, scope_value, deadline_at, "
            "deadline_reason, message_json FROM alerts WHERE event_ref = 'NB-2026-9000001'"
        ).fetchall()
        assert con.execute("SELECT count(*) FROM alerts").fetchall()[0][0] == before + len(alerts)
    finally:
        con.close()
    return town_copy, victim, alerts


def test_the_childs_school_and_no_one_else_is_told_before_monday(delivered) -> None:
    _, victim, alerts = delivered
    *_, child, urn = victim
    assert [(a[0], a[1], a[2], a[3], a[4]) for a in alerts] == [
        ("operation_encompass", child, "school_dsl", "school", urn)]
    deadline, reason = alerts[0][5], alerts[0][6]
    assert str(deadline) == "2026-07-20 08:30:00"  # Friday night -> Monday 08:30
    assert "weekend" in reason


def test_the_school_sees_only_what_it_needs(delivered) -> None:
    _, _, alerts = delivered
    message = json.loads(alerts[0][7])
    assert set(message) == {"child_name", "child_dob", "school", "event_date", "event_time",
                            "event_ref", "child_present", "contact"}
    assert message["child_present"] is False
    assert "QUINCEY" not in json.dumps(message)  # never who else was involved


def test_an_event_raises_its_alert_once(delivered) -> None:
    project, _, alerts = delivered
    con = connect(project.warehouse_path)
    try:
        run_stages(project, con, ["alerts"], _quiet)
        again = con.execute("SELECT count(*) FROM alerts WHERE event_ref = 'NB-2026-9000001'"
                            ).fetchall()[0][0]
    finally:
        con.close()
    assert again == len(alerts)


def test_history_loaded_on_the_first_run_raises_nothing(linked_town: Project) -> None:
    con = duckdb.connect(str(linked_town.warehouse_path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM alerts").fetchall()[0][0] == 0
        assert con.execute("SELECT count(*) FROM alert_seen_events").fetchall()[0][0] == \
            con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    finally:
        con.close()
