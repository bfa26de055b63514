"""Signing in and out: the login form (with its own CSRF cookie, as there is no session yet),
throttling of failed attempts, and ``POST /api/session`` for partners' systems."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel

from famlink.access import audit
from famlink.state.accounts import authenticate, end_session, recent_failures, start_session
from famlink.web.deps import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    CsrfDep,
    LiveDep,
    RuntimeDep,
    session_token,
    signer,
)
from famlink.web.runtime import Runtime
from famlink.web.templating import render

router = APIRouter()


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _throttled(rt: Runtime, username: str, client: str) -> bool:
    policy = rt.settings.access.login
    window = dt.timedelta(minutes=policy.window_minutes)
    return recent_failures(rt.state, username, client, window) >= policy.max_failures


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _login_form(request: Request, rt: Runtime, next_url: str, error: str = "",
                status: int = 200) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", status=status, login_csrf=token, next=next_url,
                      error=error, actor=None)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=rt.settings.secure_cookies, path="/login")
    return response


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, rt: RuntimeDep, next: str = "/") -> HTMLResponse:
    return _login_form(request, rt, _safe_next(next))


@router.post("/login", include_in_schema=False)
def login(request: Request, rt: RuntimeDep, username: Annotated[str, Form()],
          password: Annotated[str, Form()], csrf_token: Annotated[str, Form()],
          next: Annotated[str, Form()] = "/") -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, csrf_token):
        return _login_form(request, rt, _safe_next(next), "The sign-in form expired: try "
                           "again.", 403)
    client = _client(request)
    if _throttled(rt, username, client):
        return _login_form(request, rt, _safe_next(next), "Too many failed sign-ins: wait "
                           f"{rt.settings.access.login.window_minutes} minutes.", 429)
    account = authenticate(rt.state, username, password, client)
    if account is None:
        return _login_form(request, rt, _safe_next(next), "Wrong user name or password.", 401)
    policy = rt.settings.access.sessions
    token, _csrf = start_session(rt.state, account, dt.timedelta(hours=policy.max_hours))
    audit.append(rt.state, username=account.username, role=account.role, action="sign_in",
                 detail={"client": client})
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, signer(rt).dumps(token), httponly=True,
                        samesite="lax", secure=rt.settings.secure_cookies,
                        max_age=policy.max_hours * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout", include_in_schema=False, dependencies=[CsrfDep])
def logout(request: Request, rt: RuntimeDep, live: LiveDep) -> Response:
    token = session_token(request, rt)
    if token:
        end_session(rt.state, token)
    audit.append(rt.state, username=live.account.username, role=live.account.role,
                 action="sign_out")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


class Credentials(BaseModel):
    username: str
    password: str


class SessionToken(BaseModel):
    token: str
    expires_in_seconds: int


@router.post("/api/session", response_model=SessionToken, tags=["session"])
def api_session(request: Request, rt: RuntimeDep, body: Credentials) -> Response:
    """Sign in: send the token as ``Authorization: Bearer <token>`` on later calls."""
    client = _client(request)
    if _throttled(rt, body.username, client):
        return JSONResponse({"detail": "too many failed sign-ins: wait and try again"}, 429)
    account = authenticate(rt.state, body.username, body.password, client)
    if account is None:
        return JSONResponse({"detail": "wrong user name or password"}, 401)
    hours = rt.settings.access.sessions.max_hours
    token, _csrf = start_session(rt.state, account, dt.timedelta(hours=hours))
    audit.append(rt.state, username=account.username, role=account.role, action="sign_in",
                 detail={"client": client, "api": True})
    return JSONResponse({"token": token, "expires_in_seconds": hours * 3600})
