"""The single view of a person: who the records say they are, where and with whom they live,
their relationships and families, and their chronology, each part traceable to records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from famlink.chronology.entries import ChronologyEntry, person_chronology
from famlink.views import pages, records
from famlink.views.lookup import Tables, display_names, households_hint, require_person, tables_of


@dataclass(frozen=True)
class Variant:
    """One value as the records give it (a name, a date of birth, an identifier, a sex)."""

    kind: str
    value: str
    n_records: int
    feeds: list[str]
    record_ids: list[str]
    as_recorded: list[str] = field(default_factory=list)
    quality: str | None = None


@dataclass(frozen=True)
class AddressSpell:
    address: str | None
    postcode: str | None
    uprn: str | None
    first_seen_date: dt.date | None
    last_seen_date: dt.date | None
    n_records: int
    feeds: list[str]
    dwelling_key: str | None = None


@dataclass(frozen=True)
class CurrentAddress:
    address: str | None
    postcode: str | None
    uprn: str | None
    reason: str | None


@dataclass(frozen=True)
class Member:
    person_id: str
    name: str
    start_date: dt.date | None
    end_date: dt.date | None


@dataclass(frozen=True)
class Household:
    household_id: str
    address: str | None
    postcode: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    members: list[Member]


@dataclass(frozen=True)
class Relationship:
    """A relationship seen from one person: ``relation`` is 'parent of', 'child of',
    'partner of' or 'sibling of' the other person."""

    person_id: str
    person_name: str
    other_person_id: str
    other_name: str
    relation: str
    source: str | None
    confidence: float | None
    evidence: str | None
    start_date: dt.date | None
    end_date: dt.date | None


@dataclass(frozen=True)
class FamilyRole:
    family_id: str
    role: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    n_members: int | None


@dataclass
class PersonView:
    person_id: str
    name: str
    n_records: int
    feeds: list[str]
    names: list[Variant]
    dates_of_birth: list[Variant]
    identifiers: list[Variant]
    sexes: list[Variant]
    addresses: list[AddressSpell]
    addresses_from: str  # "address_history", or "records" before the households stage
    current_address: CurrentAddress | None
    households: list[Household]
    relationships: list[Relationship]
    families: list[FamilyRole]
    chronology: list[ChronologyEntry]
    hints: list[str]


MEMBER_RECORDS = ("FROM person_records p JOIN person_membership m USING (record_id) "
                  "WHERE m.person_id = ?")
SERVED_RECORDS = "FROM serve_person_records p WHERE p.person_id = ?"
NAME_SQL = "coalesce(nullif(trim(concat_ws(' ', first_name, surname)), ''), person_id)"
VARIANTS_SQL = {
    "name": "concat_ws(' ', p.first_name, p.middle_names, p.surname)",
    "date_of_birth": "strftime(p.date_of_birth, '%Y-%m-%d')",
    "sex": "p.sex",
}
RECORDED = {"name": "p.orig_name", "date_of_birth": "p.orig_date_of_birth",
            "sex": "CAST(NULL AS VARCHAR)"}


IDENTIFIERS, ORIGINALS = records.IDENTIFIERS, records.ORIGINALS


def _records(t: Tables) -> str:
    """The person's records: stored with their person ID in a snapshot, else a join."""
    return SERVED_RECORDS if t.has("serve_person_records") else MEMBER_RECORDS


def _variants(con: duckdb.DuckDBPyConnection, person_id: str, kind: str,
              t: Tables) -> list[Variant]:
    """Every value of one kind among the person's records, most common first."""
    value = VARIANTS_SQL[kind]
    quality = "mode(p.dob_quality)" if kind == "date_of_birth" else "NULL"
    rows = con.execute(
        f"SELECT {value} AS v, count(*) AS n, list(DISTINCT p.feed ORDER BY p.feed), "
        f"list(p.record_id ORDER BY p.record_id), "
        f"list(DISTINCT {RECORDED[kind]} ORDER BY {RECORDED[kind]}) "
        f"FILTER (WHERE {RECORDED[kind]} IS NOT NULL), {quality} "
        f"{_records(t)} AND nullif({value}, '') IS NOT NULL GROUP BY v ORDER BY n DESC, v",
        [person_id]).fetchall()
    return [Variant(kind, v, n, feeds, ids, recorded or [], q)
            for v, n, feeds, ids, recorded, q in rows]


def _identifiers(con: duckdb.DuckDBPyConnection, person_id: str, t: Tables) -> list[Variant]:
    parts = " UNION ALL ".join(
        f"SELECT {kind!r} AS kind, p.{kind} AS value, p.feed, p.record_id, "
        f"{'p.orig_' + kind if 'orig_' + kind in ORIGINALS else 'NULL'} AS orig "
        f"{_records(t)} AND p.{kind} IS NOT NULL" for kind in IDENTIFIERS)
    rows = con.execute(
        f"SELECT kind, value, count(*) AS n, list(DISTINCT feed ORDER BY feed), "
        f"list(record_id ORDER BY record_id), coalesce(list(DISTINCT orig ORDER BY orig) "
        f"FILTER (WHERE orig IS NOT NULL AND orig <> value), []) FROM ({parts}) "
        f"GROUP BY kind, value ORDER BY kind, n DESC, value",
        [person_id] * len(IDENTIFIERS)).fetchall()
    return [Variant(kind, v, n, feeds, ids, orig) for kind, v, n, feeds, ids, orig in rows]


def _addresses(con: duckdb.DuckDBPyConnection, person_id: str,
               t: Tables) -> tuple[list[AddressSpell], str]:
    if t.has("address_history"):
        rows = con.execute(
            "SELECT address, postcode, uprn, first_seen_date, last_seen_date, n_records, feeds, "
            "dwelling_key FROM address_history WHERE person_id = ? "
            "ORDER BY first_seen_date NULLS LAST, last_seen_date, dwelling_key",
            [person_id]).fetchall()
        return [AddressSpell(*r) for r in rows], "address_history"
    # Before the households stage: the person's records grouped by dwelling (flat, number
    # or name, postcode), showing the fullest form of the address.
    dwelling = ("coalesce(CASE WHEN coalesce(p.house_number, p.house_name) IS NOT NULL "
                "AND p.postcode_key IS NOT NULL THEN concat_ws('|', p.flat, "
                "coalesce(p.house_number, p.house_name), p.postcode_key) END, "
                "'U' || p.uprn, p.address_norm, p.postcode_key)")
    rows = con.execute(
        "SELECT arg_max(p.address_norm, length(p.address_norm)), any_value(p.postcode), "
        "max(p.uprn), min(p.event_date), max(p.event_date), count(*), "
        "list(DISTINCT p.feed ORDER BY p.feed) "
        f"{_records(t)} AND {dwelling} IS NOT NULL GROUP BY {dwelling} "
        "ORDER BY min(p.event_date) NULLS LAST, 1", [person_id]).fetchall()
    return [AddressSpell(*r) for r in rows], "records"


def _current(con: duckdb.DuckDBPyConnection, person_id: str,
             t: Tables) -> CurrentAddress | None:
    if not t.has("current_addresses"):
        return None
    rows = con.execute("SELECT address, postcode, uprn, reason FROM current_addresses "
                       "WHERE person_id = ? LIMIT 1", [person_id]).fetchall()
    return CurrentAddress(*rows[0]) if rows else None


def households_of(con: duckdb.DuckDBPyConnection, person_ids: list[str],
                  tables: Tables | None = None) -> list[Household]:
    """The households any of these persons belonged to, with all their members."""
    t = tables or tables_of(con)
    if not t.has("households", "household_members") or not person_ids:
        return []
    # Two lookups by key (the household IDs, then their rows), not a join of whole tables.
    ids = [r[0] for r in con.execute("SELECT DISTINCT household_id FROM household_members "
                                     "WHERE list_contains(?, person_id)",
                                     [person_ids]).fetchall()]
    if not ids:
        return []
    rows = con.execute(
        "SELECT h.household_id, h.address, h.postcode, h.start_date, h.end_date, "
        "list({'person_id': m.person_id, 'start_date': m.start_date, 'end_date': m.end_date} "
        "ORDER BY m.start_date NULLS FIRST, m.person_id) "
        "FROM households h JOIN household_members m USING (household_id) "
        "WHERE list_contains($ids, h.household_id) AND list_contains($ids, m.household_id) "
        "GROUP BY ALL ORDER BY h.start_date NULLS FIRST, h.household_id",
        {"ids": ids}).fetchall()
    names = display_names(con, [m["person_id"] for r in rows for m in r[5]])
    return [Household(hid, addr, pc, start, end,
                      [Member(m["person_id"], names[m["person_id"]], m["start_date"],
                              m["end_date"]) for m in members])
            for hid, addr, pc, start, end, members in rows]


RELATIONSHIP_COLUMNS = ("SELECT person_id_a, person_id_b, relationship, source, confidence, "
                        "evidence, start_date, end_date FROM person_relationships ")


def _relationship_rows(con: duckdb.DuckDBPyConnection, person_ids: list[str],
                       among: bool) -> list[tuple]:
    """Rows with both sides among the IDs, or either side (a union of two lookups by key
    rather than an OR, which no index serves)."""
    a_in, b_in = "list_contains($ids, person_id_a)", "list_contains($ids, person_id_b)"
    sql = (f"{RELATIONSHIP_COLUMNS} WHERE {a_in} AND {b_in}" if among else
           f"{RELATIONSHIP_COLUMNS} WHERE {a_in} UNION ALL "
           f"{RELATIONSHIP_COLUMNS} WHERE {b_in} AND NOT {a_in}")
    return con.execute(f"SELECT * FROM ({sql}) ORDER BY relationship, person_id_a, person_id_b, "
                       "start_date NULLS FIRST, end_date NULLS FIRST, source, evidence, "
                       "confidence", {"ids": person_ids}).fetchall()


def relationships_of(con: duckdb.DuckDBPyConnection, person_ids: list[str], *,
                     among: bool = False, tables: Tables | None = None) -> list[Relationship]:
    """Each relationship of these persons, seen from them (``among``: only between them)."""
    t = tables or tables_of(con)
    if not t.has("person_relationships") or not person_ids:
        return []
    rows = _relationship_rows(con, person_ids, among)
    names = display_names(con, [pid for r in rows for pid in r[:2]])
    out = []
    for a, b, kind, source, conf, evidence, start, end in rows:
        sides = [(a, b)] if among else [(x, y) for x, y in ((a, b), (b, a)) if x in person_ids]
        for me, other in sides:
            relation = {"parent": "parent of" if me == a else "child of"}.get(kind, f"{kind} of")
            out.append(Relationship(me, names[me], other, names[other], relation, source,
                                    None if conf is None else float(conf), evidence,
                                    start, end))
    return out


def _families(con: duckdb.DuckDBPyConnection, person_id: str, t: Tables) -> list[FamilyRole]:
    if not t.has("families", "family_members"):
        return []
    rows = con.execute(
        "SELECT m.family_id, m.role, m.start_date, m.end_date, f.n_members "
        "FROM family_members m LEFT JOIN families f USING (family_id) WHERE m.person_id = ? "
        "ORDER BY m.start_date NULLS FIRST, m.family_id", [person_id]).fetchall()
    return [FamilyRole(*r) for r in rows]


def _record_variants(con: duckdb.DuckDBPyConnection, person_id: str,
                     t: Tables) -> tuple[list[Variant], ...]:
    """Names, dates of birth, identifiers and sexes: summarised from one lookup of the
    person's records in a snapshot, or by one grouped query each on the warehouse."""
    if not t.has("serve_person_records"):
        return (_variants(con, person_id, "name", t),
                _variants(con, person_id, "date_of_birth", t),
                _identifiers(con, person_id, t), _variants(con, person_id, "sex", t))
    rows = records.person_records(con, person_id)
    summaries = (records.variants(rows, "name"), records.variants(rows, "date_of_birth"),
                 records.identifiers(rows), records.variants(rows, "sex"))
    return tuple([Variant(*s) for s in part] for part in summaries)


def _page_view(con: duckdb.DuckDBPyConnection, person_id: str, types: Sequence[str] | None,
               start: dt.date | None, end: dt.date | None) -> PersonView:
    """The view from the person's page row (one lookup) and their chronology."""
    row = pages.page(con, "serve_person_pages", "person_id", person_id)
    if row is None:
        require_person(con, person_id)  # raises, saying where the ID went
        raise AssertionError("unreachable")
    recs = records.person_records(con, person_id)
    summaries = (records.variants(recs, "name"), records.variants(recs, "date_of_birth"),
                 records.identifiers(recs), records.variants(recs, "sex"))
    names, dobs, ids, sexes = ([Variant(*s) for s in part] for part in summaries)
    current = row["current_address"]
    return PersonView(
        person_id=person_id, name=row["name"], n_records=row["n_records"],
        feeds=list(row["feeds"] or []), names=names, dates_of_birth=dobs, identifiers=ids,
        sexes=sexes, addresses=[AddressSpell(**a) for a in row["addresses"] or []],
        addresses_from="address_history",
        current_address=CurrentAddress(**current) if current else None,
        households=households_from(row["households"]),
        relationships=[Relationship(**r) for r in row["relationships"] or []],
        families=[FamilyRole(**f) for f in row["families"] or []],
        chronology=person_chronology(con, person_id, types=types, start=start, end=end,
                                     checked=True), hints=[])


def households_from(rows: list[dict] | None) -> list[Household]:
    """Households as a page row holds them (members inside, with their names)."""
    return [Household(h["household_id"], h["address"], h["postcode"], h["start_date"],
                      h["end_date"], [Member(**m) for m in h["members"]]) for h in rows or []]


def person_view(con: duckdb.DuckDBPyConnection, person_id: str, *,
                types: Sequence[str] | None = None, start: dt.date | None = None,
                end: dt.date | None = None, tables: Tables | None = None) -> PersonView:
    """Everything the warehouse knows about one person (the chronology filtered as
    ``person_chronology`` filters it). ``tables``: the snapshot's tables when the caller
    has them (the portal reads them once per snapshot), else they are read."""
    t = tables or tables_of(con)
    if t.has("serve_person_pages", "chronology"):
        return _page_view(con, person_id, types, start, end)
    found = con.execute(f"SELECT n_records, feeds, {NAME_SQL} FROM persons WHERE person_id = ?",
                        [person_id]).fetchall() if t.has("persons") else []
    if not found:
        require_person(con, person_id)  # raises, saying where the ID went
    [(n_records, feeds, name)] = found
    addresses, source = _addresses(con, person_id, t)
    hints = households_hint(con, t)
    chronology = person_chronology(con, person_id, types=types, start=start, end=end) \
        if t.has("chronology") else []
    if not t.has("chronology"):
        hints.append("no chronology in the warehouse yet: run `famlink run chronology`")
    names, dobs, ids, sexes = _record_variants(con, person_id, t)
    return PersonView(
        person_id=person_id, name=name, n_records=n_records, feeds=list(feeds or []),
        names=names, dates_of_birth=dobs, identifiers=ids, sexes=sexes,
        addresses=addresses, addresses_from=source,
        current_address=_current(con, person_id, t),
        households=households_of(con, [person_id], t),
        relationships=relationships_of(con, [person_id], tables=t),
        families=_families(con, person_id, t), chronology=chronology, hints=hints)
