"""Row conservation for arbitrary broken input: rows read = loaded + quarantined, always."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from famlink.engine import connect
from famlink.errors import FileLoadError
from famlink.ingest.load import load_file
from famlink.project import load_project

from .conftest import HEADER, ProjectMaker

cell = st.one_of(st.text(max_size=12), st.sampled_from(["01/02/2003", "", "M", "F", "x,y",
                                                        '"', "\n", "2003-02-31"]))
row = st.lists(cell, min_size=0, max_size=9)
junk = st.binary(max_size=40)


def _csv_bytes(rows: list[list[str]], tail: bytes) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    for r in rows:
        writer.writerow(r)
    return HEADER.encode() + buf.getvalue().encode("utf-8", "surrogatepass") + tail


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row, max_size=12), tail=junk)
def test_rows_read_equal_loaded_plus_quarantined(tmp_path_factory, rows, tail):
    maker = ProjectMaker(tmp_path_factory.mktemp("p") / "proj")
    try:
        content = _csv_bytes(rows, tail)
    except UnicodeEncodeError:
        return
    path = maker.file("incoming/people/a.csv", content)
    project = load_project(maker.root)
    con = connect(project.warehouse_path)
    try:
        outcome = load_file(con, project, project.feeds["people"], path)
    except FileLoadError:
        assert con.execute("SELECT count(*) FROM load_batches").fetchall()[0][0] == 0
        con.close()
        return
    loaded = con.execute("SELECT count(*) FROM raw_people").fetchall()[0][0]
    held = con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0]
    [(read,)] = con.execute("SELECT rows_read FROM load_batches").fetchall()
    con.close()
    assert read == loaded + held == outcome.rows_read
    assert outcome.rows_loaded == loaded
    non_blank = [r for r in rows if any(c.strip() for c in r)]
    assert read >= len(non_blank)  # every written record was counted (the tail may add more)
