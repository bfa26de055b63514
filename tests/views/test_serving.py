"""Serving tables on the hand-made Smiths warehouse: the views read through them are the
views read from the warehouse tables."""

from __future__ import annotations

import duckdb

from famlink.views.family import family_view
from famlink.views.lookup import tables_of
from famlink.views.person import person_view
from famlink.views.serving import prepare_serving


def _views(con: duckdb.DuckDBPyConnection) -> tuple[list, list]:
    persons = [r[0] for r in con.execute("SELECT person_id FROM persons ORDER BY 1").fetchall()]
    families = [r[0] for r in con.execute("SELECT family_id FROM families ORDER BY 1").fetchall()]
    return ([person_view(con, p) for p in persons], [family_view(con, f) for f in families])


def test_views_are_unchanged_by_the_serving_tables(smiths: duckdb.DuckDBPyConnection) -> None:
    before = _views(smiths)
    built = prepare_serving(smiths)
    assert tables_of(smiths).served
    assert built["serve_person_records"] == 6  # one row per linked record
    after = _views(smiths)
    assert after == before
    jane = after[0][0]
    assert [v.value for v in jane.names] == ["JANE SMITH", "JANE ANN SMITH"]
    assert [(v.kind, v.value) for v in jane.identifiers] == [("nhs_number", "9434765919"),
                                                             ("ni_number", "QQ123456C")]


def test_before_households_the_served_records_give_the_same_addresses(
        smiths_before_households: duckdb.DuckDBPyConnection) -> None:
    con = smiths_before_households
    before = person_view(con, "P1")
    prepare_serving(con)
    after = person_view(con, "P1")
    assert after == before and after.addresses_from == "records"
    assert {a.postcode for a in after.addresses} == {"NB1 1AA", "NB2 2BB"}


def test_prepare_is_safe_to_repeat(smiths: duckdb.DuckDBPyConnection) -> None:
    prepare_serving(smiths)
    again = prepare_serving(smiths)
    assert again["serve_person_records"] == 6
