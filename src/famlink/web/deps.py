"""FastAPI dependencies: the signed-in user, the CSRF check, and a guard for an action.

Routes declare what they need in their signature, once::

    def person_page(pid: str, guard: Annotated[Guard, Allowed("view_person")]) -> ...

and never check roles in their bodies.

Dependencies that do no I/O are ``async``, so they run on the event loop: FastAPI runs every
plain ``def`` dependency in a worker thread, and each such hop waits for the GIL on a busy
server. The session look-up (a database read) keeps its thread.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from itsdangerous import BadSignature, URLSafeTimedSerializer

from famlink.state.accounts import LiveSession, resume_session
from famlink.web.guard import Actor, Guard, NotAllowed
from famlink.web.runtime import Runtime

SESSION_COOKIE = "famlink_session"
LOGIN_CSRF_COOKIE = "famlink_login_csrf"
CSRF_HEADER = "x-csrf-token"


class NotSignedIn(Exception):
    pass


class BadCsrf(Exception):
    pass


async def runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(runtime)]


def signer(rt: Runtime) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(rt.settings.secret_key, salt="famlink-session")


def session_token(request: Request, rt: Runtime) -> str | None:
    """The session token from the signed cookie, or from ``Authorization: Bearer``."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    max_age = rt.settings.access.sessions.max_hours * 3600
    try:
        return str(signer(rt).loads(cookie, max_age=max_age))
    except BadSignature:
        return None


def live_session(request: Request, rt: RuntimeDep) -> LiveSession:
    token = session_token(request, rt)
    idle = dt.timedelta(minutes=rt.settings.access.sessions.idle_minutes)
    live = resume_session(rt.state, token, idle) if token else None
    if live is None:
        raise NotSignedIn()
    request.state.csrf_token = live.csrf_token
    request.state.bearer = request.headers.get("authorization", "").lower().startswith("bearer ")
    return live


LiveDep = Annotated[LiveSession, Depends(live_session)]


async def actor(request: Request, live: LiveDep, rt: RuntimeDep) -> Actor:
    access = rt.settings.access
    if live.account.role not in access.roles:
        raise NotAllowed(f"role {live.account.role!r} is not in access.yaml")
    who = Actor(live.account, access.roles[live.account.role])
    request.state.actor = who
    return who


ActorDep = Annotated[Actor, Depends(actor)]


async def csrf_checked(request: Request, live: LiveDep) -> None:
    """Every state-changing request carries the session's CSRF token (a form field or the
    X-CSRF-Token header htmx sends). API clients using a bearer token need none: a browser
    never sends that header on its own."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.state.bearer:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(sent, live.csrf_token):
        raise BadCsrf()


CsrfDep = Depends(csrf_checked)


def Allowed(action: str | None = None) -> Any:
    """A dependency giving a Guard for the user, after checking the role has ``action``."""

    async def guard(request: Request, who: ActorDep, rt: RuntimeDep) -> AsyncIterator[Guard]:
        if action is not None and not who.can(action):
            raise NotAllowed(f"the {who.role.title} role cannot {action.replace('_', ' ')}")
        snapshot, con = rt.reader.cursor()
        try:
            args = (who, rt.settings.access, con, snapshot, rt.scopes, rt.state)
            if rt.scopes.has(snapshot, who.account.role, who.account.scope_value):
                yield Guard(*args)
            else:  # the first request of this role (and school) on this snapshot
                yield await run_in_threadpool(Guard, *args)
        finally:
            con.close()

    return Depends(guard)


def Permitted(action: str) -> Any:
    """The Actor, after checking the role has ``action`` (for pages without the snapshot)."""

    async def check(who: ActorDep) -> Actor:
        if not who.can(action):
            raise NotAllowed(f"the {who.role.title} role cannot {action.replace('_', ' ')}")
        return who

    return Depends(check)
