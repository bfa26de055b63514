"""The portal's pages: dashboard, search, person, family and pupil overviews."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from famlink.web.deps import ActorDep, Allowed
from famlink.web.guard import Guard
from famlink.web.search import SearchForm
from famlink.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)
OUTCOME_TABLES = ("family_flags", "flag_evidence", "eligibility", "family_scores")


@router.get("/", response_model=None)
def home(request: Request, who: ActorDep) -> Response:
    if who.can("view_dashboard"):
        return RedirectResponse("/dashboard", status_code=303)
    for action, url in (("search", "/search"), ("view_audit", "/audit"),
                        ("review_matches", "/review")):
        if who.can(action):
            return RedirectResponse(url, status_code=303)
    return render(request, "error.html", status=403, actor=who, status_code=403,
                  message="Your role has no screens: ask the data team.")


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, guard: Annotated[Guard, Allowed("view_dashboard")]) -> Response:
    return render(request, "dashboard.html", actor=guard.actor, board=guard.dashboard())


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, guard: Annotated[Guard, Allowed("search")], name: str = "",
           dob: str = "", postcode: str = "", identifier: str = "") -> Response:
    form = SearchForm(name, dob, postcode, identifier)
    results = None if form.is_empty else guard.search(form)
    page = "_results.html" if is_htmx(request) else "search.html"
    return render(request, page, actor=guard.actor, form=form, results=results,
                  person_url="/pupils" if not guard.actor.can("view_person") else "/persons")


def _outcomes(guard: Guard) -> dict[str, bool]:
    """Which outcomes tables the snapshot has (looked up once per snapshot)."""
    tables = guard.tables()
    return {t: tables.has(t) for t in OUTCOME_TABLES}


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person(request: Request, person_id: str, guard: Annotated[Guard, Allowed("view_person")],
           reason: Annotated[str, Query(max_length=500)] = "") -> Response:
    view = guard.person(person_id, reason)
    return render(request, "person.html", actor=guard.actor, p=view,
                  notes=guard.notes("person", person_id), outcomes=_outcomes(guard),
                  flags=guard.person_flags(person_id), fo=None,
                  roles=guard.access.roles, kind="person", subject_id=person_id)


@router.get("/pupils/{person_id}", response_class=HTMLResponse)
def pupil(request: Request, person_id: str, guard: Annotated[Guard, Allowed("view_pupil")],
          reason: Annotated[str, Query(max_length=500)] = "") -> Response:
    view = guard.pupil(person_id, reason)
    return render(request, "pupil.html", actor=guard.actor, v=view, p=view.person,
                  notes=guard.notes("person", person_id), roles=guard.access.roles,
                  kind="person", subject_id=person_id)


@router.get("/families/{family_id}", response_class=HTMLResponse)
def family(request: Request, family_id: str,
           guard: Annotated[Guard, Allowed("view_family")]) -> Response:
    view = guard.family(family_id)
    return render(request, "family.html", actor=guard.actor, f=view,
                  notes=guard.notes("family", family_id), outcomes=_outcomes(guard),
                  fo=guard.family_outcomes(family_id), flags=None,
                  roles=guard.access.roles, kind="family", subject_id=family_id)
