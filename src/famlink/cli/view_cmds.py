"""`famlink person`, `famlink family`, `famlink find`: the single views in the terminal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import typer
from rich.panel import Panel
from rich.table import Table

from famlink.chronology.entries import ChronologyEntry, FamilyChronologyEntry
from famlink.cli.console import (
    ProjectOption,
    console,
    friendly_errors,
    project_from,
    read_warehouse,
    summary_table,
)
from famlink.views.family import FamilyView, family_view
from famlink.views.find import find_persons, parse_dob
from famlink.views.person import Household, PersonView, Relationship, Variant, person_view

TypeOption = typer.Option(None, "--type", "-t",
                          help="Only these event types (repeat for several).")
FromOption = typer.Option(None, "--from", formats=["%Y-%m-%d"],
                          help="Only events on or after this date (undated ones are kept).")
ToOption = typer.Option(None, "--to", formats=["%Y-%m-%d"],
                        help="Only events on or before this date (undated ones are kept).")
LimitOption = typer.Option(50, "--limit", "-n", help="Chronology rows to show; 0 for all.")


def _d(value: dt.date | None, open_end: str = "") -> str:
    return value.isoformat() if value else open_end


def _table(title: str, columns: Sequence[str]) -> Table:
    table = Table(title=title, title_justify="left", expand=False)
    for name in columns:
        table.add_column(name, overflow="fold")
    return table


def _variants(title: str, variants: list[Variant], with_kind: bool = False) -> Table:
    table = _table(title, [*(["identifier"] if with_kind else []), "value", "records", "feeds",
                           "as recorded"])
    for v in variants:
        shown = ", ".join(v.as_recorded[:4]) + (" ..." if len(v.as_recorded) > 4 else "")
        value = v.value + (f" ({v.quality})" if v.quality and v.quality != "ok" else "")
        table.add_row(*([v.kind] if with_kind else []), value, str(v.n_records),
                      ", ".join(v.feeds), shown)
    return table


def _households(households: list[Household]) -> Table:
    table = _table("Households", ["household", "address", "from", "to", "members"])
    for h in households:
        members = "; ".join(f"{m.name} ({m.person_id}, {_d(m.start_date, '?')} to "
                            f"{_d(m.end_date, 'now')})" for m in h.members)
        table.add_row(h.household_id, f"{h.address or ''} {h.postcode or ''}".strip(),
                      _d(h.start_date), _d(h.end_date, "now"), members)
    return table


def _relationships(relationships: list[Relationship], among: bool = False) -> Table:
    table = _table("Relationships", [*(["person"] if among else []), "relation", "person",
                                     "source", "confidence", "from", "to", "evidence"])
    for r in relationships:
        conf = f"{r.confidence:.2f}" if r.confidence is not None else ""
        table.add_row(*([f"{r.person_name} ({r.person_id})"] if among else []), r.relation,
                      f"{r.other_name} ({r.other_person_id})", r.source or "", conf,
                      _d(r.start_date), _d(r.end_date), r.evidence or "")
    return table


def _chronology(entries: Sequence[ChronologyEntry], limit: int, family: bool = False) -> None:
    shown = entries if limit <= 0 else entries[:limit]
    table = _table("Chronology", ["date", "time", *(["member", "role"] if family else []),
                                  "feed", "event", "summary"])
    for e in shown:
        date = "[yellow]no date[/]" if e.is_date_missing else _d(e.event_date)
        who = [e.member_name, e.member_role] if isinstance(e, FamilyChronologyEntry) else []
        table.add_row(date, e.event_time or "", *who, e.feed, e.event_type or "", e.summary)
    console.print(table)
    if len(shown) < len(entries):
        console.print(f"showing {len(shown)} of {len(entries)} events; --limit 0 shows all")


def _hints(hints: list[str]) -> None:
    for hint in hints:
        console.print(f"[yellow]note:[/] {hint}", highlight=False)


def print_person(view: PersonView, limit: int) -> None:
    dob = view.dates_of_birth[0].value if view.dates_of_birth else "unknown"
    sex = view.sexes[0].value if view.sexes else "unknown"
    console.print(Panel(f"[bold]{view.name}[/]  {view.person_id}\nborn {dob} · sex {sex} · "
                        f"{view.n_records} records from {', '.join(view.feeds)}",
                        title="Person", expand=False))
    console.print(_variants("Names", view.names))
    console.print(_variants("Dates of birth", view.dates_of_birth))
    console.print(_variants("Identifiers", view.identifiers, with_kind=True))
    if len(view.sexes) > 1:
        console.print(_variants("Sex", view.sexes))
    addresses = _table(f"Addresses (from {view.addresses_from.replace('_', ' ')})",
                       ["from", "to", "address", "postcode", "records", "feeds"])
    for a in view.addresses:
        addresses.add_row(_d(a.first_seen_date), _d(a.last_seen_date), a.address or "",
                          a.postcode or "", str(a.n_records), ", ".join(a.feeds))
    console.print(addresses)
    if view.current_address:
        c = view.current_address
        console.print(f"Current address: [bold]{c.address or ''} {c.postcode or ''}[/] "
                      f"({c.reason or 'no reason given'})", highlight=False)
    if view.households:
        console.print(_households(view.households))
    if view.relationships:
        console.print(_relationships(view.relationships))
    if view.families:
        console.print(summary_table("Families", [
            (f.family_id, f.role or "", _d(f.start_date), _d(f.end_date, "now"),
             f.n_members or "") for f in view.families],
            columns=("family", "role", "from", "to", "members")))
    _chronology(view.chronology, limit)
    _hints(view.hints)


def print_family(view: FamilyView, limit: int) -> None:
    period = f"{_d(view.start_date, '?')} to {_d(view.end_date, 'now')}"
    console.print(Panel(f"[bold]Family {view.family_id}[/]  {period} · "
                        f"{len({m.person_id for m in view.members})} members",
                        title="Family", expand=False))
    members = _table("Members", ["person", "name", "role", "born", "sex", "from", "to"])
    for m in view.members:
        members.add_row(m.person_id, m.name, m.role or "", _d(m.date_of_birth), m.sex or "",
                        _d(m.start_date), _d(m.end_date, "now"))
    console.print(members)
    if view.households:
        console.print(_households(view.households))
    if view.relationships:
        console.print(_relationships(view.relationships, among=True))
    _chronology(view.chronology, limit, family=True)
    _hints(view.hints)


def register(app: typer.Typer) -> None:
    @app.command()
    def person(person_id: str, types: list[str] | None = TypeOption,
               start: dt.datetime | None = FromOption, end: dt.datetime | None = ToOption,
               limit: int = LimitOption, project: Path | None = ProjectOption) -> None:
        """The single view of a person: identity, addresses, households, family, chronology."""
        with friendly_errors(), read_warehouse(project_from(project)) as con:
            view = person_view(con, person_id, types=types, start=start and start.date(),
                               end=end and end.date())
        print_person(view, limit)

    @app.command()
    def family(family_id: str, types: list[str] | None = TypeOption,
               start: dt.datetime | None = FromOption, end: dt.datetime | None = ToOption,
               limit: int = LimitOption,
               within: bool = typer.Option(False, "--within", help="Only each member's events "
                                           "from their time in the family."),
               project: Path | None = ProjectOption) -> None:
        """The single view of a family: members, households, relationships, chronology."""
        with friendly_errors(), read_warehouse(project_from(project)) as con:
            view = family_view(con, family_id, types=types, start=start and start.date(),
                               end=end and end.date(), within_membership=within)
        print_family(view, limit)

    @app.command()
    def find(name: str = typer.Argument("", help="Names to look for, e.g. \"Liv Hammond\"."),
             dob: str | None = typer.Option(None, "--dob", help="Date of birth: YYYY-MM-DD "
                                            "or DD/MM/YYYY."),
             limit: int = typer.Option(20, "--limit", "-n"),
             project: Path | None = ProjectOption) -> None:
        """Find persons by name (any name their records give) and date of birth."""
        with friendly_errors(), read_warehouse(project_from(project)) as con:
            found = find_persons(con, name, dob=parse_dob(dob), limit=limit)
        if not found:
            console.print("No persons found; try fewer words or leave out --dob.")
            return
        console.print(summary_table(f"Persons matching {name!r}", [
            (f.person_id, f.name, _d(f.date_of_birth), f.sex or "", f.n_records,
             ", ".join(f.feeds), f.matched_name) for f in found],
            columns=("person", "name", "born", "sex", "records", "feeds", "matched on")))
