"""A person's name, date of birth, sex and identifier variants, summarised in Python from
their rows of ``serve_person_records`` (one lookup by key in a snapshot).

The summary is the same as the grouped queries of ``famlink.views.person`` give on the
warehouse (tests compare the two on the town): values grouped and counted, most common first,
with the feeds, the record IDs and the values as the feeds recorded them. Grouping a handful
of rows in Python is much cheaper than planning one ordered aggregate query per section.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import duckdb

IDENTIFIERS = ("nhs_number", "upn", "former_upn", "ni_number")
ORIGINALS = ("orig_nhs_number", "orig_upn", "orig_ni_number")  # as the feed gave them
COLUMNS = ("record_id", "feed", "first_name", "middle_names", "surname", "date_of_birth",
           "dob_quality", "sex", "orig_name", "orig_date_of_birth", "nhs_number", "upn",
           "former_upn", "ni_number", "orig_nhs_number", "orig_upn", "orig_ni_number")
Row = dict[str, Any]
# kind, value, n_records, feeds, record_ids, as_recorded, quality (person.Variant's fields)
Summary = tuple[str, str, int, list[str], list[str], list[str], str | None]


def person_records(con: duckdb.DuckDBPyConnection, person_id: str) -> list[Row]:
    rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM serve_person_records "
                       "WHERE person_id = ?", [person_id]).fetchall()
    return [dict(zip(COLUMNS, r, strict=True)) for r in rows]


def _name(r: Row) -> str | None:
    return " ".join(x for x in (r["first_name"], r["middle_names"], r["surname"]) if x is not None)


def _dob(r: Row) -> str | None:
    return None if r["date_of_birth"] is None else r["date_of_birth"].strftime("%Y-%m-%d")


VALUES: dict[str, tuple[Callable[[Row], str | None], str | None]] = {
    "name": (_name, "orig_name"),
    "date_of_birth": (_dob, "orig_date_of_birth"),
    "sex": (lambda r: r["sex"], None),
}


def _group(rows: Iterable[tuple[str, Row, str | None]]) -> dict[str, list[tuple[Row, Any]]]:
    groups: dict[str, list[tuple[Row, Any]]] = defaultdict(list)
    for value, row, recorded in rows:
        groups[value].append((row, recorded))
    return groups


def _summary(kind: str, value: str, members: list[tuple[Row, Any]],
             quality: str | None = None) -> Summary:
    recorded = sorted({r for _, r in members if r is not None})
    return (kind, value, len(members), sorted({row["feed"] for row, _ in members}),
            sorted(row["record_id"] for row, _ in members), recorded, quality)


def variants(records: list[Row], kind: str) -> list[Summary]:
    """Every value of one kind among the records, most common first (then by value)."""
    value_of, recorded = VALUES[kind]
    groups = _group((v, r, r[recorded] if recorded else None)
                    for r in records if (v := value_of(r)))
    out = []
    for value, members in groups.items():
        quality = None
        if kind == "date_of_birth":
            quality = Counter(row["dob_quality"] for row, _ in members).most_common(1)[0][0]
        out.append(_summary(kind, value, members, quality))
    return sorted(out, key=lambda v: (-v[2], v[1]))


def identifiers(records: list[Row]) -> list[Summary]:
    """Each identifier value (NHS number, UPN, former UPN, NI number) with its records."""
    out = []
    for kind in IDENTIFIERS:
        original = f"orig_{kind}" if f"orig_{kind}" in ORIGINALS else None
        groups = _group((r[kind], r, r[original] if original else None)
                        for r in records if r[kind] is not None)
        for value, members in groups.items():
            kept = [(row, o if o != value else None) for row, o in members]
            out.append(_summary(kind, value, kept))
    return sorted(out, key=lambda v: (v[0], -v[2], v[1]))
