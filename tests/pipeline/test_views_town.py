"""The chronology and the single views on the seeded town, end to end."""

from __future__ import annotations

from typer.testing import CliRunner

from famlink.chronology.entries import person_chronology
from famlink.chronology.summaries import SUMMARIES
from famlink.cli.main import app
from famlink.engine import connect
from famlink.views.person import person_view

runner = CliRunner()


def _con(project):
    return connect(project.warehouse_path, read_only=True)


def test_every_event_of_a_linked_person_is_in_the_chronology(linked_town):
    con = _con(linked_town)
    try:
        [(events, rows, bad_seq, generic)] = con.execute(
            "SELECT (SELECT count(*) FROM events e JOIN person_membership USING (record_id)), "
            "count(*), count(*) FILTER (WHERE seq < 1), count(*) FILTER (WHERE NOT "
            "list_contains(?, event_type)) FROM chronology", [list(SUMMARIES)]).fetchall()
        assert rows == events > 0 and bad_seq == 0 and generic == 0
        [(person,)] = con.execute("SELECT person_id FROM chronology GROUP BY 1 "
                                  "ORDER BY count(*) DESC, 1 LIMIT 1").fetchall()
        entries = person_chronology(con, person)
        keys = [(e.event_date, e.seq) for e in entries]
        assert keys == sorted(keys) and [e.seq for e in entries] == list(range(1, len(keys) + 1))
        view = person_view(con, person)
        assert sum(v.n_records for v in view.dates_of_birth) <= view.n_records
        assert len(view.chronology) == len(entries)
    finally:
        con.close()


def test_cli_find_then_person_then_family_on_the_town(linked_town):
    con = _con(linked_town)
    try:
        [(person_id, first, surname)] = con.execute(
            "SELECT p.person_id, p.first_name, p.surname FROM persons p "
            "JOIN chronology c USING (person_id) WHERE p.first_name IS NOT NULL "
            "GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1").fetchall()
        [(family_id, n_members)] = con.execute(
            "SELECT family_id, count(DISTINCT person_id) FROM family_members GROUP BY 1 "
            "ORDER BY 2 DESC, 1 LIMIT 1").fetchall()
    finally:
        con.close()
    project = str(linked_town.root)
    found = runner.invoke(app, ["find", f"{first} {surname}", "-p", project])
    assert found.exit_code == 0 and person_id in found.output, found.output
    shown = runner.invoke(app, ["person", person_id, "-n", "5", "-p", project])
    assert shown.exit_code == 0, shown.output
    assert "Chronology" in shown.output and "showing 5 of" in shown.output
    fam = runner.invoke(app, ["family", family_id, "-p", project])
    assert fam.exit_code == 0, fam.output
    assert f"{n_members} members" in fam.output and "Households" in fam.output
