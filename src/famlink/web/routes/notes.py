"""Adding a note to a person or family (htmx posts the form and swaps in the list)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from famlink.web.deps import Allowed, CsrfDep
from famlink.web.guard import Guard
from famlink.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)


@router.post("/notes/{kind}/{subject_id}", response_class=HTMLResponse, dependencies=[CsrfDep])
def add(request: Request, kind: str, subject_id: str,
        guard: Annotated[Guard, Allowed("write_notes")], body: Annotated[str, Form()],
        visible_to: Annotated[list[str] | None, Form()] = None) -> Response:
    guard.add_note(kind, subject_id, body, visible_to or [])
    if is_htmx(request):
        return render(request, "_notes.html", actor=guard.actor, kind=kind,
                      subject_id=subject_id, notes=guard.notes(kind, subject_id),
                      roles=guard.access.roles)
    back = {"person": "/persons/", "family": "/families/"}[kind]
    if kind == "person" and not guard.actor.can("view_person"):
        back = "/pupils/"
    return RedirectResponse(back + subject_id, status_code=303)
