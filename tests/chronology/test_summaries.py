"""One readable line per event: a template per event type, a generic one for the rest."""

from __future__ import annotations

import datetime as dt

import pytest

from famlink.chronology.summaries import SUMMARIES, template_sql
from famlink.synthetic.feeds import FEEDS

D = dt.date
CASES = [
    ({"event_type": "attendance", "period": "2024/25 Autumn", "sessions_possible": 140,
      "sessions_authorised": 8, "sessions_unauthorised": 17, "organisation_ref": "9994002"},
     "Attendance 2024/25 Autumn: 82.1% (17 unauthorised sessions) at Beckside College"),
    ({"event_type": "attendance", "period": "2024/25 Spring", "sessions_possible": 100,
      "sessions_authorised": 0, "sessions_unauthorised": 0, "organisation_ref": "1234567"},
     "Attendance 2024/25 Spring: 100.0% at school 1234567"),
    ({"event_type": "school_census_return", "period": "2025/26 Autumn",
      "organisation_ref": "9994002", "organisation_name": "Beckside College",
      "details": '{"x_nc_year":"7"}'},
     "School census 2025/26 Autumn: Beckside College, year 7"),
    ({"event_type": "suspension", "organisation_ref": "9994002", "reason": "VP",
      "details": '{"x_sessions":2,"x_reason_2":"DB","x_reason_3":null}'},
     "Suspension from Beckside College: 2 sessions, reason VP (verbal abuse or threatening "
     "behaviour against a pupil); DB (persistent or general disruptive behaviour)"),
    ({"event_type": "permanent_exclusion", "organisation_ref": "9994002", "reason": "ZZ"},
     "Permanent exclusion from Beckside College, reason ZZ"),
    ({"event_type": "police_incident", "event_subtype": "domestic_abuse", "role": "VICTIM"},
     "Police incident (domestic abuse): VICTIM"),
    ({"event_type": "police_incident", "event_subtype": "asb"},
     "Police incident (anti-social behaviour)"),
    ({"event_type": "emergency_attendance", "event_subtype": "injury",
      "reason": "INJURY - FALL"}, "A&E attendance (injury): INJURY - FALL"),
    ({"event_type": "benefit_claim", "event_subtype": "universal_credit", "role": "claimant",
      "event_end_date": D(2022, 11, 15)},
     "Benefit claim: universal credit as claimant, until 2022-11-15"),
    ({"event_type": "council_tax_account", "event_ref": "40000471", "category": "C"},
     "Council tax account 40000471, band C"),
    ({"event_type": "tenancy", "event_ref": "TEN1", "role": "Lead Tenant",
      "details": '{"x_tenancy_end":"2021-04-03"}'},
     "Tenancy TEN1 as Lead Tenant, ended 2021-04-03"),
    ({"event_type": "rent_arrears", "event_ref": "TEN1", "amount": 1767.06},
     "Rent arrears on tenancy TEN1: £1,767.06"),
    ({"event_type": "notice_seeking_possession", "event_ref": "TEN1", "category": "NOSP",
      "amount": 1302.92}, "Notice seeking possession (NOSP) on tenancy TEN1, arrears £1,302.92"),
    ({"event_type": "eviction", "event_ref": "TEN1", "category": "WARRANT"},
     "Eviction (WARRANT) from tenancy TEN1"),
    ({"event_type": "social_care_referral", "role": "Child", "organisation_name": "MASH"},
     "Referral to children's social care as Child (MASH)"),
    ({"event_type": "child_in_need", "role": "Carer", "event_end_date": D(2021, 7, 8)},
     "Child in need as Carer, until 2021-07-08"),
    ({"event_type": "child_protection_plan", "category": "Neglect", "role": "Child"},
     "Child protection plan (Neglect) as Child"),
    ({"event_type": "looked_after", "role": "Child", "organisation_name": "Children in Care"},
     "Looked after as Child (Children in Care)"),
    ({"event_type": "youth_offence", "category": "Robbery", "status": "Community Resolution"},
     "Youth offence: Robbery; outcome Community Resolution"),
    # Another council's feed: the generic summary from whatever fields it fills.
    ({"event_type": "early_help_assessment", "event_subtype": "family_support",
      "status": "Open", "organisation_name": "Locality Team North"},
     "Early help assessment (family support); Open at Locality Team North"),
    ({"event_type": "foster_placement"}, "Foster placement"),
    ({}, "?"),
    # A summary the feed gives itself wins.
    ({"event_type": "police_incident", "summary": "Concern raised by neighbour"},
     "Concern raised by neighbour"),
]


@pytest.mark.parametrize(("fields", "expected"), CASES,
                         ids=[f"{c[0].get('event_type', 'none')}-{i}"
                              for i, c in enumerate(CASES)])
def test_summary(con, build, fields, expected):
    # The school's name comes from another feed that gives code and name together.
    build([{"person_id": "P1", "event_date": dt.date(2024, 1, 1), **fields},
           {"person_id": "P2", "event_date": dt.date(2024, 1, 1), "organisation_ref": "9994002",
            "organisation_name": "Beckside College", "event_type": "school_census_return"}])
    [(summary,)] = con.execute("SELECT summary FROM chronology WHERE person_id = 'P1'").fetchall()
    assert summary == expected


def _synthetic_event_types() -> set[str]:
    types = set()
    for module in FEEDS:
        spec = module.SPEC["columns"].get("event_type")
        if spec is not None:
            types |= {spec["value"]} if "value" in spec else set(spec["map"].values())
    return types


def test_every_synthetic_event_type_has_its_own_template():
    assert _synthetic_event_types() - set(SUMMARIES) == set()


def test_a_template_naming_an_unknown_field_or_format_fails_clearly():
    with pytest.raises(ValueError, match="unknown field 'colour'"):
        template_sql("Event {colour}")
    with pytest.raises(ValueError, match="unknown format 'shout'"):
        template_sql("Event {role|shout}")
