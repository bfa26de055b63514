"""The alerts stage: new events -> ``alerts``, one row per subject and recipient.

An event raises an alert once: every event the stage has looked at is remembered in
``alert_seen_events``, and ``alerts`` only ever grows (a rebuild of the other tables never
raises an old alert again). On the very first run the history already loaded is not news:
only events within ``first_run_lookback_days`` of the newest one can raise alerts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import duckdb
import pyarrow as pa

from famlink.alerts.calendar import SchoolCalendar
from famlink.alerts.spec import AlertBook, AlertRule, Recipient, load_alerts
from famlink.alerts.subjects import (
    SEEN_FLAGS_SQL,
    newly_eligible,
    newly_flagged,
    remember_flags,
    rule_subjects,
)
from famlink.engine import create_temp_table, scalar, table_exists, transaction
from famlink.errors import ConfigError, ConfigProblem
from famlink.pipeline import Progress, StageResult
from famlink.project import Project

ALERT_COLUMNS = {
    "alert_id": "VARCHAR", "rule": "VARCHAR", "urgency": "VARCHAR", "incident": "VARCHAR",
    "feed": "VARCHAR", "event_ref": "VARCHAR", "event_ids": "VARCHAR[]", "event_date": "DATE",
    "event_time": "VARCHAR", "person_id": "VARCHAR", "family_id": "VARCHAR",
    "recipient_role": "VARCHAR",
    "scope_kind": "VARCHAR", "scope_value": "VARCHAR", "scope_label": "VARCHAR",
    "deadline_at": "TIMESTAMP", "deadline_reason": "VARCHAR", "headline": "VARCHAR",
    "message_json": "VARCHAR", "raised_at": "TIMESTAMP", "area": "VARCHAR"}
CREATE_SQL = ("CREATE TABLE IF NOT EXISTS alerts ("
              + ", ".join(f"{k} {v}" for k, v in ALERT_COLUMNS.items()) + ")")


def _eligible(con: duckdb.DuckDBPyConnection, first: bool) -> pa.Table:
    """Families newly eligible; none on the first run (they are the baseline, not news)."""
    if first or not table_exists(con, "eligibility"):
        return pa.table({})
    return newly_eligible(con)


def _new_events(con: duckdb.DuckDBPyConnection, book: AlertBook) -> int:
    """Mark the events not looked at before as ``_tmp_alerts_new``; return how many."""
    first = not table_exists(con, "alert_seen_events")
    con.execute("CREATE TABLE IF NOT EXISTS alert_seen_events (event_id VARCHAR PRIMARY KEY)")
    if first:
        con.execute("CREATE OR REPLACE TEMP TABLE _tmp_alerts_new AS SELECT event_id FROM "
                    "events WHERE event_date >= (SELECT max(event_date) FROM events) - "
                    f"INTERVAL {book.first_run_lookback_days} DAY "
                    f"AND {book.first_run_lookback_days} > 0")
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE _tmp_alerts_new AS SELECT event_id FROM "
                    "events ANTI JOIN alert_seen_events USING (event_id)")
    return int(scalar(con, "SELECT count(*) FROM _tmp_alerts_new") or 0)


def _deadline(rule: AlertRule, calendar: SchoolCalendar, day: dt.date,
              time: str | None) -> tuple[dt.datetime, str]:
    at = _when(day, time)
    if rule.deadline.hours is not None:
        return at + dt.timedelta(hours=rule.deadline.hours), f"{rule.deadline.hours} hours"
    due = calendar.next_school_day_start(at)
    skipped = [calendar.why_not(at.date() + dt.timedelta(days=n))
               for n in range((due.date() - at.date()).days)]
    why = ", ".join(dict.fromkeys(s for s in skipped if s))
    return due, "start of the next school day" + (f" (after the {why})" if why else "")


def _when(day: dt.date, time: str | None) -> dt.datetime:
    """The event's moment; an event without a (readable) time counts from the day's end."""
    try:
        hours, minutes = (int(x) for x in (time or "").split(":")[:2])
        return dt.datetime.combine(day, dt.time(hours, minutes))
    except ValueError:
        return dt.datetime.combine(day, dt.time(23, 59))


def _targets(recipient: Recipient, row: dict[str, Any]) -> tuple[str, str, str, str]:
    """(role, scope kind, scope value, label) of the one who must hear of it."""
    if recipient.scope == "school" and row["school_urn"]:
        return recipient.role, "school", row["school_urn"], row["school_name"] or ""
    if recipient.scope == "school":
        role = recipient.fallback_role or recipient.role
        return role, "area", row["area"] or "unknown", "no school on roll found"
    if recipient.scope == "area":
        return recipient.role, "area", row["area"] or "unknown", ""
    return recipient.role, "all", "", ""


def _message(rule: AlertRule, role: str, row: dict[str, Any]) -> dict[str, Any]:
    values = {
        "child_name": " ".join(x for x in (row["first_name"], row["surname"]) if x),
        "child_dob": str(row["date_of_birth"]), "child_age": row["age"],
        "school": row["school_name"], "event_date": str(row["event_date"]),
        "event_time": row["event_time"], "event_ref": row["event_ref"],
        "event_type": row["event_type"], "event_subtype": row["event_subtype"],
        "child_present": bool(row["present"]), "roles": row["roles"],
        "contact": rule.contact, "feed": row["feed"], "family_id": row["family_id"],
        "needs": row["needs"], "outcomes": row["outcomes"], "measure": row["measure"]}
    return {field: values[field] for field in rule.shows[role]}


def _headline(name: str, row: dict[str, Any]) -> str:
    if row["family_id"]:
        return f"family newly eligible on {row['event_date']}: {len(row['needs'])} needs " \
               f"({', '.join(row['needs'])})"
    if row["event_type"] == "need_flagged":
        parts = ["newly flagged:", row["event_subtype"].replace("_", " "), row["measure"],
                 f"as of {row['event_date']}"]
        return " ".join(p for p in parts if p)
    what = (row["event_subtype"] or row["event_type"]).replace("_", " ")
    present = "; child present" if row["present"] and name == "operation_encompass" else ""
    return f"{what} on {row['event_date']}{' ' + row['event_time'] if row['event_time'] else ''}" \
           f"{present}"


def _alert_rows(name: str, rule: AlertRule, calendar: SchoolCalendar, subjects: pa.Table,
                now: dt.datetime) -> list[dict[str, Any]]:
    out = []
    for row in subjects.to_pylist():
        due, why = _deadline(rule, calendar, row["event_date"], row["event_time"])
        for recipient in rule.recipients:
            role, kind, value, label = _targets(recipient, row)
            key = "|".join((name, row["incident"], row["person_id"] or row["family_id"], role,
                            kind, value))
            out.append({
                "alert_id": "A" + hashlib.sha1(key.encode()).hexdigest()[:12].upper(),
                "rule": name, "urgency": rule.urgency, "incident": row["incident"],
                "feed": row["feed"], "event_ref": row["event_ref"],
                "event_ids": row["event_ids"], "event_date": row["event_date"],
                "event_time": row["event_time"], "person_id": row["person_id"],
                "family_id": row["family_id"],
                "recipient_role": role, "scope_kind": kind, "scope_value": value,
                "scope_label": label, "deadline_at": due, "deadline_reason": why,
                "headline": _headline(name, row),
                "message_json": json.dumps(_message(rule, role, row), default=str),
                "raised_at": now, "area": row["area"]})
    return out


def run_alerts(project: Project, con: duckdb.DuckDBPyConnection, progress: Progress, *,
               now: dt.datetime | None = None) -> StageResult:
    book, path = load_alerts(project.root)
    _check_references(project, book, path)
    calendar = book.calendar.build()
    now = now or dt.datetime.now()
    progress("alerts: new events", 0, len(book.alerts))
    with transaction(con):
        first = not table_exists(con, "alert_seen_eligible")
        new_events = _new_events(con, book)
        con.execute(CREATE_SQL)
        for column in ("family_id", "area"):  # added since the first version of the table
            con.execute(f"ALTER TABLE alerts ADD COLUMN IF NOT EXISTS {column} VARCHAR")
        con.execute("CREATE TABLE IF NOT EXISTS alert_seen_eligible "
                    "(family_id VARCHAR PRIMARY KEY)")
        first_flags = not table_exists(con, "alert_seen_flags")
        con.execute(SEEN_FLAGS_SQL)
        rows: list[dict[str, Any]] = []
        for i, (name, rule) in enumerate(book.alerts.items()):
            progress(f"alerts: {name}", i, len(book.alerts))
            if rule.trigger.family_newly_eligible:
                rows += _alert_rows(name, rule, calendar, _eligible(con, first), now)
            elif rule.trigger.need_newly_flagged:
                if not first_flags and table_exists(con, "family_flags"):
                    rows += _alert_rows(name, rule, calendar,
                                        newly_flagged(con, rule, book.school_roll.feeds), now)
            elif new_events:
                rows += _alert_rows(name, rule, calendar,
                                    rule_subjects(con, rule, book.school_roll.feeds), now)
        raised = _insert(con, rows)
        con.execute("INSERT INTO alert_seen_events SELECT event_id FROM events "
                    "ANTI JOIN alert_seen_events USING (event_id)")
        remember_flags(con)
        if table_exists(con, "eligibility"):
            con.execute("INSERT INTO alert_seen_eligible SELECT family_id FROM eligibility "
                        "ANTI JOIN alert_seen_eligible USING (family_id) WHERE is_eligible")
    counts = {"new events": new_events, "alerts raised": raised,
              "alerts in all": int(scalar(con, "SELECT count(*) FROM alerts") or 0)}
    for name in book.alerts:
        counts[f"raised: {name}"] = sum(r["rule"] == name for r in rows)
    return StageResult("alerts", counts, details=[f"rules from {path}"])


def _check_references(project: Project, book: AlertBook, path: Any) -> None:
    """Every need_newly_flagged names a person-level need of the project's rulebook, and
    every subjects.on_feeds names a feed of the project."""
    problems = [ConfigProblem(path, f"alerts.{name}.subjects.on_feeds",
                              f"{feed!r} is not a feed of this project; choose from "
                              f"{sorted(project.feeds)}")
                for name, rule in book.alerts.items() for feed in rule.subjects.on_feeds or []
                if feed not in project.feeds]
    wanted = {n: r.trigger.need_newly_flagged for n, r in book.alerts.items()
              if r.trigger.need_newly_flagged}
    if wanted:
        from famlink.rules.rulebook import project_rulebook

        needs = project_rulebook(project.root).needs
        person = sorted(n for n, x in needs.items() if x.scope == "person")
        problems += [ConfigProblem(path, f"alerts.{name}.trigger.need_newly_flagged",
                                   f"{need!r} is not a person-level need of the rulebook; "
                                   f"choose from {person}")
                     for name, need in wanted.items() if need not in person]
    if problems:
        raise ConfigError(problems)


def _insert(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    columns = {k: [r[k] for r in rows] for k in ALERT_COLUMNS}
    create_temp_table(con, "_tmp_alerts_rows", columns)
    before = int(scalar(con, "SELECT count(*) FROM alerts") or 0)
    con.execute("INSERT INTO alerts BY NAME SELECT DISTINCT ON (alert_id) * FROM _tmp_alerts_rows "
                "WHERE alert_id NOT IN (SELECT alert_id FROM alerts) ORDER BY alert_id")
    return int(scalar(con, "SELECT count(*) FROM alerts") or 0) - before
