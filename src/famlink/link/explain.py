"""Why two records were (or were not) linked: the match weight of each comparison.

Uses the model of the latest link run, scores the pair exactly as the run did (term
frequencies from all the run's profiles, each set of identical records counted once) and
returns the waterfall: the prior, one step per comparison with the level that applied and
both values, and the total.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import duckdb
from splink.internals.waterfall_chart import records_to_waterfall_data

from famlink.engine import arrow_table, table_exists
from famlink.errors import FamlinkError
from famlink.link import model as splink_model
from famlink.link.stage import LINK_INPUT_SQL


@dataclass(frozen=True)
class Step:
    comparison: str
    level: str
    value_l: str
    value_r: str
    match_weight: float


@dataclass(frozen=True)
class Explanation:
    record_id_l: str
    record_id_r: str
    steps: list[Step]
    match_weight: float
    match_probability: float
    person_id_l: str | None
    person_id_r: str | None


def latest_model(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    if not table_exists(con, "link_runs"):
        raise FamlinkError("no link run yet: run `famlink run link` first")
    rows = con.execute("SELECT model_json FROM link_runs ORDER BY finished_at DESC "
                       "LIMIT 1").fetchall()
    return dict(json.loads(rows[0][0]))


def _person(con: duckdb.DuckDBPyConnection, record_id: str) -> str | None:
    rows = con.execute("SELECT person_id FROM person_membership WHERE record_id = ?",
                       [record_id]).fetchall()
    return rows[0][0] if rows else None


def explain_pair(con: duckdb.DuckDBPyConnection, left: str, right: str) -> Explanation:
    found = arrow_table(con, f"SELECT * FROM ({LINK_INPUT_SQL}) WHERE record_id IN (?, ?)",
                        [left, right])
    rows = {r["record_id"]: r for r in found.to_pylist()}
    missing = [r for r in (left, right) if r not in rows]
    if missing:
        raise FamlinkError(f"no person record {', '.join(map(repr, missing))}: record ids look "
                           "like <feed>:<source record id>, e.g. health_ed:ED000123")
    # the run scored profiles (identical records once), so its term frequencies are theirs
    profiles = arrow_table(con, f"SELECT * FROM ({LINK_INPUT_SQL}) WHERE record_id IN "
                                "(SELECT profile_id FROM link_profiles)"
                           if table_exists(con, "link_profiles") else LINK_INPUT_SQL)
    linker = splink_model.make_linker(profiles, latest_model(con), explain=True)
    scored = linker.inference.score_pair(rows[left], rows[right]).as_record_list()[0]
    waterfall = records_to_waterfall_data([scored], linker._settings_obj, False)
    steps = [Step(str(w["column_name"]), str(w["label_for_charts"]), str(w["value_l"]),
                  str(w["value_r"]), float(w["log2_bayes_factor"] or 0.0))
             for w in waterfall if w["column_name"] != "Final score"]
    return Explanation(left, right, steps, float(scored["match_weight"]),
                       float(scored["match_probability"]), _person(con, left),
                       _person(con, right))
