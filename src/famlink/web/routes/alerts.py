"""The alerts inbox and acknowledging an alert."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from famlink.web.deps import Allowed, CsrfDep
from famlink.web.guard import Guard
from famlink.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/alerts", response_class=HTMLResponse)
def alerts(request: Request, guard: Annotated[Guard, Allowed("view_alerts")]) -> Response:
    return render(request, "alerts.html", actor=guard.actor, alerts=guard.alerts())


@router.post("/alerts/{alert_id}/ack", dependencies=[CsrfDep])
def acknowledge(alert_id: str, guard: Annotated[Guard, Allowed("view_alerts")],
                note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    guard.acknowledge(alert_id, note)
    return RedirectResponse("/alerts", status_code=303)
