"""The data-quality page: per feed, rows read, loaded and quarantined, the reasons, and how
well each mapped field is filled and valid."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from famlink.web.deps import Allowed, RuntimeDep
from famlink.web.guard import Guard
from famlink.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/quality", response_class=HTMLResponse)
def quality(request: Request, rt: RuntimeDep,
            guard: Annotated[Guard, Allowed("view_quality")]) -> Response:
    feeds = guard.quality(rt.settings.project)
    return render(request, "quality.html", actor=guard.actor, feeds=feeds)
