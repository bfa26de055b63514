"""Household IDs: the households whose members did not change are settled in SQL, the rest
counted in Python; together they must give exactly what counting every household gives."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from famlink.households.households import household_ids
from famlink.link.stable_ids import IdEvent, assign_cluster_ids
from tests.households.conftest import Street

DAY = dt.date(2020, 1, 1)
# a person's spell: (person, dwelling, start day); a run puts each spell in one household
spells = st.lists(st.tuples(st.sampled_from("ABCDEFGHIJ"), st.sampled_from("xyz"),
                            st.integers(0, 3)), min_size=1, max_size=14, unique=True)


def _load(con: duckdb.DuckDBPyConnection, now: dict, before: dict | None) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE _tmp_households_chain (person_id VARCHAR, "
                "dwelling_key VARCHAR, start_date DATE, household_key VARCHAR)")
    con.executemany("INSERT INTO _tmp_households_chain VALUES (?, ?, ?, ?)",
                    [(p, d, DAY + dt.timedelta(s), k) for (p, d, s), k in now.items()])
    con.execute("DROP TABLE IF EXISTS household_members")
    if before is not None:
        con.execute("CREATE TABLE household_members (household_id VARCHAR, person_id VARCHAR, "
                    "dwelling_key VARCHAR, start_date DATE)")
        con.executemany("INSERT INTO household_members VALUES (?, ?, ?, ?)",
                        [(h, p, d, DAY + dt.timedelta(s)) for (p, d, s), h in before.items()])


def _settled(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], list[IdEvent]]:
    events = household_ids(con)
    return dict(con.execute("SELECT cluster, id FROM _tmp_households_ids"
                            ).fetchall()), events


def _counted(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], list[IdEvent]]:
    """Every household counted in Python, as before the SQL shortcut."""
    clusters = {k: (first, n) for k, first, n in con.execute(
        "SELECT cluster, min(member), count(*) FROM _tmp_ids_now GROUP BY ALL").fetchall()}
    overlaps = Counter({(k, h): n for k, h, n in con.execute(
        "SELECT n.cluster, w.id, count(*) FROM _tmp_ids_now n "
        "JOIN _tmp_ids_was w USING (member) GROUP BY ALL").fetchall()})
    previous = Counter(dict(con.execute(
        "SELECT id, count(*) FROM _tmp_ids_was GROUP BY ALL").fetchall()))
    return assign_cluster_ids(clusters, overlaps, previous, prefix="H")


@settings(max_examples=150, deadline=None)
@given(spells, st.data())
def test_settling_unchanged_households_in_sql_changes_no_id_and_no_event(
        members: list, data: st.DataObject) -> None:
    con = duckdb.connect()
    before = {m: data.draw(st.sampled_from(["H1", "H2", "H3", "H4"])) for m in members
              if data.draw(st.booleans())}
    now = {m: data.draw(st.sampled_from(["k1", "k2", "k3", "k4", "k5"])) for m in members}
    _load(con, now, before or None)
    ids, events = _settled(con)
    assert (ids, sorted(events, key=repr)) == \
        (lambda r: (r[0], sorted(r[1], key=repr)))(_counted(con))


def test_a_new_household_never_takes_an_id_kept_by_an_unchanged_one() -> None:
    con = duckdb.connect()
    # H kept its ID (made once from the key of a spell that has since left it); that spell
    # is now a household of its own, whose new ID would be made from the same key
    first = ("A", "x", 0)
    _load(con, {first: "k1"}, None)
    (old_id,) = _settled(con)[0].values()
    _load(con, {("B", "x", 1): "k1", first: "k2"}, {("B", "x", 1): old_id})
    ids, events = _settled(con)
    assert ids["k1"] == old_id and ids["k2"] != old_id
    assert [e.event for e in events] == ["created"]


def test_households_away_from_a_change_keep_their_ids_with_nothing_logged(
        street: Street) -> None:
    for n, uprn in enumerate(("100", "200", "300")):
        for who in ("A", "B"):
            street.person(f"{who}{n}", "1980-01-01", f"FAMILY{n}")
            street.row(f"{who}{n}", "council_tax", "2019-09-01", uprn)
    street.run()
    before = dict(street.query("SELECT person_id, household_id FROM household_members"))
    logged = street.query("SELECT event, id FROM household_id_history ORDER BY ALL")
    street.person("LODGER", "1990-05-05", "NEW")
    street.row("LODGER", "council_tax", "2025-01-01", "300")
    street.run()
    after = dict(street.query("SELECT person_id, household_id FROM household_members"))
    assert {p: after[p] for p in before} == before  # the lodger joined the third household
    assert after["LODGER"] == before["A2"]
    assert street.query("SELECT event, id FROM household_id_history ORDER BY ALL") == logged
