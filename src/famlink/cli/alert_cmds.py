"""`famlink alerts`: the alerts raised, as each recipient sees them."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from famlink.cli.console import (
    ProjectOption,
    console,
    friendly_errors,
    project_from,
    read_warehouse,
    summary_table,
)
from famlink.engine import table_exists
from famlink.errors import FamlinkError

ALERTS_SQL = """
SELECT alert_id, rule, urgency, recipient_role, scope_kind, scope_value, scope_label,
       strftime(deadline_at, '%a %Y-%m-%d %H:%M') AS due, headline, message_json
FROM alerts WHERE (? IS NULL OR recipient_role = ?) AND (? IS NULL OR scope_value = ?)
  AND (? IS NULL OR rule = ?)
ORDER BY deadline_at, alert_id LIMIT ?
"""


def _smtp(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise FamlinkError(f"--smtp {text!r}: give HOST:PORT, e.g. localhost:25")
    return host, int(port)


def register(app: typer.Typer) -> None:
    @app.command()
    def notify(
        smtp: str = typer.Option(..., "--smtp", help="The SMTP server, HOST:PORT."),
        sender: str = typer.Option("famlink@localhost", "--sender", help="From address."),
        url: str = typer.Option("http://127.0.0.1:8000/alerts", "--url",
                                help="Where users sign in to read their alerts."),
        project: Path | None = ProjectOption,
    ) -> None:
        """E-mail each user with new alerts a notice to sign in (no personal details)."""
        from famlink.access.roles import project_access
        from famlink.alerts.notify import send_notices
        from famlink.snapshot import open_snapshot
        from famlink.state.db import project_app_state

        with friendly_errors():
            loaded = project_from(project)
            con = open_snapshot(loaded)
            try:
                sent = send_notices(con, project_app_state(loaded),
                                    project_access(loaded.root), _smtp(smtp), sender, url)
            finally:
                con.close()
        console.print(summary_table(f"notices sent ({len(sent)})", [
            (n.username, n.email, len(n.alert_ids), n.overdue) for n in sent],
            columns=("user", "to", "new alerts", "overdue")))

    @app.command()
    def alerts(
        project: Path | None = ProjectOption,
        role: str | None = typer.Option(None, "--role", help="Only alerts for this role."),
        scope: str | None = typer.Option(None, "--scope", help="Only alerts for this school "
                                         "URN or area (postcode district)."),
        rule: str | None = typer.Option(None, "--rule", help="Only alerts of this rule."),
        limit: int = typer.Option(50, "--limit", min=1),
    ) -> None:
        """Alerts raised by the runs, soonest deadline first, with what each role is shown."""
        with friendly_errors(), read_warehouse(project_from(project)) as con:
            if not table_exists(con, "alerts"):
                console.print("No alerts yet: run `famlink run` (the alerts stage).")
                return
            rows = con.execute(ALERTS_SQL, [role, role, scope, scope, rule, rule, limit]
                               ).fetchall()
        table = [(r[0], r[1], r[2], r[3], f"{r[4]} {r[5]} {r[6]}".strip(), r[7], r[8],
                  "; ".join(f"{k}: {v}" for k, v in json.loads(r[9]).items()))
                 for r in rows]
        console.print(summary_table(f"alerts ({len(rows)} shown)", table, columns=(
            "alert", "rule", "urgency", "to", "scope", "due", "what", "shown to them")))
