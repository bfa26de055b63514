"""The advanced search form: name (fuzzy), date of birth, postcode (full, sector or district)
and an identifier (NHS number, UPN or NI number), ranked by ``search_persons``. Scope and
field restrictions are applied by the guard, not here."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from famlink.errors import FamlinkError
from famlink.views.find import FoundPerson
from famlink.views.lookup import Tables
from famlink.views.search import SearchQuery, search_persons


@dataclass(frozen=True)
class SearchForm:
    name: str = ""
    dob: str = ""
    postcode: str = ""
    identifier: str = ""
    limit: int = 50

    @property
    def is_empty(self) -> bool:
        return not (self.name.strip() or self.dob.strip() or self.postcode.strip()
                    or self.identifier.strip())

    def terms(self) -> dict[str, str]:
        """What was searched for, as the audit log records it."""
        return {k: v.strip() for k, v in (("name", self.name), ("dob", self.dob),
                                          ("postcode", self.postcode),
                                          ("identifier", self.identifier)) if v.strip()}


def run_search(con: duckdb.DuckDBPyConnection, form: SearchForm,
               allowed: frozenset[str] | None = None,
               tables: Tables | None = None) -> list[FoundPerson]:
    """Persons best matching the form (``search_persons``: typos, nicknames, day/month
    swaps, postcode sectors, checked identifiers), only among ``allowed`` (None: all)."""
    if form.is_empty:
        raise FamlinkError("give a name, a date of birth, a postcode or an identifier")
    hits = search_persons(con, SearchQuery(
        name=form.name.strip() or None, dob=form.dob.strip() or None,
        postcode=form.postcode.strip() or None, identifier=form.identifier.strip() or None,
        limit=form.limit), within=allowed, tables=tables)
    return [FoundPerson(h.person_id, h.name, h.date_of_birth, h.sex, h.n_records, h.feeds,
                        h.matched_name or h.name, h.score) for h in hits]
