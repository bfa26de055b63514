"""The JSON API for partners' systems: the same guard as the pages, so the same roles,
scope, field restrictions and audit. Sign in with ``POST /api/session`` and send
``Authorization: Bearer <token>``; the OpenAPI description is at ``/api/openapi.json``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from famlink.views.family import FamilyView
from famlink.views.find import FoundPerson
from famlink.views.person import PersonView
from famlink.web.deps import Allowed, CsrfDep
from famlink.web.guard import Guard
from famlink.web.pupil import PupilView
from famlink.web.review import Pair
from famlink.web.search import SearchForm

router = APIRouter(prefix="/api", tags=["api"])
Reason = Annotated[str, Query(max_length=500, description="why (asked for restricted records)")]


@router.get("/search", response_model=list[FoundPerson])
def search(guard: Annotated[Guard, Allowed("search")], name: str = "", dob: str = "",
           postcode: str = "", identifier: str = "",
           limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[FoundPerson]:
    """Persons matching every field given, within the caller's scope."""
    return guard.search(SearchForm(name, dob, postcode, identifier, limit))


@router.get("/persons/{person_id}", response_model=PersonView)
def person(person_id: str, guard: Annotated[Guard, Allowed("view_person")],
           reason: Reason = "") -> PersonView:
    """The single view of a person, with the fields the caller's role may see."""
    return guard.person(person_id, reason)


@router.get("/pupils/{person_id}", response_model=PupilView)
def pupil(person_id: str, guard: Annotated[Guard, Allowed("view_pupil")],
          reason: Reason = "") -> PupilView:
    """The school pupil overview (school roles)."""
    return guard.pupil(person_id, reason)


@router.get("/families/{family_id}", response_model=FamilyView)
def family(family_id: str, guard: Annotated[Guard, Allowed("view_family")]) -> FamilyView:
    """The single view of a family."""
    return guard.family(family_id)


@router.get("/review", response_model=list[Pair])
def review(guard: Annotated[Guard, Allowed("review_matches")],
           limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[Pair]:
    """Undecided uncertain pairs, least certain first."""
    return guard.review_queue(limit)


class NoteIn(BaseModel):
    body: str = Field(min_length=1, max_length=5000)
    visible_to: list[str] = Field(default_factory=list)


class NoteOut(BaseModel):
    note_id: int
    author: str
    author_role: str
    body: str
    visible_to: list[str]
    created_at: str


@router.get("/notes/{kind}/{subject_id}", response_model=list[NoteOut])
def notes(kind: str, subject_id: str, guard: Annotated[Guard, Allowed()]) -> list[NoteOut]:
    """The notes on a person or family that the caller's role may read."""
    guard.audit("view_notes", kind, subject_id)
    return [NoteOut(note_id=n.note_id, author=n.author, author_role=n.author_role, body=n.body,
                    visible_to=n.visible_to.split(","), created_at=n.created_at.isoformat())
            for n in guard.notes(kind, subject_id)]


@router.post("/notes/{kind}/{subject_id}", response_model=NoteOut, dependencies=[CsrfDep])
def add_note(kind: str, subject_id: str, note: NoteIn,
             guard: Annotated[Guard, Allowed("write_notes")]) -> NoteOut:
    """Add a note (visible to the caller's role and the roles listed)."""
    n = guard.add_note(kind, subject_id, note.body, note.visible_to)
    return NoteOut(note_id=n.note_id, author=n.author, author_role=n.author_role, body=n.body,
                   visible_to=n.visible_to.split(","), created_at=n.created_at.isoformat())
