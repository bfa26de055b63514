"""The review queue screen: pairs, a pair side by side with its waterfall, and decisions."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from famlink.web.deps import Allowed, CsrfDep
from famlink.web.guard import Guard
from famlink.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)
ReviewGuard = Annotated[Guard, Allowed("review_matches")]


@router.get("/review", response_class=HTMLResponse)
def queue(request: Request, guard: ReviewGuard) -> Response:
    return render(request, "review.html", actor=guard.actor, pairs=guard.review_queue())


@router.get("/review/pair", response_class=HTMLResponse)
def pair(request: Request, guard: ReviewGuard, left: str, right: str) -> Response:
    sides, explanation = guard.review_pair(left, right)
    return render(request, "review_pair.html", actor=guard.actor, s=sides, ex=explanation)


@router.post("/review/decide", response_class=HTMLResponse, dependencies=[CsrfDep])
def decide(request: Request, guard: ReviewGuard, left: Annotated[str, Form()],
           right: Annotated[str, Form()],
           decision: Annotated[Literal["must_link", "must_not_link"], Form()],
           reason: Annotated[str, Form()]) -> Response:
    made = guard.decide(left, right, decision, reason)
    if is_htmx(request):
        return render(request, "_decided.html", actor=guard.actor, d=made)
    return RedirectResponse("/review", status_code=303)
