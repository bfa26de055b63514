"""The advanced search form: name (fuzzy, through ``find_persons``), date of birth, postcode
(full or a district) and an identifier (NHS number, UPN or NI number). Every field given must
match. Scope and field restrictions are applied by the guard, not here."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb

from famlink.errors import FamlinkError
from famlink.standardise.postcodes import normalise_postcode
from famlink.views.find import FoundPerson, find_persons, parse_dob

MEMBERS = "FROM person_records r JOIN person_membership m USING (record_id)"
PERSONS_SQL = ("SELECT person_id, coalesce(nullif(trim(concat_ws(' ', first_name, surname)), "
               "''), person_id), date_of_birth, sex, n_records, feeds FROM persons "
               "WHERE list_contains(?, person_id) ORDER BY surname, first_name, person_id "
               "LIMIT ?")


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


def _ids(con: duckdb.DuckDBPyConnection, sql: str,
         params: list[object] | dict[str, object]) -> set[str]:
    return {str(r[0]) for r in con.execute(sql, params).fetchall()}


def _postcode_ids(con: duckdb.DuckDBPyConnection, text: str) -> set[str]:
    full = normalise_postcode(text)
    if full:
        return _ids(con, f"SELECT DISTINCT m.person_id {MEMBERS} WHERE r.postcode = ?", [full])
    district = re.sub(r"\s+", "", text).upper()
    if not re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]?", district):
        raise FamlinkError(f"cannot read the postcode {text!r}: give a full postcode "
                           "(NB1 2AB) or a district (NB1)")
    return _ids(con, f"SELECT DISTINCT m.person_id {MEMBERS} WHERE r.postcode_outward = ?",
                [district])


def _identifier_ids(con: duckdb.DuckDBPyConnection, text: str) -> set[str]:
    value = re.sub(r"[\s-]+", "", text).upper()
    return _ids(con, f"SELECT DISTINCT m.person_id {MEMBERS} WHERE r.nhs_number = $v OR "
                     "r.upn = $v OR r.former_upn = $v OR r.ni_number = $v", {"v": value})


def _by_ids(con: duckdb.DuckDBPyConnection, ids: set[str], limit: int) -> list[FoundPerson]:
    rows = con.execute(PERSONS_SQL, [sorted(ids), limit]).fetchall()
    return [FoundPerson(pid, name, dob, sex, n, feeds, name, 1.0)
            for pid, name, dob, sex, n, feeds in rows]


def run_search(con: duckdb.DuckDBPyConnection, form: SearchForm,
               allowed: frozenset[str] | None = None) -> list[FoundPerson]:
    """Persons matching every field given, best first, only among ``allowed`` (None: all)."""
    if form.is_empty:
        raise FamlinkError("give a name, a date of birth, a postcode or an identifier")
    dob: dt.date | None = parse_dob(form.dob.strip()) if form.dob.strip() else None
    narrow: set[str] | None = set(allowed) if allowed is not None else None
    for text, finder in ((form.postcode, _postcode_ids), (form.identifier, _identifier_ids)):
        if text.strip():
            found = finder(con, text.strip())
            narrow = found if narrow is None else narrow & found
    if form.name.strip() or (dob is not None and narrow is None):
        wide = form.limit if narrow is None else max(form.limit * 20, 1000)
        hits = find_persons(con, form.name.strip(), dob=dob, limit=wide)
        return [h for h in hits if narrow is None or h.person_id in narrow][: form.limit]
    if dob is not None and narrow:
        narrow &= _ids(con, f"SELECT DISTINCT m.person_id {MEMBERS} WHERE r.date_of_birth = ?",
                       [dob])
    return _by_ids(con, narrow or set(), form.limit)
