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


def _term_frequencies(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    """Set ``tf_<column>`` on each row: the share of the run's profiles (identical records
    once, as the run scored them) with the row's value; one pass over the warehouse for
    these values only."""
    profiles = ("link_profiles l JOIN person_records r ON r.record_id = l.profile_id"
                if table_exists(con, "link_profiles") else "person_records r")
    parts, params = [], []
    for column in splink_model.TF_COLUMNS:
        parts.append(f"count(r.{column})")
        for row in rows:
            parts.append(f"count(*) FILTER (WHERE r.{column} = ?)")
            params.append(row.get(column))
    counts = iter(con.execute(f"SELECT {', '.join(parts)} FROM {profiles}",
                              params).fetchall()[0])
    for column in splink_model.TF_COLUMNS:
        total = next(counts)
        for row in rows:
            n = next(counts)
            row[f"tf_{column}"] = n / total if n and total else None


def explain_pair(con: duckdb.DuckDBPyConnection, left: str, right: str) -> Explanation:
    found = arrow_table(con, f"SELECT * FROM ({LINK_INPUT_SQL}) WHERE record_id IN (?, ?)",
                        [left, right])
    rows = {r["record_id"]: r for r in found.to_pylist()}
    missing = [r for r in (left, right) if r not in rows]
    if missing:
        raise FamlinkError(f"no person record {', '.join(map(repr, missing))}: record ids look "
                           "like <feed>:<source record id>, e.g. health_ed:ED000123")
    _term_frequencies(con, list(rows.values()))
    linker = splink_model.make_linker(found, latest_model(con), explain=True)
    scored = linker.inference.score_pair(rows[left], rows[right]).as_record_list()[0]
    waterfall = records_to_waterfall_data([scored], linker._settings_obj, False)
    steps = [Step(str(w["column_name"]), str(w["label_for_charts"]), str(w["value_l"]),
                  str(w["value_r"]), float(w["log2_bayes_factor"] or 0.0))
             for w in waterfall if w["column_name"] != "Final score"]
    return Explanation(left, right, steps, float(scored["match_weight"]),
                       float(scored["match_probability"]), _person(con, left),
                       _person(con, right))
