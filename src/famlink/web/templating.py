"""Rendering pages: Jinja2 templates with the user, the CSRF token and the menu in context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

TEMPLATES = Path(__file__).parent / "templates"
MENU = (("view_dashboard", "/", "Dashboard"), ("search", "/search", "Search"),
        ("view_alerts", "/alerts", "Alerts"),
        ("review_matches", "/review", "Review queue"), ("view_quality", "/quality", "Data quality"),
        ("view_audit", "/audit", "Audit"))


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.auto_reload = False  # shipped with famlink: no need to stat them per page
    templates.env.filters["pct"] = lambda v: f"{v:.1f}%"
    templates.env.filters["date"] = lambda d: d.isoformat() if d else "-"
    return templates


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    who = context.get("actor")
    menu = [(url, label) for action, url, label in MENU if who is not None and who.can(action)]
    context.update(csrf_token=getattr(request.state, "csrf_token", ""), menu=menu)
    return templates.TemplateResponse(request, name, context, status_code=status)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
