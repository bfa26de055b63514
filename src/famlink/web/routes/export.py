"""Exports: search results as CSV and a person as JSON. Both ask for a reason, kept in the
audit log, and hold only what the role may see."""

from __future__ import annotations

import csv
import dataclasses
import io
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from famlink.web.deps import Allowed
from famlink.web.guard import Guard
from famlink.web.search import SearchForm

router = APIRouter(include_in_schema=False)
ExportGuard = Annotated[Guard, Allowed("export")]
Reason = Annotated[str, Query(max_length=500)]


@router.get("/export/search.csv")
def search_csv(guard: ExportGuard, name: str = "", dob: str = "", postcode: str = "",
               identifier: str = "", reason: Reason = "") -> Response:
    found = guard.export_search(SearchForm(name, dob, postcode, identifier, limit=200), reason)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["person_id", "name", "date_of_birth", "sex", "records", "feeds"])
    for f in found:
        writer.writerow([f.person_id, f.name, f.date_of_birth or "", f.sex or "", f.n_records,
                         " ".join(f.feeds)])
    return Response(out.getvalue(), media_type="text/csv", headers={
        "Content-Disposition": 'attachment; filename="famlink-search.csv"'})


@router.get("/export/persons/{person_id}.json")
def person_json(person_id: str, guard: ExportGuard, reason: Reason = "") -> Response:
    view = guard.export_person(person_id, reason)
    return JSONResponse(jsonable_encoder(dataclasses.asdict(view)), headers={
        "Content-Disposition": f'attachment; filename="famlink-{person_id}.json"'})
