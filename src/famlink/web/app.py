"""``create_app(settings)``: the FastAPI app, its middleware, error pages and routes."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from famlink.errors import FamlinkError
from famlink.project import load_project
from famlink.state.db import open_app_state
from famlink.web.deps import BadCsrf, NotSignedIn
from famlink.web.guard import NotAllowed, NotVisible, ReasonRequired
from famlink.web.reader import SnapshotReader
from famlink.web.routes import alerts, api, audit, auth, export, notes, pages, quality, review
from famlink.web.runtime import Runtime
from famlink.web.settings import WebSettings
from famlink.web.templating import make_templates, render

STATIC = Path(__file__).parent / "static"
PROJECT_ENV, SECURE_ENV = "FAMLINK_SERVE_PROJECT", "FAMLINK_SERVE_SECURE"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _problem(request: Request, status: int, message: str, **extra: object) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message, **extra}, status_code=status)
    return render(request, "error.html", status=status, message=message, status_code=status,
                  actor=getattr(request.state, "actor", None))


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "sign in first: POST /api/session"}, status_code=401)
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"/login?next={target}", status_code=303)

    @app.exception_handler(NotAllowed)
    async def not_allowed(request: Request, exc: NotAllowed) -> Response:
        return _problem(request, 403, str(exc))

    @app.exception_handler(NotVisible)
    async def not_visible(request: Request, exc: NotVisible) -> Response:
        return _problem(request, 404, "Not found, or not within what your role can see.")

    @app.exception_handler(BadCsrf)
    async def bad_csrf(request: Request, exc: BadCsrf) -> Response:
        return _problem(request, 403, "The form was out of date or not sent by famlink "
                        "(CSRF check failed): reload the page and try again.")

    @app.exception_handler(ReasonRequired)
    async def reason_required(request: Request, exc: ReasonRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(exc), "reason_required": True}, status_code=403)
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "reason"]
        return render(request, "reason.html", status=403, what=exc.what, params=params,
                      action=request.url.path, actor=getattr(request.state, "actor", None))

    @app.exception_handler(FamlinkError)
    async def famlink_error(request: Request, exc: FamlinkError) -> Response:
        if str(exc).startswith("nothing published"):  # no snapshot yet: try again later
            return _problem(request, 503, str(exc))
        return _problem(request, 400, str(exc))


class SecureHeaders:
    """Security headers on every response: a plain ASGI middleware (Starlette's
    ``BaseHTTPMiddleware`` runs each request in an extra task and costs more than the rest
    of the middleware stack together)."""

    def __init__(self, app: ASGIApp, secure: bool):
        self.app, self.secure = app, secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "no-referrer"
                headers["Content-Security-Policy"] = CSP
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
                if not static:
                    headers["Cache-Control"] = "no-store"
                if self.secure:
                    headers["Strict-Transport-Security"] = "max-age=31536000"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: WebSettings) -> FastAPI:
    """The web app for one project; opens (and migrates) the state database now."""
    runtime = Runtime(settings, open_app_state(settings.state_url),
                      SnapshotReader(settings.project))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        runtime.reader.close()
        runtime.state.dispose()

    app = FastAPI(title="famlink", version="1", lifespan=lifespan, docs_url=None,
                  redoc_url=None, openapi_url="/api/openapi.json",
                  description="The famlink JSON API for partners' systems: the same roles, "
                  "scope, field restrictions and audit as the web portals.")
    app.state.runtime = runtime
    app.state.templates = make_templates()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, pages, notes, review, quality, audit, export, api, alerts):
        app.include_router(module.router)
    _handlers(app)
    app.add_middleware(SecureHeaders, secure=settings.secure_cookies)
    return app


def app_from_environment() -> FastAPI:
    """The app in each worker process of ``famlink serve --workers N``: the project folder
    and the cookie setting come from the environment the parent process set."""
    project = load_project(Path(os.environ[PROJECT_ENV]))
    return create_app(WebSettings.for_project(project,
                                              secure_cookies=bool(os.environ.get(SECURE_ENV))))
