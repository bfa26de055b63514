"""Search rows read by key (serve_search_keys) are the rows, and in the order, that the same
branch's query reads from serve_search, also where a branch is cut short."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from famlink.views.search import HIT, ROW, TIES
from famlink.views.search_keys import Keyed, read_keyed
from famlink.views.serving import dob_key, name_key, prepare_serving

from .people import build_people


@pytest.fixture
def snapshot() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    build_people(con)
    # a second row for P5 and two more JOHN SMITHs, so that ties and the cap are exercised
    con.execute("INSERT INTO person_records VALUES "
                "('r8', 'feed', 'JOHN', 'JOHN', 'JN', NULL, 'SMITH', 'SM0', NULL, "
                "'1983-03-07', NULL, 'NB3 2AB', NULL, NULL, NULL, NULL), "
                "('r9', 'feed', 'JOHN', 'JOHN', 'JN', NULL, 'SMITH', 'SM0', NULL, "
                "'1983-07-03', NULL, NULL, NULL, NULL, NULL, NULL), "
                "('r10', 'feed', 'JOHNNY', 'JOHN', 'JN', NULL, 'SMITH', 'SM0', NULL, "
                "NULL, NULL, 'NB1 1AA', NULL, NULL, NULL, NULL)")
    con.execute("INSERT INTO person_membership VALUES ('r8', 'P5'), ('r9', 'P7'), "
                "('r10', 'P8')")
    con.execute("CREATE OR REPLACE TABLE persons AS SELECT m.person_id, count(*) AS n_records, "
                "list(DISTINCT p.feed ORDER BY p.feed) AS feeds, min(p.first_name) AS "
                "first_name, min(p.surname) AS surname, min(p.date_of_birth) AS date_of_birth, "
                "min(p.sex) AS sex FROM person_membership m JOIN person_records p "
                "USING (record_id) GROUP BY 1")
    prepare_serving(con)
    yield con
    con.close()


def _queried(con: duckdb.DuckDBPyConnection, where: str, exact: str, params: list,
             cap: int) -> list[dict]:
    columns = (*ROW, *HIT)
    rows = con.execute(f"SELECT * FROM (SELECT DISTINCT {', '.join(columns)} FROM serve_search "
                       f"WHERE {where}) ORDER BY {exact + ' DESC, ' if exact else ''}{TIES} "
                       f"LIMIT {cap}", params).fetchall()
    return [dict(zip(columns, r, strict=True)) for r in rows]


@pytest.mark.parametrize("cap", [1, 2, 3, 300])
def test_a_name_branch_reads_the_rows_its_query_reads(snapshot, cap: int) -> None:
    keys = [name_key("S", "SMITH", f) for f in ("JOHN", "JOHNNY", "JON")]
    keys.append(name_key("C", "SMYTH", "JOHN"))
    read = read_keyed(snapshot, [Keyed(keys, {"surname": "SMITH", "first_name": "JOHNNY"})], cap)
    queried = _queried(snapshot, "(surname = 'SMITH' AND list_contains(['JOHN', 'JOHNNY', "
                       "'JON'], first_name)) OR (surname = 'SMYTH' AND first_name_canon = "
                       "'JOHN')", "surname = 'SMITH' AND first_name = 'JOHNNY'", [], cap)
    assert read == queried
    assert len(read) == min(cap, 4)  # P5 twice (two rows), P7, P8


@pytest.mark.parametrize("cap", [1, 2, 300])
def test_a_date_of_birth_branch_reads_the_rows_its_query_reads(snapshot, cap: int) -> None:
    dobs = [dt.date(1983, 3, 7), dt.date(1983, 7, 3)]
    read = read_keyed(snapshot, [Keyed([dob_key(d) for d in dobs],
                                       {"date_of_birth": dobs[0]})], cap)
    queried = _queried(snapshot, "list_contains(?, date_of_birth)", "date_of_birth = ?",
                       [dobs, dobs[0]], cap)
    assert read == queried and read
    assert {r["person_id"] for r in read} <= {"P5", "P7"}


def test_keys_that_no_row_has_read_nothing(snapshot) -> None:
    assert read_keyed(snapshot, [Keyed([name_key("S", "NOBODY", "AT ALL")])], 300) == []
    assert read_keyed(snapshot, [Keyed([])], 300) == []
