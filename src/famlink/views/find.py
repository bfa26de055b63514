"""Finding a person by name and date of birth, across every name any of their records gives.

Each word of the query must match a word of one record's names (forenames, middle names,
surname, former surname): the same word, the same canonical forename ("Bob" finds ROBERT),
or a close spelling (Jaro-Winkler >= 0.88). Persons are ranked by how closely their best
record matches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from famlink.engine import table_exists
from famlink.errors import FamlinkError
from famlink.standardise.dates import parse_date
from famlink.standardise.names import canonical_forename, standardise_forename

CLOSE = 0.88
FIND_SQL = """
WITH records AS (
    SELECT m.person_id, p.record_id, p.date_of_birth,
           concat_ws(' ', p.first_name, p.middle_names, p.surname) AS matched_name,
           list_filter(string_split(concat_ws(' ', p.first_name, p.middle_names, p.surname,
                                              p.former_surname, p.first_name_canon), ' '),
                       lambda w: w <> '') AS words
    FROM person_records p JOIN person_membership m USING (record_id)
    WHERE {dob_filter}),
scored AS (
    SELECT person_id, matched_name, {score} AS score FROM records WHERE {all_match})
SELECT s.person_id, coalesce(nullif(trim(concat_ws(' ', p.first_name, p.surname)), ''),
                                s.person_id) AS name,
       p.date_of_birth, p.sex, p.n_records, p.feeds, arg_max(s.matched_name, s.score),
       max(s.score) AS score
FROM scored s JOIN persons p USING (person_id)
GROUP BY ALL ORDER BY score DESC, p.n_records DESC, s.person_id LIMIT {limit}
"""


@dataclass(frozen=True)
class FoundPerson:
    person_id: str
    name: str
    date_of_birth: dt.date | None
    sex: str | None
    n_records: int
    feeds: list[str]
    matched_name: str
    score: float


def _word_sql(i: int) -> str:
    """How well query word i (and its canonical form) matches the record's best word."""
    similarity = f"list_transform(words, lambda w: jaro_winkler_similarity(w, $w{i}))"
    return (f"greatest(list_max({similarity}), "
            f"CASE WHEN list_contains(words, $c{i}) THEN 1.0 ELSE 0 END)")


def parse_dob(text: str | None) -> dt.date | None:
    if not text:
        return None
    found = parse_date(text, dayfirst=True)
    if found is None:
        raise FamlinkError(f"cannot read the date of birth {text!r}: give it as YYYY-MM-DD or "
                           "DD/MM/YYYY")
    return found


def find_persons(con: duckdb.DuckDBPyConnection, name: str, *, dob: dt.date | None = None,
                 limit: int = 20) -> list[FoundPerson]:
    """Persons whose records match every word of ``name`` (and ``dob`` when given)."""
    if not table_exists(con, "persons"):
        raise FamlinkError("no persons in the warehouse yet: run `famlink run` first")
    words = standardise_forename(name).split()
    if not words and dob is None:
        raise FamlinkError("give a name to search for (or --dob)")
    params: dict[str, object] = {}
    for i, word in enumerate(words):
        params[f"w{i}"], params[f"c{i}"] = word, canonical_forename(word)
    scores = [_word_sql(i) for i in range(len(words))]
    dob_filter = "true"
    if dob is not None:
        dob_filter = ("m.person_id IN (SELECT m2.person_id FROM person_membership m2 JOIN "
                      "person_records p2 USING (record_id) WHERE p2.date_of_birth = $dob)")
        params["dob"] = dob
    sql = FIND_SQL.format(
        dob_filter=dob_filter, limit=int(limit),
        score=f"({' + '.join(scores)}) / {len(words)}" if words else "1.0",
        all_match=" AND ".join(f"{s} >= {CLOSE}" for s in scores) or "true")
    return [FoundPerson(*row) for row in con.execute(sql, params).fetchall()]
