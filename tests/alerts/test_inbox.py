"""Who sees which alert in the inbox, on both app-state databases: a school's lead only their
school's, an area team only its districts', everyone in a role the role-wide ones; an overdue
alert also goes, marked as escalated, to the roles that see escalations in its area until it
is acknowledged. A council's years of alerts do not break the inbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import duckdb
import pytest
from sqlalchemy import Engine

from famlink.access.roles import RoleSpec, ScopeSpec
from famlink.alerts.inbox import acknowledge, inbox
from famlink.alerts.stage import CREATE_SQL
from famlink.state.db import open_app_state
from tests.state.databases import KINDS, database_url

AT = dt.datetime(2026, 3, 2, 9, 0)
LATE, LATER = AT - dt.timedelta(hours=1), AT + dt.timedelta(days=1)

DSL = RoleSpec(title="DSL", actions=["view_alerts"], scope=ScopeSpec(kind="school"))
TEAM = RoleSpec(title="Early help", actions=["view_alerts", "see_escalations"],
                scope=ScopeSpec(kind="area", postcode_districts=["NB1", "NB2"]))
EVERYWHERE = RoleSpec(title="MASH", actions=["view_alerts", "see_escalations"],
                      scope=ScopeSpec(kind="all"))

# alert_id, recipient role, scope kind, scope value, deadline, area of the subject
ALERTS = [
    ("A-school-mine", "school_dsl", "school", "9994001", LATER, "NB3"),
    ("A-school-other", "school_dsl", "school", "9994002", LATER, "NB1"),
    ("A-school-late", "school_dsl", "school", "9994002", LATE, "NB1"),
    ("A-school-late-far", "school_dsl", "school", "9994002", LATE, "NB7"),
    ("A-area-mine", "early_help", "area", "NB2", LATER, "NB2"),
    ("A-area-other", "early_help", "area", "NB5", LATER, "NB5"),
    ("A-role-wide", "early_help", "all", None, LATER, None),
]


@pytest.fixture(params=KINDS)
def state(request, tmp_path) -> Iterator[Engine]:
    for url in database_url(request.param, tmp_path):
        engine = open_app_state(url)
        yield engine
        engine.dispose()


INSERT_SQL = """
INSERT INTO alerts (alert_id, rule, urgency, recipient_role, scope_kind, scope_value,
                    deadline_at, deadline_reason, headline, message_json, raised_at, area)
SELECT alert_id, 'rule', 'high', role, kind, value, deadline, 'next school day', 'an incident',
       '{}', deadline - INTERVAL 1 DAY, area FROM rows
"""


def _alerts(rows: list[tuple] | None = None, many: int = 0) -> duckdb.DuckDBPyConnection:
    """The alerts table with ``rows``, or with ``many`` overdue alerts for one school."""
    con = duckdb.connect()
    con.execute(CREATE_SQL)
    con.execute("CREATE TABLE rows (alert_id VARCHAR, role VARCHAR, kind VARCHAR, "
                "value VARCHAR, deadline TIMESTAMP, area VARCHAR)")
    if rows:
        con.executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.execute("INSERT INTO rows SELECT printf('A%06d', i), 'school_dsl', 'school', '9994001', "
                "?, 'NB1' FROM range(?) t(i)", [LATE, many])
    con.execute(INSERT_SQL)
    return con


def _seen(con: duckdb.DuckDBPyConnection, state: Engine, role_name: str, role: RoleSpec,
          school: str | None = None) -> dict[str, str]:
    return {a.alert_id: ("escalated " if a.is_escalation else "") + a.status
            for a in inbox(con, state, role_name, role, school, at=AT)}


def test_each_role_sees_its_own_and_the_overdue_in_its_area(state) -> None:
    con = _alerts(ALERTS)
    assert _seen(con, state, "school_dsl", DSL, "9994001") == {"A-school-mine": "open"}
    assert _seen(con, state, "school_dsl", DSL, "9994002") == {
        "A-school-other": "open", "A-school-late": "overdue", "A-school-late-far": "overdue"}
    assert _seen(con, state, "school_dsl", DSL, None) == {}
    assert _seen(con, state, "early_help", TEAM) == {
        "A-area-mine": "open", "A-role-wide": "open",
        "A-school-late": "escalated overdue"}  # NB1 is the team's; NB7 is not
    assert _seen(con, state, "mash", EVERYWHERE) == {
        "A-school-late": "escalated overdue", "A-school-late-far": "escalated overdue"}
    acknowledge(state, "A-school-late", "school_dsl", "spoke to the child")
    assert _seen(con, state, "school_dsl", DSL, "9994002")["A-school-late"] == "acknowledged"
    assert "A-school-late" not in _seen(con, state, "early_help", TEAM)
    assert list(_seen(con, state, "mash", EVERYWHERE)) == ["A-school-late-far"]


def test_soonest_deadline_first(state) -> None:
    con = _alerts(ALERTS)
    shown = inbox(con, state, "early_help", TEAM, None, at=AT)
    assert [a.deadline_at for a in shown] == sorted(a.deadline_at for a in shown)


def test_years_of_alerts_and_acknowledgements(state) -> None:
    """More alerts, and acknowledgements of them, than a database takes bound values in one
    query (PostgreSQL: 65,535): each is still shown once, with its own acknowledgement."""
    n = 70_000
    con = _alerts(many=n)
    for i in (0, 12_345, n - 1):
        acknowledge(state, f"A{i:06d}", "school_dsl", f"note {i}")
    shown = inbox(con, state, "school_dsl", DSL, "9994001", at=AT)
    assert len(shown) == n
    acked = {a.alert_id: a.ack.note for a in shown if a.ack}
    assert acked == {"A000000": "note 0", "A012345": "note 12345", "A069999": "note 69999"}
    assert sum(a.is_overdue for a in shown) == n - 3
