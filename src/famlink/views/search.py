"""Advanced person search: by name (typos and nicknames forgiven), date of birth, postcode
and identifier, each hit ranked with the reasons it matched.

    search_persons(con, SearchQuery(name="Bob Smyth", dob="1950-01-01", limit=10))

The query is checked first: an unreadable date of birth, a postcode that is not one, or an
identifier that fails its check digit is a FamlinkError saying what is wrong. Candidates are
then found by key (similar surnames and forenames from the dictionary of names, the date of
birth and its day/month swap, the postcode or its sector, the identifier) and each
candidate's name/date of birth/postcode rows are scored in Python (``famlink.views.scoring``).
In a published snapshot these are indexed serving tables; on a warehouse the same rows come
from the records (slower, same results).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

import duckdb

from famlink.errors import FamlinkError
from famlink.standardise.names import canonical_forename, phonetic_key
from famlink.views import serving
from famlink.views.criteria import Criteria, criteria_of
from famlink.views.lookup import Tables, tables_of
from famlink.views.scoring import (
    CLOSE,
    NO_MATCH,
    Part,
    best,
    dob_part,
    forename_part,
    postcode_part,
    surname_part,
)
from famlink.views.search_keys import Keyed, read_keyed

WEIGHTS = {"name": 0.5, "dob": 0.3, "postcode": 0.2, "identifier": 1.0}
CAP = 300  # candidate rows read per key, at most: exact matches first, then the best-known
ROW = ("person_id", "first_name", "first_name_canon", "surname", "former_surname",
       "date_of_birth", "postcode", "n_person")
HIT = ("person_name", "person_date_of_birth", "person_sex", "person_feeds")
# Rows equal on score are cut at CAP in this order, so a search always reads the same rows.
TIES = "n_person DESC, person_id, surname, first_name, date_of_birth, postcode, former_surname"
_PARAM = re.compile(r"\$(\w+)")


@dataclass(frozen=True)
class SearchQuery:
    name: str | None = None
    dob: str | dt.date | None = None
    postcode: str | None = None
    identifier: str | None = None
    limit: int = 20


@dataclass(frozen=True)
class SearchHit:
    person_id: str
    name: str
    date_of_birth: dt.date | None
    sex: str | None
    n_records: int
    score: float  # 0 to 1: the weighted share of the criteria given that matched
    reasons: list[str] = field(default_factory=list)
    matched_name: str | None = None
    feeds: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Sources:
    search: str
    identifiers: str
    words: str
    keyed: bool = False  # names and dates of birth read by key (a snapshot's search_keys)


def _sources(con: duckdb.DuckDBPyConnection, t: Tables) -> _Sources:
    if t.has("serve_search", "serve_identifiers", "serve_name_words", "serve_search_keys",
             "serve_name_forenames"):
        return _Sources("serve_search", "serve_identifiers", "serve_name_words", keyed=True)
    if not t.has("persons"):
        raise FamlinkError("no persons in the warehouse yet: run `famlink run` first")
    if not serving.has_search_columns(con):
        raise FamlinkError("the records have no standardised names to search: run "
                           "`famlink run standardise link`")
    search = f"({serving.search_rows_sql()})"
    return _Sources(search, f"({serving.identifiers_sql()})",
                    f"({serving.name_words_sql(search)})")


def search_persons(con: duckdb.DuckDBPyConnection, query: SearchQuery,
                   within: frozenset[str] | None = None,
                   tables: Tables | None = None) -> list[SearchHit]:
    """The persons best matching ``query``, best first, at most ``query.limit``; only among
    ``within`` when given (a user's scope), before the limit is applied. ``tables``: the
    snapshot's tables when the caller has them (else they are read)."""
    crit = criteria_of(query.name, query.dob, query.postcode, query.identifier, query.limit)
    src = _sources(con, tables or tables_of(con))
    by_identifier = _identifier_matches(con, src, crit)
    rows = _candidates(con, src, crit, sorted(by_identifier))
    best = _best_rows(crit, rows, by_identifier)
    allowed = [b for b in best.values() if within is None or b.person_id in within]
    ranked = sorted(allowed, key=lambda b: (-b.score, -b.n_person, b.person_id))
    return _hits(rows, ranked[:crit.limit])


@dataclass(frozen=True)
class _Best:
    """A person's best-matching row: its score, reasons and name."""

    person_id: str
    score: float
    n_person: int
    reasons: list[str]
    matched_name: str
    key: tuple[str, ...]  # on equal scores, the row first in this order wins


def _best_rows(crit: Criteria, rows: list[dict[str, Any]],
               by_identifier: dict[str, str]) -> dict[str, _Best]:
    best: dict[str, _Best] = {}
    for row in rows:
        score, reasons = _score(crit, row, by_identifier)
        key = tuple(str(row[c] or "") for c in ROW)
        now = best.get(row["person_id"])
        if reasons and (now is None or score > now.score
                        or (score == now.score and key < now.key)):
            name = " ".join(x for x in (row["first_name"], row["surname"]) if x)
            best[row["person_id"]] = _Best(row["person_id"], score, row["n_person"] or 0,
                                           reasons, name, key)
    return best


def _identifier_matches(con: duckdb.DuckDBPyConnection, src: _Sources,
                        crit: Criteria) -> dict[str, str]:
    if crit.identifier is None:
        return {}
    kind, value = crit.identifier
    kinds = ("upn", "former_upn") if kind == "upn" else (kind,)
    rows = con.execute(f"SELECT person_id, kind FROM {src.identifiers} WHERE value = ? "
                       "AND list_contains(?, kind)", [value, list(kinds)]).fetchall()
    return {pid: found for pid, found in rows}


Key = tuple[str, str, str, dict[str, Any]]  # table, WHERE, what an exact match is, parameters
Branch = Key | Keyed


def _candidates(con: duckdb.DuckDBPyConnection, src: _Sources, crit: Criteria,
                identified: list[str]) -> list[dict[str, Any]]:
    """Rows of persons sharing a key with the query: the identifier, a similar name, the
    date of birth (or its day/month swap), the postcode (or its sector, or district).
    Each key reads at most CAP rows, exact matches first."""
    branches: list[Branch] = []
    if identified:
        branches.append((src.search, "list_contains($ids, person_id)", "", {"ids": identified}))
    if crit.surname:
        branches += _name_keys(con, src, crit)
    if crit.dob is not None:
        dobs = [d for d in (crit.dob, crit.dob_swapped) if d]
        branches.append(Keyed([serving.dob_key(d) for d in dobs], {"date_of_birth": crit.dob})
                        if src.keyed else
                        (src.search, "list_contains($d, date_of_birth)", "date_of_birth = $d[1]",
                         {"d": dobs}))
    if crit.postcode and not (crit.surname or crit.dob):
        branches.append(_postcode_key(src.search, crit.postcode))
    keyed = [b for b in branches if isinstance(b, Keyed)]
    return (read_keyed(con, keyed, CAP) +
            _queried(con, [b for b in branches if not isinstance(b, Keyed)]))


def _queried(con: duckdb.DuckDBPyConnection, keys: list[Key]) -> list[dict[str, Any]]:
    """The rows of branches that are queries, all in one."""
    if not keys:
        return []
    columns, branches, params = ", ".join((*ROW, *HIT)), [], {}
    for i, (table, where, exact, values) in enumerate(keys):
        def rename(m: re.Match[str], i: int = i) -> str:
            return f"$k{i}_{m.group(1)}"
        where, exact = _PARAM.sub(rename, where), _PARAM.sub(rename, exact)
        params.update({f"k{i}_{name}": value for name, value in values.items()})
        branches.append(f"(SELECT * FROM (SELECT DISTINCT {columns} FROM {table} WHERE {where}) "
                        f"ORDER BY {exact + ' DESC, ' if exact else ''}{TIES} LIMIT {CAP})")
    found = con.execute(" UNION ALL ".join(branches), params).fetchall()
    return [dict(zip((*ROW, *HIT), r, strict=True)) for r in found]


def _postcode_key(search: str, postcode: str) -> Key:
    if " " not in postcode:
        column = "split_part(postcode, ' ', 1)"
    elif len(postcode.split(" ")[1]) == 1:
        column = "postcode_sector"
    else:
        column = "postcode"
    return (search, f"{column} = $p", "postcode = $p", {"p": postcode})


def _similar(con: duckdb.DuckDBPyConnection, src: _Sources,
             wanted: dict[str, str]) -> dict[str, list[str]]:
    """For each kind (forename, surname) and word: the words of the dictionary spelled close
    to it or sounding like it, the word itself first (one query for all)."""
    parts, params = [], []
    for kind, word in wanted.items():
        parts.append(f"SELECT kind, word FROM {src.words} WHERE kind = ? AND (metaphone = ? "
                     f"OR jaro_winkler_similarity(word, ?) >= {CLOSE})")
        params += [kind, phonetic_key(word), word]
    found: dict[str, set[str]] = {kind: set() for kind in wanted}
    for kind, word in con.execute(" UNION ALL ".join(parts), params).fetchall():
        found[kind].add(word)
    return {kind: [word, *sorted(found[kind] - {word})] for kind, word in wanted.items()}


def _name_keys(con: duckdb.DuckDBPyConnection, src: _Sources,
               crit: Criteria) -> list[Branch]:
    """Similar surnames or the same former surname, with (for a two-word name) a forename of
    the same canonical form (a nickname) or a similar spelling; for a one-word name, also
    the forenames that fit it. A forename with a garbled surname is found through the date
    of birth, when given."""
    word = crit.surname or ""
    if crit.one_word:
        similar = _similar(con, src, {"surname": word, "forename": word})
        return [(src.search, "list_contains($s, surname)", "surname = $s[1]",
                 {"s": similar["surname"]}),
                (src.search, "former_surname = $w", "", {"w": word}),
                (src.search, "first_name_canon = $c", "first_name = $w",
                 {"c": canonical_forename(word), "w": word}),
                (src.search, "list_contains($f, first_name)", "first_name = $f[1]",
                 {"f": similar["forename"]})]
    forename = crit.forename or ""
    similar = _similar(con, src, {"surname": word, "forename": forename})
    surnames, forenames = similar["surname"], similar["forename"]
    canon = canonical_forename(forename)
    exact = "surname = $sx AND first_name = $fx"
    if src.keyed:  # the keys these spellings make that some row has, read by key
        main, former = _name_keys_present(con, word, surnames, set(forenames), canon)
        return [Keyed(main, {"surname": word, "first_name": forename}), Keyed(former)]
    fits = "(first_name_canon = $c OR list_contains($f, first_name))"
    params = {"c": canon, "f": forenames}
    return [(src.search, f"list_contains($ss, surname) AND {fits}", exact,
             {"ss": surnames, "sx": word, "fx": forename, **params}),
            (src.search, f"former_surname = $w AND {fits}", "", {"w": word, **params})]


def _name_keys_present(con: duckdb.DuckDBPyConnection, word: str, surnames: list[str],
                       forenames: set[str], canon: str) -> tuple[list[str], list[str]]:
    """The name keys that some row has, of a similar surname with a similar forename or the
    canonical one, and of the former surname ``word`` likewise: read from each surname's
    list of keys (``serve_name_forenames``), so that the rows are then read by a few keys
    rather than by every pair of spellings."""
    main: list[str] = []
    former: list[str] = []
    rows = con.execute("SELECT surname, forenames FROM serve_name_forenames "
                       "WHERE list_contains(?, surname)", [surnames]).fetchall()
    for surname, listed in rows:
        for kind, name in json.loads(listed):
            fits = name in forenames if kind in ("S", "FS") else name == canon
            if fits and kind in ("S", "C"):
                main.append(serving.name_key(kind, surname, name))
            elif fits and surname == word:
                former.append(serving.name_key(kind, surname, name))
    return sorted(main), sorted(former)


def _name_part(crit: Criteria, row: dict[str, Any]) -> Part:
    surname = lambda w: surname_part(w, row["surname"], row["former_surname"])  # noqa: E731
    forename = lambda w: forename_part(w, row["first_name"], row["first_name_canon"])  # noqa: E731
    if crit.surname and crit.forename:
        s, f = surname(crit.surname), forename(crit.forename)
        if not s.score and not f.score:
            return NO_MATCH
        reason = "; ".join(p.reason for p in (f, s) if p.reason)
        return Part(0.55 * s.score + 0.45 * f.score, reason)
    word = crit.surname or ""
    return best(surname(word), forename(word))


def _score(crit: Criteria, row: dict[str, Any],
           by_identifier: dict[str, str]) -> tuple[float, list[str]]:
    parts: dict[str, Part] = {}
    if crit.surname:
        parts["name"] = _name_part(crit, row)
    if crit.dob is not None:
        parts["dob"] = dob_part(crit.dob, row["date_of_birth"])
    if crit.postcode:
        parts["postcode"] = postcode_part(crit.postcode, row["postcode"])
    if crit.identifier is not None:
        kind = by_identifier.get(row["person_id"])
        parts["identifier"] = Part(1.0, f"{kind.replace('_', ' ')} exact") if kind else NO_MATCH
    total = sum(WEIGHTS[k] for k in parts)
    score = sum(WEIGHTS[k] * p.score for k, p in parts.items()) / total
    return round(score, 4), [r for p in parts.values() if p.reason for r in p.reason.split("; ")]


def _hits(rows: list[dict[str, Any]], ranked: list[_Best]) -> list[SearchHit]:
    """The hits in ranked order, with each person's display name, dob, sex, records and
    feeds (which every candidate row carries)."""
    person = {r["person_id"]: r for r in rows}
    out = []
    for b in ranked:
        p = person[b.person_id]
        out.append(SearchHit(b.person_id, p["person_name"], p["person_date_of_birth"],
                             p["person_sex"], p["n_person"], b.score, b.reasons, b.matched_name,
                             list(json.loads(p["person_feeds"] or "[]") or [])))
    return out
