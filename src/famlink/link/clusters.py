"""Cluster scored pairs into persons without letting weak records chain people together.

Bare connected components over pairwise links merge two people as soon as one weak record
(initials, no date of birth) scores above the threshold against both. Instead:

1. Human must-link decisions are applied first.
2. Strong records (a valid identifier, or a full forename, surname and trusted date of birth)
   are merged best pair first, and only when the two groups do not contradict each other:
   no shared cannot-link group (the people on one incident, claim, tenancy or account, or a
   human must-not-link), no two different valid identifiers of one kind, no date of birth
   outside what a record's role allows (an adults' feed, a child's role), no dates of birth
   years apart (unless the groups share a key: an identifier with the forename's initial, so
   a mistyped or replaced date), no JR beside SR.
3. A weak record that has the name of two people at its own address (the same forename and
   surname, or the same initial and surname, at its postcode or dwelling), neither of which
   it contradicts, stays on its own: a father and son of one name at one home, or twins with
   one initial. Its pairs cannot say which of them it is. The two are two of the resulting
   strong groups, or one of them and a weak record that cannot be that group's person (a
   council tax payer's record beside a boy's) or is marked SR or JR where it is not.
4. Each other weak record joins the one group it is best supported by, when that support is
   clear of the next best by ``margin`` and nothing contradicts; weak records left over are
   then merged with each other on the same rules.

Memory grows with the records that take part in a pair, not with all records: the records
are columns (:class:`RecordColumns`: identifiers, cannot-link groups and generations as
integer codes, dates as day numbers), the pairs are numpy arrays of record indices filtered
and sorted by numpy, and a group's state is a Python object only once two records merge.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from famlink.link.record_columns import IDENTIFIER_KINDS, NO_DATE, RecordColumns

__all__ = ["IDENTIFIER_KINDS", "Clusterer", "Record", "cluster", "cluster_columns",
           "dobs_compatible"]
_EPOCH = dt.date(1970, 1, 1).toordinal()
_CHUNK = 65_536


@dataclass
class Record:
    record_id: str
    strong: bool
    identifiers: dict[str, str] = field(default_factory=dict)
    dob: dt.date | None = None
    generation: str | None = None
    groups: tuple[str, ...] = ()
    latest_dob: dt.date | None = None  # born no later than this (an adult on an adults' feed)
    keys: tuple[str, ...] = ()  # identifier with initial: shared, dates of birth may differ
    names: tuple[str, ...] = ()  # the name at a place: equal keys, namesakes at one address
    earliest_dob: dt.date | None = None  # born no earlier than this (in a child's role)


class _Group:
    """What a group of records holds between them (codes and day numbers)."""

    __slots__ = ("dobs", "earliest_dob", "generations", "groups", "has_strong", "identifiers",
                 "keys", "latest_dob", "size")

    def __init__(self, size: int, identifiers: dict[int, set[int]], dobs: set[int],
                 generations: set[int], groups: set[int], has_strong: bool,
                 latest_dob: int | None, keys: set[int], earliest_dob: int | None = None):
        self.size, self.identifiers, self.dobs = size, identifiers, dobs
        self.generations, self.groups, self.has_strong = generations, groups, has_strong
        self.latest_dob, self.keys, self.earliest_dob = latest_dob, keys, earliest_dob


def dobs_compatible(a: dt.date, b: dt.date, years: float = 2.0) -> bool:
    """Within ``years``, or the same day and month (a year typo), or day and month swapped."""
    if abs((a - b).days) <= years * 365.25 + 1:
        return True
    return (a.month, a.day) in ((b.month, b.day), (b.day, b.month))


def _days_compatible(a: int, b: int, years: float) -> bool:
    if abs(a - b) <= years * 365.25 + 1:
        return True
    return dobs_compatible(dt.date.fromordinal(a + _EPOCH), dt.date.fromordinal(b + _EPOCH),
                           years)


def _too_young(dobs: set[int], latest: int | None) -> bool:
    return latest is not None and bool(dobs) and max(dobs) > latest


def _too_old(dobs: set[int], earliest: int | None) -> bool:
    """Every date of birth of the group before ``earliest`` (one mistyped date among
    several is no proof)."""
    return earliest is not None and bool(dobs) and max(dobs) < earliest


def _born_between(latest: int | None, earliest: int | None) -> bool:
    """False when no birth date can satisfy both bounds."""
    return latest is None or earliest is None or earliest <= latest


def _tighter(a: int | None, b: int | None, pick: Callable[[int, int], int]) -> int | None:
    """The tighter of two optional bounds (``pick`` is min for latest, max for earliest)."""
    return b if a is None else a if b is None else pick(a, b)


def _memory(values: np.ndarray) -> memoryview:
    return np.ascontiguousarray(values).data


class Clusterer:
    """Union-find over the records that take part in pairs (``active``: sorted indices into
    the columns); positions in ``active`` keep the order of the record indices."""

    def __init__(self, cols: RecordColumns, active: np.ndarray, dob_years: float | None = 2.0):
        self.cols, self.active, self.dob_years = cols, active, dob_years
        self.parent = array("q", range(len(active)))
        self.state: dict[int, _Group] = {}  # root -> state, only for groups of two or more
        # memoryviews over the columns: item access gives Python values without copies
        view = _memory
        self._record, self._strong = view(active), view(cols.strong)
        self._identifiers = [view(codes) for codes in cols.identifiers]
        self._dob, self._latest = view(cols.dob), view(cols.latest_dob)
        self._earliest = view(cols.earliest_dob)
        self._generation = view(cols.generation)
        self._offsets, self._groups = view(cols.group_offsets), view(cols.group_codes)
        self._key_offsets, self._keys = view(cols.key_offsets), view(cols.key_codes)

    def local(self, records: np.ndarray) -> np.ndarray:
        """Positions in ``active`` of record indices that are all in it."""
        return np.searchsorted(self.active, records)

    def _single(self, i: int) -> _Group:
        return self.record_view(self._record[i])

    def record_view(self, r: int) -> _Group:
        """The state of record index ``r`` on its own."""
        identifiers = {k: {codes[r]} for k, codes in enumerate(self._identifiers)
                       if codes[r] >= 0}
        dob, latest, gen = self._dob[r], self._latest[r], self._generation[r]
        earliest = self._earliest[r]
        return _Group(1, identifiers, {dob} if dob != NO_DATE else set(),
                      {gen} if gen else set(),
                      set(self._groups[self._offsets[r]:self._offsets[r + 1]]),
                      bool(self._strong[r]), latest if latest != NO_DATE else None,
                      set(self._keys[self._key_offsets[r]:self._key_offsets[r + 1]]),
                      earliest if earliest != NO_DATE else None)

    def view(self, root: int) -> _Group:
        group = self.state.get(root)
        return group if group is not None else self._single(root)

    def has_strong(self, root: int) -> bool:
        group = self.state.get(root)
        return group.has_strong if group is not None else bool(self._strong[self._record[root]])

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def conflict(self, a: int, b: int) -> bool:
        state = self.state
        if a not in state and b not in state:  # two records on their own: no objects made
            return self._records_contradict(self._record[a], self._record[b])
        return self.contradicts(self.view(a), self.view(b))

    def _records_contradict(self, ra: int, rb: int) -> bool:
        """``contradicts`` for two records (indices into the columns) on their own."""
        off, groups = self._offsets, self._groups
        if off[ra + 1] > off[ra] and off[rb + 1] > off[rb] and not set(
                groups[off[ra]:off[ra + 1]]).isdisjoint(groups[off[rb]:off[rb + 1]]):
            return True
        for codes in self._identifiers:
            x, y = codes[ra], codes[rb]
            if x >= 0 and y >= 0 and x != y:
                return True
        gx, gy = self._generation[ra], self._generation[rb]
        if gx and gy and gx != gy:
            return True
        da, db = self._dob[ra], self._dob[rb]
        la, lb = self._latest[ra], self._latest[rb]
        ea, eb = self._earliest[ra], self._earliest[rb]
        for dob, latest, earliest in ((da, lb, eb), (db, la, ea)):
            if dob != NO_DATE and ((latest != NO_DATE and dob > latest)
                                   or (earliest != NO_DATE and dob < earliest)):
                return True
        if (la != NO_DATE and eb != NO_DATE and eb > la) or \
                (lb != NO_DATE and ea != NO_DATE and ea > lb):
            return True
        if self.dob_years is None or da == NO_DATE or db == NO_DATE:
            return False
        ko, keys = self._key_offsets, self._keys
        if ko[ra + 1] > ko[ra] and ko[rb + 1] > ko[rb] and not set(
                keys[ko[ra]:ko[ra + 1]]).isdisjoint(keys[ko[rb]:ko[rb + 1]]):
            return False
        return not _days_compatible(da, db, self.dob_years)

    def contradicts(self, ga: _Group, gb: _Group) -> bool:
        small, large = (ga.groups, gb.groups) if len(ga.groups) < len(gb.groups) else \
            (gb.groups, ga.groups)
        if any(g in large for g in small):
            return True
        for kind, values in ga.identifiers.items():
            other = gb.identifiers.get(kind)
            if other and values != other:
                return True
        if len(ga.generations | gb.generations) > 1:
            return True
        if _too_young(ga.dobs, gb.latest_dob) or _too_young(gb.dobs, ga.latest_dob):
            return True
        if _too_old(ga.dobs, gb.earliest_dob) or _too_old(gb.dobs, ga.earliest_dob) or \
                not _born_between(ga.latest_dob, gb.earliest_dob) or \
                not _born_between(gb.latest_dob, ga.earliest_dob):
            return True
        if self.dob_years is None or not ga.keys.isdisjoint(gb.keys):
            return False
        years = self.dob_years
        return any(not _days_compatible(x, y, years) for x in ga.dobs for y in gb.dobs)

    def union(self, a: int, b: int) -> int:
        state = self.state
        if (state[a].size if a in state else 1) < (state[b].size if b in state else 1):
            a, b = b, a
        ga = self.view(a)
        if b not in state:  # a record on its own joins: no object made for it
            self._absorb(ga, self._record[b])
            state[a] = ga
            self.parent[b] = a
            return a
        gb = state[b]
        ga.size += gb.size
        for kind, values in gb.identifiers.items():
            ga.identifiers.setdefault(kind, set()).update(values)
        ga.dobs |= gb.dobs
        ga.generations |= gb.generations
        ga.groups |= gb.groups
        ga.keys |= gb.keys
        ga.has_strong = ga.has_strong or gb.has_strong
        ga.latest_dob = _tighter(ga.latest_dob, gb.latest_dob, min)
        ga.earliest_dob = _tighter(ga.earliest_dob, gb.earliest_dob, max)
        self.state[a] = ga
        self.state.pop(b, None)
        self.parent[b] = a
        return a

    def _absorb(self, ga: _Group, r: int) -> None:
        """``union`` of a group with record index ``r`` on its own."""
        ga.size += 1
        for kind, codes in enumerate(self._identifiers):
            if codes[r] >= 0:
                ga.identifiers.setdefault(kind, set()).add(codes[r])
        dob, gen, latest, earliest = (self._dob[r], self._generation[r], self._latest[r],
                                      self._earliest[r])
        if dob != NO_DATE:
            ga.dobs.add(dob)
        if gen:
            ga.generations.add(gen)
        ga.groups.update(self._groups[self._offsets[r]:self._offsets[r + 1]])
        ga.keys.update(self._keys[self._key_offsets[r]:self._key_offsets[r + 1]])
        ga.has_strong = ga.has_strong or bool(self._strong[r])
        ga.latest_dob = _tighter(ga.latest_dob, None if latest == NO_DATE else latest, min)
        ga.earliest_dob = _tighter(ga.earliest_dob, None if earliest == NO_DATE else earliest,
                                   max)

    def try_merge(self, i: int, j: int) -> bool:
        a, b = self.find(i), self.find(j)
        if a == b or self.conflict(a, b):
            return False
        self.union(a, b)
        return True

    def labels(self) -> np.ndarray:
        """For every record index, the index of the record with the smallest id in its group."""
        n, rank = len(self.cols.rank), self.cols.rank
        out = np.arange(n, dtype=np.int64)
        if not len(self.active):
            return out
        roots = np.fromiter((self.find(i) for i in range(len(self.active))), np.int64,
                            len(self.active))
        active_rank = rank[self.active]
        first = np.full(len(self.active), n, dtype=np.int64)
        np.minimum.at(first, roots, active_rank)
        by_rank = np.empty(n, dtype=np.int64)
        by_rank[rank] = np.arange(n, dtype=np.int64)
        out[self.active] = by_rank[first[roots]]
        return out


def _chunks(*columns: np.ndarray) -> Iterator[tuple[list, ...]]:
    """Rows of numpy columns as Python values, a chunk at a time."""
    for start in range(0, len(columns[0]), _CHUNK):
        yield tuple(c[start:start + _CHUNK].tolist() for c in columns)


def _is_active(active: np.ndarray, records: np.ndarray) -> np.ndarray:
    pos = np.minimum(np.searchsorted(active, records), max(len(active) - 1, 0))
    return active[pos] == records if len(active) else np.zeros(len(records), bool)


def _namesakes(c: Clusterer) -> set[int]:
    """Positions (in ``active``) of the weak records that share a name at one of their
    places (``names`` codes) with two people they do not contradict: two strong groups (a
    group of records, or a strong record in no pair), or one strong group and a weak record
    of another person (see ``_another``)."""
    cols, active = c.cols, c.active
    n_active = len(active)
    if not len(cols.name_codes) or not n_active:
        return set()
    owner = np.repeat(np.arange(len(cols.ids), dtype=np.int64), np.diff(cols.name_offsets))
    codes = cols.name_codes.astype(np.int64)
    weak = ~cols.strong[owner] & _is_active(active, owner)
    keep = np.isin(codes, np.unique(codes[weak]))
    k_codes, k_owner = codes[keep], owner[keep]
    k_strong = cols.strong[k_owner]
    in_pairs = k_strong & _is_active(active, k_owner)
    group = n_active + k_owner  # a strong record in no pair, or a weak record: its own group
    group[in_pairs] = [c.find(i) for i in c.local(k_owner[in_pairs]).tolist()]
    span = n_active + len(cols.ids)
    entries = np.unique(k_codes * span + group)
    e_code, e_group = entries // span, entries % span
    e_strong = (e_group < n_active) | cols.strong[np.maximum(e_group - n_active, 0)]
    named, first = np.unique(e_code, return_index=True)
    n_strong = np.add.reduceat(e_strong.astype(np.int64), first)
    n_all = np.diff(np.append(first, len(e_code)))
    # a weak record is asked about when its codes name a strong group and two groups or
    # more besides itself, counted with repeats (settled below)
    w_owner, w_codes = owner[weak], codes[weak]
    at = np.searchsorted(named, w_codes)
    w_strong, w_all = n_strong[at], n_all[at] - 1
    records, inverse = np.unique(w_owner, return_inverse=True)
    asked_records = records[(np.bincount(inverse, weights=w_strong) >= 1)
                            & (np.bincount(inverse, weights=w_all) >= 2)]
    asked = np.isin(w_owner, asked_records)
    if not asked.any():
        return set()
    groups_of: dict[int, list[int]] = {}
    wanted = np.isin(e_code, w_codes[asked])
    for code, g in zip(e_code[wanted].tolist(), e_group[wanted].tolist(), strict=True):
        groups_of.setdefault(code, []).append(g)
    places: dict[int, set[int]] = {}
    for r, code in zip(w_owner[asked].tolist(), w_codes[asked].tolist(), strict=True):
        places.setdefault(r, set()).update(groups_of[code])
    out: set[int] = set()
    for r, groups in places.items():
        pos = int(c.local(np.array([r]))[0])
        root = c.find(pos)
        own = c.view(root)
        rivals: list[_Group] = []
        others: list[_Group] = []
        for g in groups:
            if g == root or g == n_active + r:
                continue
            view = c.view(g) if g < n_active else c.record_view(g - n_active)
            if not c.contradicts(own, view):
                (rivals if view.has_strong else others).append(view)
        if len(rivals) >= 2 or (len(rivals) == 1 and any(
                _another(c, other, rivals[0]) for other in others)):
            out.add(pos)
    return out


def _another(c: Clusterer, record: _Group, group: _Group) -> bool:
    """Whether a weak record is of another person than ``group``: it contradicts it, or it
    is marked JR or SR where the group is not (the mark says there are two of the name)."""
    return c.contradicts(record, group) or bool(record.generations - group.generations)


def _attach_weak(c: Clusterer, weight: np.ndarray, left: np.ndarray, right: np.ndarray,
                 margin: float, alone: set[int]) -> np.ndarray:
    """Attach each weak record (but those ``alone``) to its clearly best strong group;
    return a mask of the edges left over (both records weak)."""
    strong = c.cols.strong[c.active]
    leftover = strong[left] == strong[right]
    mixed = ~leftover
    best: dict[int, dict[int, float]] = {}
    for ws, ls, rs in _chunks(weight[mixed], left[mixed], right[mixed]):
        for w, i, j in zip(ws, ls, rs, strict=True):
            weak, strong_one = (j, i) if strong[i] else (i, j)
            root = c.find(strong_one)
            support = best.setdefault(weak, {})
            support[root] = max(support.get(root, w), w)
    rank = c.cols.rank[c.active]
    for weak in sorted(best, key=lambda k: rank[k]):
        if weak in alone:
            continue
        own = c.find(weak)
        ranked = sorted(((root, w) for root, w in best[weak].items()
                         if not c.conflict(own, c.find(root))),  # a child cannot be rival to
                        key=lambda kv: (-kv[1], kv[0]))           # an adult's record
        if not ranked:
            continue
        root, top = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else None
        if runner_up is None or top - runner_up >= margin:
            c.try_merge(weak, root)
    return leftover


def _edges(cols: RecordColumns, weight: np.ndarray, left: np.ndarray, right: np.ndarray,
           threshold: float, weak_threshold: float) -> tuple[np.ndarray, ...]:
    """The usable pairs best first (ties by record id): weight, left, right, strong count."""
    ok = (weight >= min(threshold, weak_threshold)) & (left >= 0) & (right >= 0)
    weight, left, right = weight[ok], left[ok], right[ok]
    n_strong = cols.strong[left].astype(np.int8) + cols.strong[right].astype(np.int8)
    keep = (weight >= threshold) | (n_strong == 1)  # only weak-strong pairs use the lower bar
    weight, left, right, n_strong = weight[keep], left[keep], right[keep], n_strong[keep]
    order = np.lexsort((cols.rank[right], cols.rank[left], -weight))
    return weight[order], left[order], right[order], n_strong[order]


def cluster_columns(cols: RecordColumns, weight: np.ndarray, left: np.ndarray,
                    right: np.ndarray, threshold: float,
                    must_link: tuple[np.ndarray, np.ndarray] | None = None,
                    margin: float = 2.0, weak_threshold: float | None = None,
                    dob_years: float | None = 2.0) -> np.ndarray:
    """For each record index, the index of its cluster's record with the smallest id.

    ``left`` and ``right`` are record indices of the scored pairs (-1: not a record, ignored),
    ``must_link`` two arrays of record indices. The rules are those of :func:`cluster`.
    """
    weak_threshold = threshold if weak_threshold is None else weak_threshold
    must_l, must_r = must_link if must_link is not None else (np.empty(0, np.int64),) * 2
    must_ok = (must_l >= 0) & (must_r >= 0)
    must_l, must_r = must_l[must_ok], must_r[must_ok]
    weight, left, right, n_strong = _edges(cols, np.asarray(weight, np.float64),
                                           left, right, threshold, weak_threshold)
    active = np.unique(np.concatenate([left, right, must_l, must_r]).astype(np.int64))
    c = Clusterer(cols, active, dob_years)
    left, right = c.local(left), c.local(right)
    for ls, rs in _chunks(c.local(must_l), c.local(must_r)):
        for i, j in zip(ls, rs, strict=True):
            a, b = c.find(i), c.find(j)
            if a != b:
                c.union(a, b)
    both = n_strong == 2
    for ls, rs in _chunks(left[both], right[both]):
        for i, j in zip(ls, rs, strict=True):
            c.try_merge(i, j)
    weak = ~both
    weight, left, right = weight[weak], left[weak], right[weak]
    alone = _namesakes(c)
    leftover = _attach_weak(c, weight, left, right, margin, alone)
    for ws, ls, rs in _chunks(weight[leftover], left[leftover], right[leftover]):
        for w, i, j in zip(ws, ls, rs, strict=True):
            if w < threshold or i in alone or j in alone:
                continue
            a, b = c.find(i), c.find(j)
            if not (c.has_strong(a) and c.has_strong(b)):  # weak links never join
                c.try_merge(a, b)                          # two strong groups
    return c.labels()


Edge = tuple[float, str, str]  # (match weight, record_id_l, record_id_r)


def cluster(records: list[Record], edges: Iterable[Edge], threshold: float,
            must_link: Iterable[tuple[str, str]] = (), margin: float = 2.0,
            weak_threshold: float | None = None,
            dob_years: float | None = 2.0) -> dict[str, str]:
    """record_id -> cluster key, from pairs scoring at least ``threshold``.

    A weak record may join a strong group on a pair scoring ``weak_threshold`` or more
    (default: ``threshold``), as long as that group leads every other by ``margin``.
    """
    cols = RecordColumns.from_records(records)
    edge_list = list(edges)
    must = list(must_link)
    weight = np.array([e[0] for e in edge_list], dtype=np.float64)
    left, right = (cols.indices(pa.array([e[k] for e in edge_list], pa.string()))
                   for k in (1, 2))
    must_pair = tuple(cols.indices(pa.array([m[k] for m in must], pa.string())) for k in (0, 1))
    labels = cluster_columns(cols, weight, left, right, threshold,
                             (must_pair[0], must_pair[1]), margin, weak_threshold, dob_years)
    keys = pc.take(cols.ids, pa.array(labels)).to_pylist()
    return dict(zip(cols.ids.to_pylist(), keys, strict=True))
