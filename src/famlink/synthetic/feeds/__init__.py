"""One module per source feed; each declares NAME, QUALITY, SPEC (its feeds/<name>.yaml)
and ``generate(ctx)``, which streams rows to ``incoming/<name>/`` and reports each row to
the truth writer."""

from __future__ import annotations

from types import ModuleType

from famlink.synthetic.feeds import (
    council_tax,
    dwp_benefits,
    early_help_cases,
    gazetteer_feed,
    health_ed,
    housing,
    police_incidents,
    school_attendance,
    school_census,
    school_exclusions,
    social_care,
    youth_offending,
)

FEEDS: list[ModuleType] = [gazetteer_feed, school_census, school_attendance, school_exclusions,
                           police_incidents, social_care, health_ed, dwp_benefits, housing,
                           council_tax, youth_offending, early_help_cases]
