"""A rule limited to the people on a list (``subjects.on_feeds``) alerts on them and on no
one else; a list the project does not have is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from famlink.alerts.spec import ALERTS_FILE, default_path
from famlink.engine import connect
from famlink.errors import ConfigError
from famlink.ingest import deliveries
from famlink.pipeline import run_stages
from famlink.project import Project
from tests.alerts.incident import deliver, pick_victim


def _quiet(what: str, done: int, total: int) -> None:
    pass


def test_only_subjects_with_a_record_in_the_feeds_are_alerted(town_copy: Project,
                                                               tmp_path: Path) -> None:
    book = yaml.safe_load(default_path().read_text())
    encompass = book["alerts"]["operation_encompass"]
    book["alerts"] = {
        "on_roll": {**encompass, "subjects": {**encompass["subjects"],
                                              "on_feeds": ["school_census"]}},
        "on_youth_list": {**encompass, "subjects": {**encompass["subjects"],
                                                    "on_feeds": ["youth_offending"]}}}
    (town_copy.root / "rules" / ALERTS_FILE).write_text(yaml.safe_dump(book))
    con = connect(town_copy.warehouse_path)
    try:
        victim = pick_victim(con)
        child = victim[5]
        on_youth_list = con.execute(
            "SELECT count(*) FROM person_records JOIN person_membership USING (record_id) "
            "WHERE person_id = ? AND person_records.feed = 'youth_offending'", [child]
        ).fetchall()[0][0]
        deliveries.take(town_copy, deliver(victim, tmp_path / "drops", "NB-2026-9000002"))
        assert all(r.ok for r in run_stages(town_copy, con, None, _quiet))
        raised = con.execute("SELECT DISTINCT rule, person_id FROM alerts "
                             "WHERE event_ref = 'NB-2026-9000002' ORDER BY 1").fetchall()
    finally:
        con.close()
    assert on_youth_list == 0
    assert raised == [("on_roll", child)]


def test_an_unknown_list_names_the_file_and_key(town_copy: Project) -> None:
    book = yaml.safe_load(default_path().read_text())
    book["alerts"]["missing_child"]["subjects"]["on_feeds"] = ["safe_cohort"]
    (town_copy.root / "rules" / ALERTS_FILE).write_text(yaml.safe_dump(book))
    con = connect(town_copy.warehouse_path)
    try:
        before = con.execute("SELECT count(*) FROM alerts").fetchall()
        with pytest.raises(ConfigError) as err:
            run_stages(town_copy, con, ["alerts"], _quiet)
        assert con.execute("SELECT count(*) FROM alerts").fetchall() == before
    finally:
        con.close()
    message = str(err.value)
    assert ALERTS_FILE in message and "alerts.missing_child.subjects.on_feeds" in message
    assert "'safe_cohort'" in message and "school_census" in message
