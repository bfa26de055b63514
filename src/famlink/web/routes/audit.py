"""The governance screen: who looked at a person (or did anything) and when, and whether the
audit chain is intact."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from famlink.access import audit
from famlink.web.deps import Permitted, RuntimeDep
from famlink.web.guard import Actor
from famlink.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, rt: RuntimeDep, who: Annotated[Actor, Permitted("view_audit")],
               subject: str = "", user: str = "", action: str = "",
               verify: bool = False) -> Response:
    found = audit.entries(rt.state, subject_id=subject.strip() or None,
                          username=user.strip().lower() or None, action=action.strip() or None)
    check = audit.verify(rt.state) if verify else None
    audit.append(rt.state, username=who.username, role=who.account.role, action="view_audit",
                 subject_kind="person" if subject else None, subject_id=subject or None,
                 detail={"user": user, "action": action, "verify": verify})
    return render(request, "audit.html", actor=who, entries=found, subject=subject, user=user,
                  action=action, check=check)
