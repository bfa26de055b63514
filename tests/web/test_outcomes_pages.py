"""Needs, eligibility and scores on the family and person pages: shown to the roles that may
see outcomes, with evidence from feeds the role sees only in summary withheld."""

from __future__ import annotations

from famlink.project import Project
from famlink.snapshot import open_snapshot

# a family in the early help area with a need evidenced by a police incident
POLICE_FLAG_SQL = """
SELECT v.family_id, v.person_id, v.source_record_id FROM flag_evidence v
JOIN family_members m ON m.family_id = v.family_id
JOIN current_addresses a ON a.person_id = m.person_id
WHERE v.feed = 'police_incidents'
  AND list_contains(['NB1', 'NB2', 'NB3', 'NB4', 'NB5', 'NB6'],
                    upper(split_part(a.postcode, ' ', 1)))
ORDER BY v.family_id LIMIT 1
"""


def _police_flag(project: Project) -> tuple[str, str, str]:
    con = open_snapshot(project)
    try:
        rows = con.execute(POLICE_FLAG_SQL).fetchall()
    finally:
        con.close()
    assert rows, "the test town needs a need evidenced by a police incident in the area"
    return rows[0]


def test_early_help_sees_needs_with_police_evidence_withheld(web_town, client_for) -> None:
    family, person, incident_row = _police_flag(web_town)
    page = client_for("early_help").get(f"/families/{family}")
    assert page.status_code == 200
    assert 'data-testid="flags"' in page.text and 'data-testid="eligibility"' in page.text
    assert "Police incident recorded; details withheld" in page.text
    assert incident_row not in page.text and incident_row.split("/")[0] not in page.text
    person_page = client_for("early_help").get(f"/persons/{person}")
    assert 'data-testid="flags"' in person_page.text


def test_the_data_team_sees_needs_and_the_police_see_none(web_town, client_for) -> None:
    family, person, _ = _police_flag(web_town)
    assert 'data-testid="flags"' in client_for("data_team").get(f"/families/{family}").text
    police = client_for("police").get(f"/persons/{person}")
    assert police.status_code == 200
    assert "Your role does not see needs and outcomes" in police.text
    assert 'data-testid="flags"' not in police.text
