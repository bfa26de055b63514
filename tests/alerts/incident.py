"""A domestic abuse incident to deliver in tests: a victim with one child of school age (on
a school roll this year), chosen from a linked town, and the police file that reports it."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

VICTIM_SQL = """
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
JOIN current_addresses ca ON ca.person_id = k.child
WHERE p.date_of_birth IS NOT NULL AND p.first_name IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM household_members h JOIN household_members o
                  USING (household_id) JOIN persons x ON x.person_id = o.person_id
                  WHERE h.person_id = k.parent AND x.person_id <> k.child
                    AND x.date_of_birth > '2008-07-17')
  AND (? IS NULL OR list_contains(?, split_part(ca.postcode, ' ', 1)))
ORDER BY k.parent LIMIT 1
"""


def pick_victim(con: duckdb.DuckDBPyConnection, districts: list[str] | None = None) -> tuple:
    """(first name, surname, dob, address, postcode, child person id, child's school)."""
    rows = con.execute(VICTIM_SQL, [districts, districts]).fetchall()
    assert rows, "the test town needs a parent of one school-age child on a roll"
    return rows[0]


def deliver(victim: tuple, drops: Path, ref: str, *, suspect: bool = True) -> Path:
    """A delivery folder with the incident (Friday 17 July 2026, 21:30) as police send it."""
    first, surname, dob, address, postcode, *_ = victim
    common = {"incident_ref": ref, "occurred_date": "2026-07-17", "occurred_time": "21:30",
              "incident_type": "DOMESTIC INCIDENT", "age": "", "location": address}
    rows = [{**common, "row_ref": f"{ref}/01", "role": "VICTIM",
             "name": f"{surname}, {first.title()}", "dob": dob.strftime("%d/%m/%Y"),
             "gender": "", "home_address": address.title(), "home_postcode": postcode}]
    if suspect:
        rows.append({**common, "row_ref": f"{ref}/02", "role": "SUSPECT",
                     "name": "QUINCEY-ARBUTHNOT, Derwent", "dob": "03/03/1979", "gender": "M",
                     "home_address": "", "home_postcode": ""})
    folder = drops / "2026-07-18" / "police_incidents"
    folder.mkdir(parents=True)
    (folder / "incidents-2026-07-18.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows))
    return folder.parent
