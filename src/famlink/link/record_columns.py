"""The records the clustering works on, held as columns rather than one object per record.

Identifiers and cannot-link groups are integer codes (equal codes: equal values), dates are
day numbers since 1970-01-01 (``NO_DATE`` when unknown), generations 0 (none), 1 (JR) or
2 (SR), and each record's groups a slice ``group_codes[group_offsets[i]:group_offsets[i+1]]``
(its keys, identifiers with the forename's initial, likewise in ``key_codes``; its names at
places, the forename and surname or the initial and surname at a postcode or a dwelling,
in ``name_codes``).
``rank`` orders the records by record id, which is how ties are broken and clusters named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    from famlink.link.clusters import Record

IDENTIFIER_KINDS = ("nhs_number", "upn", "ni_number")
NO_DATE = int(np.iinfo(np.int32).min)
GENERATIONS = ("JR", "SR")  # codes 1 and 2
COLUMNS = ("record_id", *IDENTIFIER_KINDS, "dob", "generation", "latest_dob", "earliest_dob",
           "strong", "groups", "keys", "names")
# A strong record: a valid identifier, or a full forename, surname and trusted date of birth
# (over the link stage's matching columns, as ``{p}.column``).
STRONG_SQL = ("({p}.nhs_number IS NOT NULL OR {p}.upn IS NOT NULL OR {p}.ni_number IS NOT NULL "
              "OR (NOT {p}.is_initial_only AND {p}.surname IS NOT NULL AND {p}.dob IS NOT NULL))")
# A profile's names at places, for the namesakes check of the clustering (link/clusters.py):
# from one row standing for the profile (its records share these columns). The name is the canonical
# forename and surname, or (where the profile is strong, or a weak one with a date of birth:
# twins who share an initial; a husband and wife who do are told apart by their pairs' other
# comparisons) the initial and surname. A strong profile is at its dwelling and its postcode,
# and "only" at its postcode when it has no dwelling; a weak profile with a dwelling looks for
# namesakes at that dwelling and for those known only by its postcode, one without a dwelling
# for anyone at its postcode.
_PLACES = {
    "strong": ("'@d:' || {p}.dwelling", "'@p:' || {p}.postcode",
               "CASE WHEN {p}.dwelling IS NULL THEN '@o:' || {p}.postcode END"),
    "weak": ("'@d:' || {p}.dwelling",
             "CASE WHEN {p}.dwelling IS NULL THEN '@p:' || {p}.postcode "
             "ELSE '@o:' || {p}.postcode END"),
}


def names_sql(p: str, strong: str) -> str:
    """The names-at-places list of one profile's row ``p`` (columns first_name_canon,
    surname, first_initial, is_initial_only, dob, postcode, dwelling), ``strong`` the
    expression saying whether the profile is strong."""
    full = f"CASE WHEN NOT {p}.is_initial_only THEN 'F:' || {p}.first_name_canon || ' ' || " \
           f"{p}.surname END"
    initial = f"CASE WHEN {strong} OR ({p}.is_initial_only AND {p}.dob IS NOT NULL) THEN " \
              f"'I:' || {p}.first_initial || ' ' || {p}.surname END"
    items = [f"CASE WHEN {'' if kind == 'strong' else 'NOT '}{strong} THEN {name} || "
             f"{place.format(p=p)} END"
             for kind, places in _PLACES.items() for place in places for name in (full, initial)]
    return f"list_filter([{', '.join(items)}], lambda k: k IS NOT NULL)"


# Every cannot-link group a record is in: the feeds' (record_groups) and the human
# must-not-link decisions of this run (_tmp_link_decision_groups).
GROUPS_VIEW_SQL = ("CREATE OR REPLACE TEMP VIEW _tmp_link_groups AS "
                   "SELECT record_id, group_key FROM record_groups UNION ALL "
                   "SELECT record_id, group_key FROM _tmp_link_decision_groups")


def _codes(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Integer codes of a text column, -1 where empty or null."""
    values = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.unify_dictionaries().combine_chunks()
    return np.asarray(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False), np.int32)


def _days(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    days = pc.cast(pc.cast(values, pa.date32()), pa.int32()).fill_null(NO_DATE)
    return np.asarray(days.to_numpy(), np.int32)


def _lists(values: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, codes) of a list-of-text column: row i's codes are codes[o[i]:o[i+1]]."""
    lists = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    lengths = pc.fill_null(pc.list_value_length(lists), 0).to_numpy()
    offsets = np.zeros(len(lists) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    flat = pc.list_flatten(lists)
    return offsets, (_codes(flat) if len(flat) else np.empty(0, np.int32))


@dataclass(frozen=True)
class RecordColumns:
    ids: pa.Array  # record_id, string
    rank: np.ndarray  # int64: position of each record in record-id order
    strong: np.ndarray  # bool
    identifiers: tuple[np.ndarray, ...]  # int32 codes, one array per identifier kind
    dob: np.ndarray  # int32 days
    latest_dob: np.ndarray  # int32 days: born no later than this
    earliest_dob: np.ndarray  # int32 days: born no earlier than this (a child's role)
    generation: np.ndarray  # int8
    group_offsets: np.ndarray  # int64, n + 1
    group_codes: np.ndarray  # int32
    key_offsets: np.ndarray  # int64, n + 1
    key_codes: np.ndarray  # int32
    name_offsets: np.ndarray  # int64, n + 1
    name_codes: np.ndarray  # int32

    @classmethod
    def from_arrow(cls, table: pa.Table,
                   identifier_kinds: Sequence[str] = IDENTIFIER_KINDS) -> RecordColumns:
        """From a table with the columns of ``COLUMNS`` (``groups`` a list of text)."""
        ids = table.column("record_id").combine_chunks().cast(pa.string())
        rank = np.empty(len(ids), np.int64)
        rank[pc.sort_indices(ids).to_numpy()] = np.arange(len(ids), dtype=np.int64)
        generation = pc.fill_null(pc.index_in(table.column("generation"),
                                              value_set=pa.array(GENERATIONS)), -1)
        group_offsets, group_codes = _lists(table.column("groups"))
        keys = (table.column("keys") if "keys" in table.column_names else
                pa.array([[]] * len(ids), pa.list_(pa.string())))
        key_offsets, key_codes = _lists(keys)
        names = (table.column("names") if "names" in table.column_names else
                 pa.array([[]] * len(ids), pa.list_(pa.string())))
        name_offsets, name_codes = _lists(names)
        return cls(
            ids=ids, rank=rank,
            strong=np.asarray(table.column("strong").fill_null(False).to_numpy(), bool),
            identifiers=tuple(_codes(table.column(k)) for k in identifier_kinds),
            dob=_days(table.column("dob")), latest_dob=_days(table.column("latest_dob")),
            earliest_dob=(_days(table.column("earliest_dob")) if "earliest_dob" in
                          table.column_names else np.full(len(ids), NO_DATE, np.int32)),
            generation=np.asarray(generation.to_numpy(), np.int8) + 1,
            group_offsets=group_offsets, group_codes=group_codes,
            key_offsets=key_offsets, key_codes=key_codes,
            name_offsets=name_offsets, name_codes=name_codes)

    @classmethod
    def from_records(cls, records: Sequence[Record]) -> RecordColumns:
        kinds = list(IDENTIFIER_KINDS)
        kinds += sorted({k for r in records for k in r.identifiers} - set(kinds))
        columns: dict[str, Any] = {
            "record_id": pa.array([r.record_id for r in records], pa.string()),
            **{k: pa.array([r.identifiers.get(k) for r in records], pa.string())
               for k in kinds},
            "dob": pa.array([r.dob for r in records], pa.date32()),
            "generation": pa.array([r.generation for r in records], pa.string()),
            "latest_dob": pa.array([r.latest_dob for r in records], pa.date32()),
            "earliest_dob": pa.array([r.earliest_dob for r in records], pa.date32()),
            "strong": pa.array([bool(r.strong) for r in records], pa.bool_()),
            "groups": pa.array([list(r.groups) for r in records], pa.list_(pa.string())),
            "keys": pa.array([list(r.keys) for r in records], pa.list_(pa.string())),
            "names": pa.array([list(r.names) for r in records], pa.list_(pa.string())),
        }
        return cls.from_arrow(pa.table(columns), kinds)

    def indices(self, record_ids: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """The index of each record id (int64), -1 where it is no record here."""
        found = pc.index_in(record_ids, value_set=self.ids)
        return np.asarray(pc.fill_null(found, -1).to_numpy(), np.int64)
