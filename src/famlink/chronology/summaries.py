"""One readable line per event, declared as a template per event type and compiled to SQL.

A template is text with ``{field}`` or ``{field|format}`` slots; a part in ``[...]`` is left
out when any slot in it is empty. A field is an ``events`` column, a feed extra (``x_*``, read
from ``details``) or one of ``DERIVED``. A format is one of ``FORMATS`` or a vocabulary in
``LABELS`` (codes shown with their meaning). Event types without a template (another
council's feeds) get ``GENERIC``; a summary the feed gives itself always wins.
"""

from __future__ import annotations

import re

from famlink.ingest.mapping import q
from famlink.standardise.events import EVENT_COLUMNS

SUMMARIES: dict[str, str] = {
    "attendance": "Attendance {period}: {attendance_pct|pct}%"
                  "[ ({sessions_unauthorised|nonzero} unauthorised sessions)][ at {school}]",
    "school_census_return": "School census {period}[: {school}][, year {x_nc_year}]",
    "suspension": "Suspension from {school}[: {x_sessions} sessions]"
                  "[, reason {reason|exclusion_reason}][; {x_reason_2|exclusion_reason}]"
                  "[; {x_reason_3|exclusion_reason}]",
    "permanent_exclusion": "Permanent exclusion from {school}"
                           "[, reason {reason|exclusion_reason}]"
                           "[; {x_reason_2|exclusion_reason}][; {x_reason_3|exclusion_reason}]",
    "police_incident": "Police incident[ ({event_subtype|label})][: {role}]",
    "emergency_attendance": "A&E attendance[ ({event_subtype|label})][: {reason}]",
    "benefit_claim": "Benefit claim[: {event_subtype|label}][ as {role}]"
                     "[, until {event_end_date}]",
    "council_tax_account": "Council tax account[ {event_ref}][, band {category}]"
                           "[, until {event_end_date}]",
    "tenancy": "Tenancy[ {event_ref}][ as {role}][, ended {x_tenancy_end}]",
    "rent_arrears": "Rent arrears[ on tenancy {event_ref}][: {amount|money}]",
    "notice_seeking_possession": "Notice seeking possession[ ({category})]"
                                 "[ on tenancy {event_ref}][, arrears {amount|money}]",
    "eviction": "Eviction[ ({category})][ from tenancy {event_ref}][, arrears {amount|money}]",
    "social_care_referral": "Referral to children's social care[ as {role}]"
                            "[ ({organisation_name})]",
    "child_in_need": "Child in need[ as {role}][ ({organisation_name})]"
                     "[, until {event_end_date}]",
    "child_protection_plan": "Child protection plan[ ({category})][ as {role}]"
                             "[, until {event_end_date}]",
    "looked_after": "Looked after[ as {role}][ ({organisation_name})][, until {event_end_date}]",
    "youth_offence": "Youth offence[: {category}][; outcome {status}]",
    "early_help_case": "Early help case[ {event_ref}][ as {role}][ ({organisation_name})]"
                       "[, closed {event_end_date}]",
}
GENERIC = ("{event_type|label_cap}[ ({event_subtype|label})][: {category}][; {status}]"
           "[ as {role}][, {reason}][ at {organisation}][, until {event_end_date}]")

# Words shown instead of a code: {x|label} shows "asb" as "anti-social behaviour".
LABELS: dict[str, str] = {"asb": "anti-social behaviour", "self_harm": "self-harm",
                          "ed": "emergency department"}
# Code lists: {x|exclusion_reason} shows "VP" as "VP (verbal abuse ... against a pupil)".
CODES: dict[str, dict[str, str]] = {
    # DfE school census codes for the reason for a suspension or permanent exclusion.
    "exclusion_reason": {
        "PP": "physical assault against a pupil", "PA": "physical assault against an adult",
        "VP": "verbal abuse or threatening behaviour against a pupil",
        "VA": "verbal abuse or threatening behaviour against an adult",
        "BU": "bullying", "RA": "racist abuse", "SM": "sexual misconduct",
        "LG": "abuse against sexual orientation or gender identity",
        "DS": "abuse relating to disability", "DA": "drug and alcohol related",
        "DM": "damage", "TH": "theft", "MT": "inappropriate use of social media or technology",
        "WP": "use or threat of use of an offensive weapon or prohibited item",
        "DB": "persistent or general disruptive behaviour",
        "PD": "persistent disruptive behaviour",
    },
}

# Values worked out from several columns; `e` is the events row, `o` the organisations lookup.
DERIVED: dict[str, str] = {
    "attendance_pct": "100.0 * (e.sessions_possible - coalesce(e.sessions_authorised, 0) "
                      "- coalesce(e.sessions_unauthorised, 0)) / nullif(e.sessions_possible, 0)",
    "organisation": "coalesce(e.organisation_name, o.organisation_name, e.organisation_ref)",
    "school": "coalesce(e.organisation_name, o.organisation_name, "
              "'school ' || e.organisation_ref)",
}
FORMATS: dict[str, str] = {
    "text": "CAST({x} AS VARCHAR)",
    "pct": "printf('%.1f', {x})",
    "nonzero": "CAST(nullif({x}, 0) AS VARCHAR)",
    "money": "'£' || printf('%,.2f', {x})",
    "label": "CASE CAST({x} AS VARCHAR) {labels} ELSE replace(CAST({x} AS VARCHAR), '_', ' ') END",
    "label_cap": "upper(left({label}, 1)) || substr({label}, 2)",
}
SLOT = re.compile(r"\{(\w+)(?:\|(\w+))?\}")
PART = re.compile(r"\[([^\[\]]*)\]|([^\[\]]+)")


def field_sql(name: str) -> str:
    """The SQL for one template field, reading the events row ``e``."""
    if name in DERIVED:
        return f"({DERIVED[name]})"
    if name in EVENT_COLUMNS or name in ("event_id", "feed", "source_record_id"):
        return f"e.{name}"
    if name.startswith("x_"):
        return f"json_extract_string(e.details, {q('$.' + name)})"
    raise ValueError(f"unknown field {name!r} in a chronology summary template")


def _whens(pairs: dict[str, str]) -> str:
    return " ".join(f"WHEN {q(k)} THEN {q(v)}" for k, v in pairs.items())


def _slot_sql(name: str, fmt: str | None) -> str:
    x = field_sql(name)
    if fmt in CODES:
        meanings = {k: f"{k} ({v})" for k, v in CODES[fmt].items()}
        return f"CASE CAST({x} AS VARCHAR) {_whens(meanings)} ELSE CAST({x} AS VARCHAR) END"
    label = FORMATS["label"].format(x=x, labels=_whens(LABELS))
    if fmt in ("label", "label_cap"):
        return label if fmt == "label" else FORMATS[fmt].format(label=label)
    if fmt is None or fmt in FORMATS:
        return FORMATS[fmt or "text"].format(x=x)
    raise ValueError(f"unknown format {fmt!r} in a chronology summary template: use one of "
                     f"{', '.join([*FORMATS, *CODES])}")


def _part_sql(text: str, optional: bool) -> str:
    """A piece of template as SQL; an optional piece is '' when any of its slots is empty."""
    pieces, slots, at = [], [], 0
    for m in SLOT.finditer(text):
        if m.start() > at:
            pieces.append(q(text[at:m.start()]))
        slot = _slot_sql(m.group(1), m.group(2))
        slots.append(slot)
        pieces.append(slot if optional else f"coalesce({slot}, '?')")
        at = m.end()
    if at < len(text):
        pieces.append(q(text[at:]))
    joined = " || ".join(pieces) or "''"
    if not optional or not slots:
        return joined
    present = " AND ".join(f"{s} IS NOT NULL AND {s} <> ''" for s in slots)
    return f"CASE WHEN {present} THEN {joined} ELSE '' END"


def template_sql(template: str) -> str:
    """A template as one SQL string expression over the events row ``e``."""
    parts = [_part_sql(m.group(1) if m.group(1) is not None else m.group(2),
                       m.group(1) is not None) for m in PART.finditer(template)]
    return "(" + " || ".join(parts) + ")"


def summary_sql(summaries: dict[str, str] | None = None, generic: str = GENERIC) -> str:
    """The summary column: the feed's own, else the event type's template, else GENERIC."""
    chosen = SUMMARIES if summaries is None else summaries
    whens = " ".join(f"WHEN {q(t)} THEN {template_sql(tpl)}" for t, tpl in chosen.items())
    by_type = f"CASE e.event_type {whens} ELSE {template_sql(generic)} END" if whens \
        else template_sql(generic)
    return f"coalesce(nullif(trim(e.summary), ''), {by_type})"
