"""The Splink model: build the linker on an in-memory engine, train it, score pairs.

Splink runs on its own in-memory DuckDB connection fed with the prepared records (Arrow), so
its working tables never land in the warehouse. The trained model is returned as the JSON
dict Splink saves, which the link stage keeps per run so a result can be reproduced.
"""

from __future__ import annotations

import logging
import os
import tempfile
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker
from splink.internals.exceptions import SplinkException

from famlink.errors import FamlinkError
from famlink.link.settings import MatchingConfig, splink_settings

# The share of pairs that match is estimated from pairs almost surely the same person: an
# identifier or a feed's own person number agrees, or forename, surname and date of birth.
LAMBDA_RULES: list[Any] = [
    "l.nhs_number = r.nhs_number",
    "l.upn = r.upn",
    "l.ni_number = r.ni_number",
    "l.person_key = r.person_key",
    "l.first_name = r.first_name AND l.surname = r.surname AND l.dob = r.dob",
]
TF_COLUMNS = ("first_name", "surname")

logging.getLogger("splink").setLevel(logging.WARNING)
log = logging.getLogger(__name__)


def _engine(records: pa.Table) -> DuckDBAPI:
    """Splink's DuckDB engine on a connection of its own, holding ``records`` as
    ``link_input``."""
    con = duckdb.connect()
    # spill to the system temp folder, never into whatever folder the command runs from, and
    # spill early rather than take the machine's memory (FAMLINK_MEMORY_LIMIT, e.g. "8GB")
    con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/famlink-duckdb'")
    con.execute(f"SET memory_limit = '{os.environ.get('FAMLINK_MEMORY_LIMIT', '6GB')}'")
    con.execute("SET preserve_insertion_order = false")
    con.register("_records_arrow", records)
    con.execute("CREATE TABLE link_input AS SELECT * FROM _records_arrow")
    con.unregister("_records_arrow")
    return DuckDBAPI(connection=con)


def make_linker(records: pa.Table, settings: Any, *, explain: bool = False) -> Linker:
    return _linker_on(_engine(records), settings, explain=explain)


def _linker_on(api: DuckDBAPI, settings: Any, *, explain: bool = False) -> Linker:
    """A linker over the records ``api`` holds as ``link_input``."""
    if explain and isinstance(settings, dict):
        settings = {**settings, "retain_matching_columns": True,
                    "retain_intermediate_calculation_columns": True}
    # an explanation uses the run's own model, checked when it was trained
    return Linker(api.register("link_input"), settings, log_level=logging.WARNING,
                  validate_settings=not explain)


def train(records: pa.Table, config: MatchingConfig) -> dict[str, Any]:
    """Train on the records themselves: lambda, u by random sampling, m by EM."""
    linker = make_linker(records, splink_settings(config))
    t = config.training
    linker.training.estimate_probability_two_random_records_match([*LAMBDA_RULES],
                                                                  recall=t.recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=t.u_max_pairs, seed=t.seed)
    trained = 0
    for rule in t.em_blocking:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True)
            trained += 1
        except SplinkException as exc:
            log.warning("EM training on %r skipped: %s", rule, str(exc).splitlines()[0])
    if not trained:
        raise FamlinkError(
            f"too few records to train the matching model ({records.num_rows} profiles): no "
            "training rule produced comparisons. Load more data, or set `model:` in "
            "matching.yaml to a model saved by an earlier run (models/link-*.json)")
    model: dict[str, Any] = linker.misc.save_model_to_json()
    return model


def predict(records: pa.Table, model: dict[str, Any], min_weight: float) -> pa.Table:
    """Every blocked pair scoring at least ``min_weight``: ids, weight, probability, rule."""
    linker = make_linker(records, model)
    scored = linker.inference.predict(threshold_match_weight=min_weight, warning_mode="never")
    return scored.query_sql(
        "SELECT record_id_l, record_id_r, match_weight, match_probability, "
        "CAST(match_key AS INTEGER) AS match_key FROM {this}").as_pyarrow_table()


def score_pairs_on_key(records: pa.Table, frequencies: dict[str, pa.Table],
                       model: dict[str, Any], key: str) -> pa.Table:
    """Score the pairs of ``records`` that share ``key`` (each key names one pair), as
    :func:`predict` would: ``frequencies`` gives each term-frequency column's lookup
    (``col``, ``tf_col``) from all the run's records, not from these few."""
    rule = {"blocking_rule": f"l.{key} = r.{key}", "sql_dialect": "duckdb"}
    api = _engine(records)
    linker = _linker_on(api, {**model, "blocking_rules_to_generate_predictions": [rule]})
    for column, table in frequencies.items():
        linker.table_management.register_term_frequency_lookup(
            api.register(table, table_name=f"__famlink_tf_{column}"), column)
    return linker.inference.predict(warning_mode="never").as_pyarrow_table().select(
        ["record_id_l", "record_id_r", "match_weight", "match_probability"])
