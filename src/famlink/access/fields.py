"""Field restrictions: what a role sees of each feed's records.

``full`` shows everything; ``summary`` keeps only that a record exists, its date and whom to
contact (a school learns that a police incident happened and whom to call, not what it was);
``hidden`` removes the feed's records, and the feed's name, from every part of a view.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar

from famlink.access.roles import AccessConfig, RoleSpec
from famlink.chronology.entries import ChronologyEntry
from famlink.rules.views import Evidence, FamilyOutcomes, Flag
from famlink.views.family import FamilyView
from famlink.views.find import FoundPerson
from famlink.views.person import (
    AddressSpell,
    CurrentAddress,
    PersonView,
    Relationship,
    Variant,
)

E = TypeVar("E", bound=ChronologyEntry)


def _feed_of(record_id: str) -> str:
    """Record IDs are ``<feed>:<source id>``."""
    return record_id.split(":", 1)[0]


class FieldPolicy:
    def __init__(self, role: RoleSpec, access: AccessConfig):
        self.role, self.access = role, access

    def level(self, feed: str | None) -> str:
        return self.role.visibility(feed or "")

    def shown_feeds(self, feeds: list[str]) -> list[str]:
        return [f for f in feeds if self.level(f) != "hidden"]

    def entry(self, entry: E) -> E | None:
        level = self.level(entry.feed)
        if level == "full":
            return entry
        if level == "hidden":
            return None
        summary = (f"{self.access.label(entry.feed)} recorded; details withheld. "
                   f"Contact: {self.access.contact(entry.feed)}")
        return dataclasses.replace(
            entry, event_id="", record_id="", source_record_id=None, load_batch_id=None,
            event_time=None, event_subtype=None, role=None, summary=summary)

    def entries(self, entries: list[E]) -> list[E]:
        return [e for e in (self.entry(x) for x in entries) if e is not None]

    def variant(self, variant: Variant) -> Variant | None:
        feeds = self.shown_feeds(variant.feeds)
        if not feeds:
            return None
        shown = [r for r in variant.record_ids if self.level(_feed_of(r)) != "hidden"]
        full = [r for r in shown if self.level(_feed_of(r)) == "full"]
        recorded = variant.as_recorded if len(feeds) == len(variant.feeds) else []
        return dataclasses.replace(variant, feeds=feeds, record_ids=full, n_records=len(shown),
                                   as_recorded=recorded)

    def variants(self, variants: list[Variant]) -> list[Variant]:
        return [v for v in (self.variant(x) for x in variants) if v is not None]

    def address(self, spell: AddressSpell) -> AddressSpell | None:
        feeds = self.shown_feeds(spell.feeds)
        return dataclasses.replace(spell, feeds=feeds) if feeds else None

    def relationship(self, rel: Relationship) -> Relationship:
        """Stated relationships name the record that states them: keep that only when the
        role sees the feed in full."""
        stated = re.match(r"^(\w+) event_ref ", rel.evidence or "")
        if stated and self.level(stated.group(1)) != "full":
            return dataclasses.replace(rel, evidence="stated in another service's record")
        return rel

    def current(self, current: CurrentAddress | None) -> CurrentAddress | None:
        """The current address's reason names the feeds behind it: drop it if one is hidden."""
        if current is None or not current.reason:
            return current
        hidden = [f for f in re.findall(r"[a-z]+(?:_[a-z]+)+", current.reason)
                  if self.level(f) == "hidden"]
        return dataclasses.replace(current, reason=None) if hidden else current

    def person(self, view: PersonView) -> PersonView:
        addresses = [a for a in (self.address(x) for x in view.addresses) if a is not None]
        return dataclasses.replace(
            view, feeds=self.shown_feeds(view.feeds), names=self.variants(view.names),
            dates_of_birth=self.variants(view.dates_of_birth),
            identifiers=self.variants(view.identifiers), sexes=self.variants(view.sexes),
            addresses=addresses, current_address=self.current(view.current_address),
            relationships=[self.relationship(r) for r in view.relationships],
            chronology=self.entries(view.chronology),
            n_records=max((v.n_records for v in self.variants(view.names)), default=0))

    def family(self, view: FamilyView) -> FamilyView:
        return dataclasses.replace(
            view, relationships=[self.relationship(r) for r in view.relationships],
            chronology=self.entries(view.chronology))

    def found(self, found: FoundPerson) -> FoundPerson:
        return dataclasses.replace(found, feeds=self.shown_feeds(found.feeds))


class OutcomePolicy(FieldPolicy):
    """The same rules for the evidence behind needs and claims: a hidden feed's rows are
    dropped (and a need evidenced only by them is not shown), a summary feed's rows keep
    their date and say whom to contact."""

    def evidence(self, ev: Evidence) -> Evidence | None:
        level = self.level(ev.feed)
        if level == "full":
            return ev
        if level == "hidden":
            return None
        return dataclasses.replace(
            ev, source_record_id=None, record_id="", event_id="", event_type=None,
            summary=f"{self.access.label(ev.feed)} recorded; details withheld. "
                    f"Contact: {self.access.contact(ev.feed)}")

    def flag(self, flag: Flag) -> Flag | None:
        shown = [e for e in (self.evidence(x) for x in flag.evidence) if e is not None]
        if flag.evidence and not shown:
            return None
        return dataclasses.replace(flag, evidence=shown)

    def flags(self, flags: list[Flag]) -> list[Flag]:
        return [f for f in (self.flag(x) for x in flags) if f is not None]

    def outcomes(self, out: FamilyOutcomes) -> FamilyOutcomes:
        claim = out.claim
        if claim is not None:
            claim = dataclasses.replace(claim, evidence={
                k: [e for e in (self.evidence(x) for x in v) if e is not None]
                for k, v in claim.evidence.items()})
        return dataclasses.replace(out, flags=self.flags(out.flags), claim=claim)
