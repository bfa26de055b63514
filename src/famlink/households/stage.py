"""The households stage: linked persons -> where they live, households, relationships and
families, for the as-of date (``households.as_of`` in famlink.yaml, else the project's
reference date, else today)."""

from __future__ import annotations

import datetime as dt

import duckdb

from famlink.engine import create_temp_table, scalar, table_exists, transaction
from famlink.errors import FamlinkError
from famlink.households import (
    carried,
    families,
    households,
    left_home,
    relationships,
    residence,
)
from famlink.link.stable_ids import IdEvent, event_columns
from famlink.pipeline import Progress, StageResult
from famlink.project import Project


def as_of_date(project: Project) -> dt.date:
    return (project.settings.households.as_of or project.settings.reference_date
            or dt.date.today())


def _history(con: duckdb.DuckDBPyConnection, table: str, run_at: dt.datetime,
             events: list[IdEvent]) -> None:
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} (run_at TIMESTAMP, event VARCHAR, "
                "id VARCHAR, other_id VARCHAR, members INTEGER)")
    create_temp_table(con, "_tmp_households_events", event_columns(events))
    con.execute(f"INSERT INTO {table} SELECT ?, event, id, other_id, members "
                "FROM _tmp_households_events", [run_at])


def run_households(project: Project, con: duckdb.DuckDBPyConnection,
                   progress: Progress) -> StageResult:
    if not table_exists(con, "person_membership"):
        raise FamlinkError("no linked persons in the warehouse: run `famlink run link` first")
    settings, as_of = project.settings.households, as_of_date(project)
    run_at = dt.datetime.now().replace(microsecond=0)
    with transaction(con):
        progress("relationships", 0, 4)
        relationships.build_stated(con, project)
        progress("address history", 1, 4)
        residence.build_evidence(con, project, as_of, settings)
        con.execute(residence.ADDRESS_HISTORY_SQL)
        residence.build_spans(con, as_of, settings)
        residence.build_current(con, as_of)
        carried.carry(con, as_of, settings)
        left_home.leave_home(con, as_of, settings)
        residence.from_birth(con)
        progress("households", 2, 4)
        hh_events = households.build_households(con, as_of)
        progress("families", 3, 4)
        fam_events = families.build_families(con, as_of, settings)
        relationships.build_person_relationships(con)
        _history(con, "household_id_history", run_at, hh_events)
        _history(con, "family_id_history", run_at, fam_events)
        progress("families", 4, 4)
    result = StageResult("households", details=[f"households and families as of {as_of}"])
    count = lambda sql: int(scalar(con, sql) or 0)  # noqa: E731
    result.counts = {
        "persons with an address": count("SELECT count(DISTINCT person_id) FROM address_history"),
        "current addresses": count("SELECT count(*) FROM current_addresses"),
        "households (ever)": count("SELECT count(*) FROM households"),
        "households now": count("SELECT count(*) FROM households WHERE end_date IS NULL"),
        "stated relationships": count("SELECT count(*) FROM person_relationships "
                                      "WHERE source = 'stated'"),
        "inferred relationships": count("SELECT count(*) FROM person_relationships "
                                        "WHERE source = 'inferred'"),
        "families": count("SELECT count(*) FROM families"),
        "family ids created": sum(e.event == "created" for e in fam_events),
        "family ids merged": sum(e.event == "merged" for e in fam_events),
        "family ids split": sum(e.event == "split" for e in fam_events),
    }
    return result
