"""The clustering as it was with one Python object per record and per pair (commit 4a71e65),
kept as the reference the array-based clustering must agree with, label for label.

Bare connected components over pairwise links merge two people as soon as one weak record
(initials, no date of birth) scores above the threshold against both. Instead:

1. Human must-link decisions are applied first.
2. Strong records (a valid identifier, or a full forename, surname and trusted date of birth)
   are merged best pair first, and only when the two groups do not contradict each other:
   no shared cannot-link group (the people on one incident, claim, tenancy or account, or a
   human must-not-link), no two different valid identifiers of one kind, no dates of birth
   years apart (unless the groups share a key: an identifier with the forename's initial, so
   a mistyped or replaced date), no JR beside SR.
3. A weak record that has the name of two or more strong groups at its own address (equal
   ``names`` keys), none of them its own and neither contradicting it, stays on its own.
4. Each other weak record joins the one group it is best supported by, when that support is
   clear of the next best by ``margin`` and nothing contradicts; weak records left over are
   then merged with each other on the same rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

IDENTIFIER_KINDS = ("nhs_number", "upn", "ni_number")


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
    names: tuple[str, ...] = ()  # the name at a place
    earliest_dob: dt.date | None = None  # born no earlier than this (a child's role)


@dataclass
class _Group:
    members: list[int]
    identifiers: dict[str, set[str]]
    dobs: set[dt.date]
    generations: set[str]
    groups: set[str]
    has_strong: bool
    latest_dob: dt.date | None
    keys: set[str] = field(default_factory=set)
    earliest_dob: dt.date | None = None


def dobs_compatible(a: dt.date, b: dt.date, years: float = 2.0) -> bool:
    """Within ``years``, or the same day and month (a year typo), or day and month swapped."""
    if abs((a - b).days) <= years * 365.25 + 1:
        return True
    return (a.month, a.day) in ((b.month, b.day), (b.day, b.month))


def _too_young(dobs: set[dt.date], latest: dt.date | None) -> bool:
    return latest is not None and any(d > latest for d in dobs)


class Clusterer:
    def __init__(self, records: list[Record], dob_years: float | None = 2.0):
        self.dob_years = dob_years
        self.records = records
        self.index = {r.record_id: i for i, r in enumerate(records)}
        self.parent = list(range(len(records)))
        self.state = [self._single(r, i) for i, r in enumerate(records)]

    @staticmethod
    def _single(r: Record, i: int) -> _Group:
        return _Group([i], {k: {v} for k, v in r.identifiers.items() if v},
                      {r.dob} if r.dob else set(),
                      {r.generation} if r.generation in ("JR", "SR") else set(), set(r.groups),
                      r.strong, r.latest_dob, set(r.keys), r.earliest_dob)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def conflict(self, a: int, b: int) -> bool:
        return self.contradicts(self.state[a], self.state[b])

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
        for dobs, earliest in ((ga.dobs, gb.earliest_dob), (gb.dobs, ga.earliest_dob)):
            if earliest is not None and dobs and all(d < earliest for d in dobs):
                return True
        for latest, earliest in ((ga.latest_dob, gb.earliest_dob),
                                 (gb.latest_dob, ga.earliest_dob)):
            if latest is not None and earliest is not None and earliest > latest:
                return True
        if self.dob_years is None or not ga.keys.isdisjoint(gb.keys):
            return False
        return any(not dobs_compatible(x, y, self.dob_years) for x in ga.dobs for y in gb.dobs)

    def union(self, a: int, b: int) -> int:
        if len(self.state[a].members) < len(self.state[b].members):
            a, b = b, a
        ga, gb = self.state[a], self.state[b]
        ga.members += gb.members
        for kind, values in gb.identifiers.items():
            ga.identifiers.setdefault(kind, set()).update(values)
        ga.dobs |= gb.dobs
        ga.generations |= gb.generations
        ga.groups |= gb.groups
        ga.has_strong = ga.has_strong or gb.has_strong
        ga.keys |= gb.keys
        ga.latest_dob = min(filter(None, (ga.latest_dob, gb.latest_dob)), default=None)
        ga.earliest_dob = max(filter(None, (ga.earliest_dob, gb.earliest_dob)), default=None)
        self.parent[b] = a
        return a

    def try_merge(self, i: int, j: int) -> bool:
        a, b = self.find(i), self.find(j)
        if a == b or self.conflict(a, b):
            return False
        self.union(a, b)
        return True

    def labels(self) -> dict[str, str]:
        """record_id -> the smallest record_id of its group."""
        first: dict[int, str] = {}
        for i, r in enumerate(self.records):
            root = self.find(i)
            if root not in first or r.record_id < first[root]:
                first[root] = r.record_id
        return {r.record_id: first[self.find(i)] for i, r in enumerate(self.records)}


Edge = tuple[float, str, str]  # (match weight, record_id_l, record_id_r)


def _sorted(edges: Iterable[Edge]) -> list[Edge]:
    return sorted(edges, key=lambda e: (-e[0], e[1], e[2]))


def _namesakes(c: Clusterer) -> set[int]:
    """The weak records with the name, at their places, of two people: two strong groups,
    or one and a weak record that cannot be its person."""
    at: dict[str, set[int]] = {}
    for j, s in enumerate(c.records):
        for key in s.names:
            at.setdefault(key, set()).add(c.find(j) if s.strong else -1 - j)
    out = set()
    for i, r in enumerate(c.records):
        if r.strong:
            continue
        own = c.find(i)
        found = {g for key in r.names for g in at.get(key, ())} - {own, -1 - i}
        rivals = [g for g in found if g >= 0 and not c.conflict(own, g)]
        others = [Clusterer._single(c.records[-1 - g], -1 - g) for g in found if g < 0]
        others = [o for o in others if not c.contradicts(c.state[own], o)]
        if len(rivals) >= 2 or (len(rivals) == 1 and any(
                c.contradicts(o, c.state[rivals[0]])
                or o.generations - c.state[rivals[0]].generations for o in others)):
            out.add(i)
    return out


def _attach_weak(c: Clusterer, weak_edges: list[Edge], margin: float,
                 alone: set[int]) -> list[Edge]:
    """Attach each weak record to its clearly best strong group; return edges left over."""
    best: dict[int, dict[int, float]] = {}
    leftover = []
    for w, left, right in weak_edges:
        i, j = c.index[left], c.index[right]
        if c.records[i].strong == c.records[j].strong:
            leftover.append((w, left, right))
            continue
        weak, strong = (j, i) if c.records[i].strong else (i, j)
        root = c.find(strong)
        support = best.setdefault(weak, {})
        support[root] = max(support.get(root, w), w)
    for weak in sorted(best, key=lambda k: c.records[k].record_id):
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


def cluster(records: list[Record], edges: Iterable[Edge], threshold: float,
            must_link: Iterable[tuple[str, str]] = (), margin: float = 2.0,
            weak_threshold: float | None = None,
            dob_years: float | None = 2.0) -> dict[str, str]:
    """record_id -> cluster key, from pairs scoring at least ``threshold``.

    A weak record may join a strong group on a pair scoring ``weak_threshold`` or more
    (default: ``threshold``), as long as that group leads every other by ``margin``.
    """
    weak_threshold = threshold if weak_threshold is None else weak_threshold
    c = Clusterer(records, dob_years)
    for left, right in must_link:
        if left in c.index and right in c.index:
            a, b = c.find(c.index[left]), c.find(c.index[right])
            if a != b:
                c.union(a, b)
    strong_edges: list[Edge] = []
    weak_edges: list[Edge] = []
    for e in _sorted(e for e in edges if e[0] >= min(threshold, weak_threshold)):
        if e[1] not in c.index or e[2] not in c.index:
            continue
        strong = c.records[c.index[e[1]]].strong + c.records[c.index[e[2]]].strong
        if e[0] >= threshold or strong == 1:  # only weak-strong pairs use the lower bar
            (strong_edges if strong == 2 else weak_edges).append(e)
    for _, left, right in strong_edges:
        c.try_merge(c.index[left], c.index[right])
    alone = _namesakes(c)
    for w, left, right in _attach_weak(c, weak_edges, margin, alone):
        if w < threshold or c.index[left] in alone or c.index[right] in alone:
            continue
        a, b = c.find(c.index[left]), c.find(c.index[right])
        if not (c.state[a].has_strong and c.state[b].has_strong):  # weak links never join
            c.try_merge(a, b)                                      # two strong groups
    return c.labels()
