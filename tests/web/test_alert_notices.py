"""E-mail notices through a real SMTP server (aiosmtpd on a local port): the user with new
alerts is told to sign in, with no personal details; each alert is noticed once; audited."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from famlink.access import audit
from famlink.alerts.notify import due_notices, send_notices
from famlink.errors import FamlinkError
from famlink.snapshot import open_snapshot
from famlink.state import accounts
from tests.web.test_alerts_inbox import alerted  # noqa: F401  (the fixture)


class Sink(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []

    def handle_message(self, message) -> None:  # type: ignore[no-untyped-def]
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    sink, port = Sink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def test_a_notice_says_only_that_alerts_wait(alerted, smtp_sink) -> None:  # noqa: F811
    app, child, urn = alerted
    sink, port = smtp_sink
    runtime = app.state.runtime
    accounts.set_email(runtime.state, "school_dsl", "dsl@school.example")
    accounts.set_email(runtime.state, "school_dsl_other", "dsl@other.example")
    con = open_snapshot(runtime.settings.project)
    try:
        sent = send_notices(con, runtime.state, runtime.settings.access,
                            ("127.0.0.1", port), "famlink@council.example",
                            "https://famlink.council.example/alerts")
        again = send_notices(con, runtime.state, runtime.settings.access,
                             ("127.0.0.1", port), "famlink@council.example", "x")
        names = con.execute("SELECT first_name, surname FROM persons WHERE person_id = ?",
                            [child]).fetchall()[0]
    finally:
        con.close()
    assert [(n.username, n.email) for n in sent] == [("school_dsl", "dsl@school.example")]
    assert again == []
    [message] = sink.messages
    assert message["To"] == "dsl@school.example"
    body = message.get_payload()
    assert "Sign in" in body and "https://famlink.council.example/alerts" in body
    for secret in (*names, urn, child, "domestic", "NB-2026"):
        assert str(secret).lower() not in (body + message["Subject"]).lower()
    notices = [e for e in audit.entries(runtime.state) if e.action == "notify_alerts"]
    assert [(e.subject_id, e.role) for e in notices] == [("school_dsl", "system")]


def test_an_smtp_server_that_does_not_answer_is_named_and_nothing_is_recorded(
        alerted) -> None:  # noqa: F811
    app, _, _ = alerted
    runtime = app.state.runtime
    accounts.set_email(runtime.state, "early_help", "team@council.example")
    con = open_snapshot(runtime.settings.project)
    try:
        due = len(due_notices(con, runtime.state, runtime.settings.access))
        port = _free_port()  # nothing listens there
        with pytest.raises(FamlinkError, match=f"SMTP server 127.0.0.1:{port}"):
            send_notices(con, runtime.state, runtime.settings.access, ("127.0.0.1", port),
                         "famlink@council.example", "x")
        assert len(due_notices(con, runtime.state, runtime.settings.access)) == due
    finally:
        con.close()
