from __future__ import annotations

import datetime as dt

import pytest

from famlink.errors import ConservationError, FileLoadError
from famlink.ingest import batches, load
from famlink.ingest.load import ingest_feed, load_file

from .conftest import HEADER, PEOPLE_FEED, snapshot

GOOD = HEADER + "1,John,Smith,04/03/2012,2024-01-05,943 476 5919,M\n2,Zoë,Brown,1985-02-01,,,F\n"


def _quarantine(con):
    return con.execute("SELECT source_row_number, line_number, field, reason_code, reason, "
                       "file_path FROM quarantine ORDER BY source_row_number").fetchall()


def test_good_file_loads_with_lineage(maker, open_warehouse):
    path = maker.file("incoming/people/a.csv", GOOD)
    project = maker.load()
    con = open_warehouse(project)
    outcome = load_file(con, project, project.feeds["people"], path)
    assert (outcome.status, outcome.rows_read, outcome.rows_loaded) == ("loaded", 2, 2)
    rows = con.execute("SELECT record_id, source_record_id, source_row_number, file_checksum, "
                       "first_name, date_of_birth, nhs_number, sex FROM raw_people "
                       "ORDER BY 1").fetchall()
    checksum = batches.file_checksum(path)
    assert rows[0] == ("people:1", "1", 1, checksum, "John", dt.date(2012, 3, 4), "9434765919",
                       "male")
    assert rows[1][4:] == ("Zoë", dt.date(1985, 2, 1), None, "female")


def test_same_file_twice_adds_nothing_and_changed_file_is_new_batch(maker, open_warehouse):
    path = maker.file("incoming/people/a.csv", GOOD)
    project = maker.load()
    con = open_warehouse(project)
    ingest_feed(con, project, project.feeds["people"])
    again = ingest_feed(con, project, project.feeds["people"])
    assert [o.status for o in again] == ["unchanged"]
    assert con.execute("SELECT count(*) FROM raw_people").fetchall()[0][0] == 2
    path.write_text(GOOD + "3,Amy,Jones,01/01/2001,,,F\n")
    changed = ingest_feed(con, project, project.feeds["people"])
    assert [(o.status, o.rows_loaded) for o in changed] == [("loaded", 3)]
    assert con.execute("SELECT count(DISTINCT load_batch_id) FROM raw_people").fetchall()[0][0] == 2


def test_a_file_rewritten_in_place_at_the_same_size_is_read_again(maker, open_warehouse):
    path = maker.file("incoming/people/a.csv", GOOD)
    project = maker.load()
    con = open_warehouse(project)
    ingest_feed(con, project, project.feeds["people"])
    path.write_text(GOOD.replace("John", "Joan"))  # same size, same name, new content
    [outcome] = ingest_feed(con, project, project.feeds["people"])
    assert (outcome.status, outcome.rows_loaded) == ("loaded", 2)
    assert con.execute("SELECT count(*) FROM raw_people WHERE first_name = 'Joan'"
                       ).fetchall()[0][0] == 1


def test_undecodable_bytes_quarantine_the_row_and_name_the_field(maker, open_warehouse):
    content = (HEADER + "1,John,Smith,04/03/2012,,,M\n").encode() + \
        "2,Zoë,Brown,01/02/1985,,,F\n".encode("cp1252")
    maker.file("incoming/people/a.csv", content)
    project = maker.load()
    con = open_warehouse(project)
    [outcome] = ingest_feed(con, project, project.feeds["people"])
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == (2, 1, 1)
    [(row, line, field, code, reason, path)] = _quarantine(con)
    assert (row, line, field, code) == (2, 3, "Forename", "undecodable_bytes")
    assert "utf-8" in reason and path == "incoming/people/a.csv"


def test_declared_or_detected_encoding_reads_cp1252(maker, open_warehouse):
    maker.feed("people", PEOPLE_FEED % {"encoding": "detect"})
    maker.file("incoming/people/a.csv", (HEADER + "2,Zoë,Brontë,01/02/1985,,,F\n" * 1)
               .encode("cp1252"))
    project = maker.load()
    con = open_warehouse(project)
    ingest_feed(con, project, project.feeds["people"])
    assert con.execute("SELECT first_name, surname FROM raw_people").fetchall() == [
        ("Zoë", "Brontë")]


def test_ragged_rows_and_bad_required_dates_are_quarantined(maker, open_warehouse):
    maker.file("incoming/people/a.csv", HEADER + "1,John,Smith\n"
               "2,Ann,Lee,31/02/2001,,,F\n3,Bo,Ng,,,,M\n4,Al,Ray,01/01/2001,not a date,,M\n"
               "5,Al,Ray,01/01/2001,,,M,extra\n")
    project = maker.load()
    con = open_warehouse(project)
    [outcome] = ingest_feed(con, project, project.feeds["people"])
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == (5, 1, 4)
    held = {r[0]: r for r in _quarantine(con)}
    assert held[1][3] == "ragged_row" and "3 fields" in held[1][4]
    assert held[2][2:4] == ("date_of_birth", "invalid_date") and "31/02/2001" in held[2][4]
    assert held[3][2:4] == ("date_of_birth", "missing_required") and "'DOB'" in held[3][4]
    assert held[5][3] == "ragged_row" and held[5][1] == 6
    # an optional date that cannot be read is loaded as missing, its text kept beside it
    assert con.execute("SELECT event_date, event_date_raw FROM raw_people").fetchall() == [
        (None, "not a date")]


def test_duplicate_record_ids_in_one_file_are_quarantined(maker, open_warehouse):
    maker.file("incoming/people/a.csv", HEADER + "1,A,B,01/01/2001,,,M\n1,C,D,01/01/2001,,,M\n")
    project = maker.load()
    con = open_warehouse(project)
    ingest_feed(con, project, project.feeds["people"])
    [(row, _, field, code, _, _)] = _quarantine(con)
    assert (row, field, code) == (2, "record_id", "duplicate_record_id")


@pytest.mark.parametrize(("content", "message", "field"), [
    (b"", "file is empty", None),
    (b"\n\n", "file is empty", None),
    (b"ID,Forename,Surname,DOB,Seen,NHS\n1,a,b,01/01/2001,,\n", "'Sex' is not in the header",
     "sex"),
    (HEADER.strip().encode() + b",Sex\n1,a,b,01/01/2001,,,M,M\n", "appears 2 times",
     "sex"),
])
def test_whole_file_errors_name_the_file_and_store_nothing(maker, open_warehouse, content,
                                                          message, field):
    maker.file("incoming/people/a.csv", GOOD)
    project = maker.load()
    con = open_warehouse(project)
    ingest_feed(con, project, project.feeds["people"])
    before = snapshot(con)
    bad = maker.file("incoming/people/b.csv", content)
    with pytest.raises(FileLoadError) as err:
        load_file(con, project, project.feeds["people"], bad)
    assert str(bad) in str(err.value) and message in str(err.value)
    assert err.value.field == field
    assert snapshot(con) == before


def test_header_only_file_loads_nothing_but_is_recorded(maker, open_warehouse):
    maker.file("incoming/people/a.csv", HEADER)
    project = maker.load()
    con = open_warehouse(project)
    [outcome] = ingest_feed(con, project, project.feeds["people"])
    assert (outcome.status, outcome.rows_read) == ("loaded", 0)
    assert con.execute("SELECT rows_read FROM load_batches").fetchall() == [(0,)]


def test_header_matches_ignoring_case(maker, open_warehouse):
    maker.file("incoming/people/a.csv", HEADER.lower() + "1,A,B,01/01/2001,,,M\n")
    project = maker.load()
    con = open_warehouse(project)
    [outcome] = ingest_feed(con, project, project.feeds["people"])
    assert outcome.rows_loaded == 1


def test_file_that_disappears_mid_run_fails_alone(maker, open_warehouse):
    maker.file("incoming/people/a.csv", GOOD)
    second = maker.file("incoming/people/b.csv", HEADER + "9,X,Y,01/01/2001,,,M\n")
    project = maker.load()
    con = open_warehouse(project)
    outcomes = ingest_feed(con, project, project.feeds["people"],
                           on_file=lambda o: second.unlink(missing_ok=True))
    assert [o.status for o in outcomes] == ["loaded", "failed"]
    assert "b.csv" in outcomes[1].message and "not found" in outcomes[1].message
    assert con.execute("SELECT count(*) FROM raw_people").fetchall()[0][0] == 2


def test_conservation_violation_stops_and_rolls_back(maker, open_warehouse, monkeypatch):
    maker.file("incoming/people/a.csv", GOOD)
    project = maker.load()
    con = open_warehouse(project)
    batches.ensure_tables(con)
    before = snapshot(con)
    monkeypatch.setattr(load.batches, "batch_counts", lambda *a: (1, 0))
    with pytest.raises(ConservationError, match="rows read 2 != loaded 1"):
        ingest_feed(con, project, project.feeds["people"])
    assert snapshot(con) == before


def test_failure_inside_the_transaction_leaves_warehouse_untouched(maker, open_warehouse,
                                                                  monkeypatch):
    maker.file("incoming/people/a.csv", GOOD)
    project = maker.load()
    con = open_warehouse(project)
    ingest_feed(con, project, project.feeds["people"])
    before = snapshot(con)
    maker.file("incoming/people/b.csv", HEADER + "9,X,Y,01/01/2001,,,M\n")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(load, "_sql_rejects", boom)
    with pytest.raises(RuntimeError):
        ingest_feed(con, project, project.feeds["people"])
    assert snapshot(con) == before
