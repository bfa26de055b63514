"""`famlink serve`, `famlink users ...`, `famlink audit ...`, `famlink migrate`: the web
portals, their accounts and their audit trail."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import typer
from sqlalchemy import Engine

from famlink.cli.console import ProjectOption, console, friendly_errors, project_from, summary_table
from famlink.errors import FamlinkError
from famlink.project import Project

users_app = typer.Typer(no_args_is_help=True, help="Add, disable, enable, reset and list the "
                        "web app's users.")
audit_app = typer.Typer(no_args_is_help=True, help="Verify and read the audit log.")


def _state(project: Project) -> Engine:
    from famlink.state.db import project_app_state

    return project_app_state(project)


def _check_role(project: Project, role: str, school: str | None) -> None:
    from famlink.access.roles import project_access

    access = project_access(project.root)
    if role not in access.roles:
        raise FamlinkError(f"no role {role!r} in access.yaml: use one of "
                           f"{', '.join(access.roles)}")
    if access.roles[role].scope.kind == "school" and not school:
        raise FamlinkError(f"role {role} sees the pupils of one school: give --school URN "
                           "(the school's LAESTAB number)")


def busiest_school(project: Project) -> str | None:
    """The school with the most alerts for its safeguarding lead, else the one with the most
    pupils on its roll, in the published snapshot."""
    from famlink.access.scope import ROLL_SQL
    from famlink.engine import table_exists
    from famlink.snapshot import open_snapshot

    con = open_snapshot(project)
    try:
        alerts = ("(SELECT count(*) FROM alerts a WHERE a.scope_kind = 'school' AND "
                  "a.scope_value = r.school)" if table_exists(con, "alerts") else "0")
        rows = con.execute(f"SELECT school, {alerts}, count(*) FROM ({ROLL_SQL}) r "
                           "GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT 1",
                           ["school_census"]).fetchall()
    finally:
        con.close()
    return str(rows[0][0]) if rows else None


def create_demo_users(project: Project) -> list[tuple[str, str, str, str]]:
    """One user per role in access.yaml, named after the role, with a new password each:
    (user, role, school, password). Existing demo users get a new password."""
    from famlink.access.roles import project_access
    from famlink.state import accounts

    engine = _state(project)
    existing = {a.username for a in accounts.list_users(engine)}
    made = []
    for role, spec in project_access(project.root).roles.items():
        school = busiest_school(project) if spec.scope.kind == "school" else None
        password = accounts.new_password()
        if role in existing:
            accounts.reset_password(engine, role, password)
        else:
            accounts.add_user(engine, role, role, password, school)
        made.append((role, role, school or "", password))
    return made


def serve_app(project: Project, host: str, port: int, secure: bool = False,
              workers: int = 1) -> None:
    """Serve with ``workers`` processes. The parent makes the signing key and migrates the
    state database first, so the workers only read both; each worker has its own snapshot
    connection and scope cache, and they share sessions, throttling and the audit chain
    through the state database."""
    import uvicorn

    from famlink.state.db import open_app_state
    from famlink.web.app import PROJECT_ENV, SECURE_ENV, create_app
    from famlink.web.settings import WebSettings

    settings = WebSettings.for_project(project, secure_cookies=secure)
    console.print(f"famlink is serving {project.root} at http://{host}:{port}/ with "
                  f"{workers} worker{'s' if workers > 1 else ''} (Ctrl+C stops)")
    if workers <= 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
        return
    open_app_state(settings.state_url).dispose()
    os.environ[PROJECT_ENV], os.environ[SECURE_ENV] = str(project.root), "1" if secure else ""
    uvicorn.run("famlink.web.app:app_from_environment", factory=True, workers=workers,
                host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(project: Path | None = ProjectOption,
              host: str = typer.Option("127.0.0.1", help="Address to listen on."),
              port: int = typer.Option(8000, help="Port to listen on."),
              secure: bool = typer.Option(False, "--secure-cookies", help="Served over "
                                          "HTTPS (behind a proxy): secure cookies and HSTS."),
              workers: int = typer.Option(1, "--workers", min=1, help="Server processes: "
                                          "one per core for many users.")
              ) -> None:
        """Serve the web portals and the JSON API from the published snapshot."""
        with friendly_errors():
            serve_app(project_from(project), host, port, secure, workers)

    @app.command()
    def migrate(project: Path | None = ProjectOption) -> None:
        """Bring the app-state database to the newest migration (serve also does this)."""
        from famlink.state.db import current_revision

        with friendly_errors():
            engine = _state(project_from(project))
            console.print(f"App state is at migration {current_revision(engine)}.")

    app.add_typer(users_app, name="users")
    app.add_typer(audit_app, name="audit")
    _users_commands()
    _audit_commands()


def _users_commands() -> None:
    from famlink.state import accounts

    @users_app.command("add")
    def add(username: str, role: str = typer.Option(..., "--role", help="A role in access.yaml."),
            school: str | None = typer.Option(None, "--school", help="School LAESTAB "
                                              "(school roles)."),
            email: str | None = typer.Option(None, "--email", help="For notices that alerts "
                                             "are waiting (never their content)."),
            project: Path | None = ProjectOption) -> None:
        """Add a user; prints a new password once."""
        with friendly_errors():
            loaded = project_from(project)
            _check_role(loaded, role, school)
            password = accounts.new_password()
            accounts.add_user(_state(loaded), username, role, password, school, email)
        console.print(f"Added {username} ({role}). Password (shown once): {password}",
                      highlight=False)

    @users_app.command("disable")
    def disable(username: str, project: Path | None = ProjectOption) -> None:
        """Disable a user and end their sessions."""
        with friendly_errors():
            accounts.set_active(_state(project_from(project)), username, False)
        console.print(f"Disabled {username}; their sessions have ended.")

    @users_app.command("enable")
    def enable(username: str, project: Path | None = ProjectOption) -> None:
        """Enable a disabled user again."""
        with friendly_errors():
            accounts.set_active(_state(project_from(project)), username, True)
        console.print(f"Enabled {username}.")

    @users_app.command("reset")
    def reset(username: str, project: Path | None = ProjectOption) -> None:
        """Give a user a new password (printed once) and end their sessions."""
        with friendly_errors():
            password = accounts.new_password()
            accounts.reset_password(_state(project_from(project)), username, password)
        console.print(f"New password for {username} (shown once): {password}", highlight=False)

    @users_app.command("list")
    def list_cmd(project: Path | None = ProjectOption) -> None:
        """List the users, their roles and whether they are active."""
        with friendly_errors():
            rows = [(u.username, u.role, u.scope_value or "", "yes" if u.is_active else "no")
                    for u in accounts.list_users(_state(project_from(project)))]
        console.print(summary_table("Users", rows, columns=("user", "role", "school", "active")))


def _audit_commands() -> None:
    from famlink.access import audit

    @audit_app.command("verify")
    def verify(project: Path | None = ProjectOption) -> None:
        """Recompute the audit log's hash chain; exit 1 if any entry was changed or deleted."""
        with friendly_errors():
            engine = _state(project_from(project))
            check = audit.verify(engine)
            seq, last = audit.head(engine)
        if not check.ok:
            console.print(f"[bold red]audit log tampered with:[/] {check.problem}",
                          highlight=False)
            raise typer.Exit(1)
        console.print(f"Audit log intact: {check.entries} entries; head {seq} {last}")

    @audit_app.command("log")
    def log(project: Path | None = ProjectOption,
            subject: str | None = typer.Option(None, help="A person, family or pair ID."),
            user: str | None = typer.Option(None, help="A user name."),
            limit: int = typer.Option(50, "--limit", "-n")) -> None:
        """The latest audit entries, optionally about one subject or by one user."""
        with friendly_errors():
            engine = _state(project_from(project))
            found = audit.entries(engine, subject_id=subject, username=user, limit=limit)
            audit.append(engine, username=getpass.getuser(), role="cli", action="view_audit",
                         subject_id=subject, detail={"user": user, "command": "audit log"})
        rows = [(e.seq, e.at.strftime("%Y-%m-%d %H:%M:%S"), e.username, e.role, e.action,
                 f"{e.subject_kind or ''} {e.subject_id or ''}".strip(), e.reason)
                for e in found]
        console.print(summary_table("Audit log (newest first)", rows, columns=(
            "#", "when (UTC)", "user", "role", "action", "subject", "reason")))
