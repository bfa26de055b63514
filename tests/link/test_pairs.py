"""The pair flags the clustering reads: forenames that clearly differ, and whether the
addresses or an identifier agree (link/stage.py PAIRS_SQL and _clusterable)."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from famlink.link.settings import Thresholds
from famlink.link.stage import PAIRS_SQL, _clusterable

COLUMNS = {"first_name": "VARCHAR", "first_name_canon": "VARCHAR", "middle_names": "VARCHAR",
           "surname": "VARCHAR", "is_initial_only": "BOOLEAN", "dob": "VARCHAR",
           "nhs_number": "VARCHAR", "upn": "VARCHAR", "ni_number": "VARCHAR",
           "person_key": "VARCHAR", "uprn": "VARCHAR", "dwelling": "VARCHAR",
           "postcode": "VARCHAR", "house_number": "VARCHAR", "address_norm": "VARCHAR"}


def _record(rid: str, **values: object) -> dict[str, object]:
    row: dict[str, object] = {c: None for c in COLUMNS}
    row.update(record_id=rid, is_initial_only=False, **values)
    row.setdefault("first_name_canon", row["first_name"])
    return row


def _pair(left: dict[str, object], right: dict[str, object]) -> dict[str, object]:
    con = duckdb.connect()
    cols = ", ".join(f"{c} {t}" for c, t in {"record_id": "VARCHAR", **COLUMNS}.items())
    con.execute(f"CREATE TEMP TABLE _tmp_link_records ({cols})")
    for row in (left, right):
        con.execute(f"INSERT INTO _tmp_link_records BY NAME SELECT "
                    f"{', '.join('?::' + t + ' AS ' + c for c, t in COLUMNS.items())}, "
                    "?::VARCHAR AS record_id", [*(row[c] for c in COLUMNS), row["record_id"]])
    con.execute("CREATE TEMP TABLE _tmp_link_scored AS SELECT 'l' AS record_id_l, "
                "'r' AS record_id_r, 10.0 AS match_weight")
    return dict(zip([d[0] for d in con.execute(PAIRS_SQL).description],
                    con.fetchall()[0], strict=True))


TWIN = dict(surname="HOPE", dob="2010-05-01", postcode="NB1 1AA")


def test_twins_forenames_differ():
    pair = _pair(_record("l", first_name="AMELIA", **TWIN),
                 _record("r", first_name="GRACE", **TWIN))
    assert pair["forenames_differ"] and pair["address_agrees"] and not pair["identifier_agrees"]


@pytest.mark.parametrize("right_dob, differ", [("2010-05-01", False), ("2010-05-11", False),
                                                (None, False), ("1984-02-17", True)])
def test_a_shared_identifier_lifts_forenames_differ_unless_the_dates_disagree(right_dob, differ):
    left = _record("l", first_name="KATE", person_key="crm:73461", **TWIN)
    right = _record("r", first_name="CONNOR", person_key="crm:73461",
                    **{**TWIN, "dob": right_dob})
    pair = _pair(left, right)
    assert pair["identifier_agrees"]
    assert pair["forenames_differ"] == differ


def test_a_mistyped_street_at_the_same_number_is_the_same_address():
    left = _record("l", first_name="JAMES", house_number="27",
                   address_norm="27 GEPP PLACE OLD POST OFFICE THORNBURY")
    right = _record("r", first_name="JAMES", house_number="27",
                    address_norm="27 GEPP PBOACE OLD POST OFFICE THORNBURY")
    assert _pair(left, right)["address_agrees"]
    next_door = {**right, "house_number": "29", "address_norm": "29 GEPP PLACE OLD POST OFFICE "
                 "THORNBURY"}
    assert not _pair(left, next_door)["address_agrees"]


def test_a_weak_record_joins_without_an_address_only_on_an_identifier():
    pairs = pa.table({"match_weight": [8.0, 8.0, 8.0], "address_agrees": [False, False, True],
                      "identifier_agrees": [False, True, False],
                      "both_strong": [False, False, False],
                      "forenames_differ": [False, False, False]})
    assert _clusterable(pairs, Thresholds(), True).to_pylist() == [False, True, True]
