"""The one place where access is enforced: every page, API call, search and export reads
through a ``Guard`` built for the signed-in user. It checks the action, keeps to the row
scope, applies the field restrictions and writes the audit entry, so no route repeats it.

A subject outside the scope is reported exactly like one that does not exist (404), so a
user cannot learn by URL that a record is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import Engine

from famlink.access import audit
from famlink.access.fields import FieldPolicy, OutcomePolicy
from famlink.access.roles import AccessConfig, RoleSpec
from famlink.access.scope import Scope, ScopeCache
from famlink.alerts.inbox import Ack, InboxAlert, acknowledge, inbox
from famlink.errors import FamlinkError
from famlink.link.decisions import Decision, record_decision
from famlink.link.explain import Explanation, explain_pair
from famlink.project import Project
from famlink.report.quality import FeedQuality, project_quality
from famlink.rules.views import (
    OUTCOME_TABLES,
    FamilyOutcomes,
    Flag,
    family_outcomes,
    person_flags,
)
from famlink.state.accounts import Account
from famlink.state.models import Note
from famlink.state.notes import add_note, notes_for
from famlink.views.family import FamilyView, family_view
from famlink.views.find import FoundPerson
from famlink.views.lookup import Tables, tables_of
from famlink.views.person import PersonView, person_view
from famlink.web.dashboard import Dashboard, build_dashboard
from famlink.web.pupil import PupilView, pupil_view
from famlink.web.review import Pair, SideBySide, find_pair, pending_pairs, side_by_side
from famlink.web.search import SearchForm, run_search


class NotAllowed(FamlinkError):
    """The role does not have this action."""


class NotVisible(FamlinkError):
    """No such subject, or not in the user's scope (the user cannot tell which)."""


class ReasonRequired(FamlinkError):
    def __init__(self, what: str):
        self.what = what
        super().__init__(f"{what}: give a reason (it is kept in the audit log)")


@dataclass(frozen=True)
class Actor:
    account: Account
    role: RoleSpec

    @property
    def username(self) -> str:
        return self.account.username

    def can(self, action: str) -> bool:
        return self.role.can(action)


class Guard:
    def __init__(self, actor: Actor, access: AccessConfig, con: duckdb.DuckDBPyConnection,
                 snapshot: Path, scopes: ScopeCache, state: Engine):
        self.actor, self.access, self.con, self.state = actor, access, con, state
        self.policy = FieldPolicy(actor.role, access)
        self.snapshot, self.scopes = snapshot, scopes
        self.scope: Scope = scopes.get(snapshot, con, actor.account.role, actor.role.scope,
                                       actor.account.scope_value)

    def tables(self) -> Tables:
        """The snapshot's tables, read once per snapshot (a snapshot never changes)."""
        return self.scopes.remember(self.snapshot, ("tables",), lambda: tables_of(self.con))

    def require(self, action: str) -> None:
        if not self.actor.can(action):
            raise NotAllowed(f"the {self.actor.role.title} role cannot {action.replace('_', ' ')}")

    def audit(self, action: str, kind: str | None = None, subject: str | None = None,
              reason: str = "", **detail: Any) -> None:
        audit.append(self.state, username=self.actor.username, role=self.actor.account.role,
                     action=action, subject_kind=kind, subject_id=subject, reason=reason,
                     detail=detail)

    def check_person(self, person_id: str) -> None:
        if not self.scope.has_person(person_id):
            raise NotVisible(f"no person {person_id} that you can see")

    def check_family(self, family_id: str) -> None:
        if not self.scope.has_family(family_id):
            raise NotVisible(f"no family {family_id} that you can see")

    def restricted_feeds(self, person_id: str) -> list[str]:
        """The feeds whose records make viewing this person ask for a reason."""
        feeds = self.actor.role.reason_for_feeds
        if not feeds:
            return []
        rows = self.con.execute(
            "SELECT DISTINCT feed FROM person_membership WHERE person_id = ? "
            "AND list_contains(?, feed)", [person_id, feeds]).fetchall()
        return sorted(str(r[0]) for r in rows)

    def _view_person(self, person_id: str, action: str, reason: str) -> PersonView:
        self.require(action)
        self.check_person(person_id)
        try:
            view = person_view(self.con, person_id, tables=self.tables())
        except FamlinkError as exc:
            raise NotVisible(str(exc)) from exc
        restricted = self.restricted_feeds(person_id)
        if restricted and not reason.strip():
            raise ReasonRequired(f"this record is restricted ({', '.join(restricted)})")
        self.audit(action, "person", person_id, reason, restricted=restricted)
        return self.policy.person(view)

    def person(self, person_id: str, reason: str = "") -> PersonView:
        return self._view_person(person_id, "view_person", reason)

    def pupil(self, person_id: str, reason: str = "") -> PupilView:
        view = self._view_person(person_id, "view_pupil", reason)
        contacts = {f: self.access.contact(f) for f in self.access.feeds}
        full = {f for f in ("school_census", "school_attendance", "school_exclusions")
                if self.policy.level(f) == "full"}
        return pupil_view(self.con, view, contacts, full)

    def family(self, family_id: str) -> FamilyView:
        self.require("view_family")
        self.check_family(family_id)
        try:
            view = family_view(self.con, family_id, tables=self.tables())
        except FamlinkError as exc:
            raise NotVisible(str(exc)) from exc
        self.audit("view_family", "family", family_id)
        return self.policy.family(view)

    def search(self, form: SearchForm, *, action: str = "search",
               reason: str = "") -> list[FoundPerson]:
        self.require("search")
        found = run_search(self.con, form, self.scope.persons, self.tables())
        self.audit(action, None, None, reason, terms=form.terms(), results=len(found))
        return [self.policy.found(f) for f in found]

    def dashboard(self) -> Dashboard:
        self.require("view_dashboard")
        key = ("dashboard", self.actor.account.role, self.actor.account.scope_value or "")
        board = self.scopes.remember(self.snapshot, key, lambda: build_dashboard(
            self.con, self.scope, self.policy))
        self.audit("view_dashboard")
        return board

    def notes(self, kind: str, subject_id: str) -> list[Note]:
        """Notes on a subject the user can see (the page showing them is already audited)."""
        (self.check_person if kind == "person" else self.check_family)(subject_id)
        return notes_for(self.state, kind, subject_id, self.actor.account.role)

    def add_note(self, kind: str, subject_id: str, body: str, visible_to: list[str]) -> Note:
        self.require("write_notes")
        (self.check_person if kind == "person" else self.check_family)(subject_id)
        roles = [r for r in visible_to if r in self.access.roles]
        note = add_note(self.state, kind, subject_id, body, self.actor.username,
                        self.actor.account.role, roles)
        self.audit("add_note", kind, subject_id, note_id=note.note_id, visible_to=roles)
        return note

    def review_queue(self, limit: int = 50) -> list[Pair]:
        self.require("review_matches")
        pairs = pending_pairs(self.con, self.state, limit)
        self.audit("view_review_queue", results=len(pairs))
        return pairs

    def review_pair(self, left: str, right: str) -> tuple[SideBySide, Explanation]:
        self.require("review_matches")
        pair = find_pair(self.con, left, right)
        self.audit("view_pair", "pair", f"{left}|{right}")
        return side_by_side(self.con, pair), explain_pair(self.con, left, right)

    def decide(self, left: str, right: str, decision: str, reason: str) -> Decision:
        self.require("review_matches")
        find_pair(self.con, left, right)
        made = record_decision(self.state, left, right, decision, self.actor.username, reason)
        self.audit("decide_match", "pair", f"{made.record_id_l}|{made.record_id_r}", reason,
                   decision=decision)
        return made

    def family_outcomes(self, family_id: str) -> FamilyOutcomes | None:
        """Needs, eligibility, scores and claim check, for roles that may see them (the
        family page that shows them is already checked and audited)."""
        if not self.actor.can("view_outcomes") or not self.tables().has(*OUTCOME_TABLES):
            return None
        self.check_family(family_id)
        return OutcomePolicy(self.actor.role, self.access).outcomes(
            family_outcomes(self.con, family_id, checked=True))

    def person_flags(self, person_id: str) -> list[Flag] | None:
        if not self.actor.can("view_outcomes") or not self.tables().has(*OUTCOME_TABLES):
            return None
        self.check_person(person_id)
        return OutcomePolicy(self.actor.role, self.access).flags(
            person_flags(self.con, person_id, checked=True))

    def alerts(self) -> list[InboxAlert]:
        """The user's inbox; which alerts were shown to whom is the delivery record."""
        self.require("view_alerts")
        shown = inbox(self.con, self.state, self.actor.account.role, self.actor.role,
                      self.actor.account.scope_value)
        self.audit("view_alerts", results=len(shown),
                   alert_ids=[a.alert_id for a in shown if not a.ack])
        return shown

    def acknowledge(self, alert_id: str, note: str) -> Ack:
        self.require("view_alerts")
        mine = inbox(self.con, self.state, self.actor.account.role, self.actor.role,
                     self.actor.account.scope_value)
        if alert_id not in {a.alert_id for a in mine}:
            raise NotVisible(f"no alert {alert_id} addressed to you")
        ack = acknowledge(self.state, alert_id, self.actor.username, note)
        self.audit("acknowledge_alert", "alert", alert_id, note=ack.note)
        return ack

    def quality(self, project: Project) -> list[FeedQuality]:
        self.require("view_quality")
        feeds = project_quality(self.con, project)
        self.audit("view_quality")
        return feeds

    def export_search(self, form: SearchForm, reason: str) -> list[FoundPerson]:
        self.require("export")
        if not reason.strip():
            raise ReasonRequired("an export")
        return self.search(form, action="export", reason=reason)

    def export_person(self, person_id: str, reason: str) -> PersonView:
        self.require("export")
        if not reason.strip():
            raise ReasonRequired("an export")
        view = self._view_person(person_id, "view_person", reason)
        self.audit("export", "person", person_id, reason)
        return view
