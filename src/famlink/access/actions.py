"""The actions a role can be granted (Datasette's actor -> action -> resource)."""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    "view_dashboard": "the dashboard of counts and charts",
    "search": "search for persons (results limited to the role's scope)",
    "view_person": "the person overview",
    "view_family": "the family overview",
    "view_pupil": "the school pupil overview",
    "export": "export search results or a record (asks for a reason)",
    "write_notes": "add notes on a person or family",
    "review_matches": "the review queue: confirm or split uncertain pairs",
    "view_quality": "the data-quality page per feed",
    "view_audit": "the audit viewer: who looked at whom, and when",
    "view_outcomes": "needs with their evidence, eligibility, scores and claim checks",
    "view_alerts": "the alerts inbox: alerts for the role and scope, to acknowledge",
    "see_escalations": "alerts in the role's area whose deadline passed unacknowledged",
}
