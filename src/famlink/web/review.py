"""The review queue: uncertain pairs not yet decided, each shown side by side with its
match-weight explanation; a decision is stored through ``famlink.link.decisions`` and the
next link run applies it."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
from sqlalchemy import Engine

from famlink.engine import table_exists
from famlink.errors import FamlinkError
from famlink.link.decisions import current_decisions

RECORD_FIELDS = ("feed", "first_name", "middle_names", "surname", "former_surname",
                 "date_of_birth", "sex", "nhs_number", "upn", "ni_number", "postcode",
                 "address_norm", "uprn")


@dataclass(frozen=True)
class Pair:
    record_id_l: str
    record_id_r: str
    match_weight: float
    match_probability: float
    person_id_l: str | None
    person_id_r: str | None
    same_person: bool


@dataclass(frozen=True)
class SideBySide:
    pair: Pair
    fields: list[tuple[str, str, str, bool]]  # field, left, right, agree


def pending_pairs(con: duckdb.DuckDBPyConnection, state: Engine, limit: int = 50) -> list[Pair]:
    """Undecided pairs, closest to the threshold (the least certain) first."""
    if not table_exists(con, "review_queue"):
        raise FamlinkError("no review queue in the published snapshot: run `famlink run link`")
    decided = {(d.record_id_l, d.record_id_r) for d in current_decisions(state)}
    rows = con.execute("SELECT record_id_l, record_id_r, match_weight, match_probability, "
                       "person_id_l, person_id_r, same_person FROM review_queue "
                       "ORDER BY abs(match_weight), record_id_l, record_id_r").fetchall()
    pairs = [Pair(*r) for r in rows if tuple(sorted((r[0], r[1]))) not in decided]
    return pairs[:limit]


def find_pair(con: duckdb.DuckDBPyConnection, left: str, right: str) -> Pair:
    rows = con.execute("SELECT record_id_l, record_id_r, match_weight, match_probability, "
                       "person_id_l, person_id_r, same_person FROM review_queue WHERE "
                       "(record_id_l = $a AND record_id_r = $b) OR (record_id_l = $b AND "
                       "record_id_r = $a)", {"a": left, "b": right}).fetchall()
    if not rows:
        raise FamlinkError(f"{left} and {right} are not a pair in the review queue")
    return Pair(*rows[0])


def side_by_side(con: duckdb.DuckDBPyConnection, pair: Pair) -> SideBySide:
    cols = ", ".join(f"CAST({c} AS VARCHAR)" for c in RECORD_FIELDS)
    rows = {r[0]: r[1:] for r in con.execute(
        f"SELECT record_id, {cols} FROM person_records WHERE record_id IN (?, ?)",
        [pair.record_id_l, pair.record_id_r]).fetchall()}
    left = rows.get(pair.record_id_l, (None,) * len(RECORD_FIELDS))
    right = rows.get(pair.record_id_r, (None,) * len(RECORD_FIELDS))
    fields = [(name, a or "", b or "", bool(a) and a == b)
              for name, a, b in zip(RECORD_FIELDS, left, right, strict=True)]
    return SideBySide(pair, fields)
