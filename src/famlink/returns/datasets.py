"""The datasets a return template can draw from, one SQL query each over the outcome tables.

Every row carries ``evidence``: the source rows behind it as ``feed:source_record_id``, so
an auditor can trace each line of a return back to the feeds.
"""

from __future__ import annotations

from typing import Any

import duckdb

from famlink.errors import FamlinkError
from famlink.rules.rulebook import DATASET_COLUMNS

EVIDENCE = """string_agg(DISTINCT {a}.feed || ':' || coalesce({a}.source_record_id,
    {a}.record_id), '; ' ORDER BY {a}.feed || ':' || coalesce({a}.source_record_id,
    {a}.record_id))"""

DATASETS = {
    "identified": f"""
        SELECT e.family_id, e.n_needs, array_to_string(e.needs, ', ') AS needs,
               array_to_string(e.outcomes, '; ') AS outcomes, e.has_dependent_child,
               e.is_eligible, e.area, {EVIDENCE.format(a='v')} AS evidence
        FROM eligibility e LEFT JOIN flag_evidence v USING (family_id)
        GROUP BY ALL ORDER BY e.family_id""",
    "worked_with": f"""
        SELECT c.family_id, c.case_ref, c.case_start_date, c.case_close_date, c.case_source,
               array_to_string(c.baseline_needs, ', ') AS baseline_needs, c.status,
               {EVIDENCE.format(a='v')} AS evidence
        FROM claims c LEFT JOIN claim_evidence v ON v.family_id = c.family_id
             AND v.label = 'baseline'
        GROUP BY ALL ORDER BY c.family_id""",
    "outcomes": f"""
        WITH needs AS (SELECT family_id, unnest(baseline_needs || emerging_needs) AS need,
                              needs_resolved, needs_sustained FROM claims),
        values AS (SELECT family_id, need, any_value(outcome_name) AS outcome,
                          string_agg(value_text, ', ' ORDER BY person_id)
                              FILTER (WHERE checkpoint = 'baseline') AS baseline_value,
                          string_agg(value_text, ', ' ORDER BY person_id)
                              FILTER (WHERE checkpoint = 'latest') AS latest_value
                   FROM family_progress GROUP BY ALL)
        SELECT n.family_id, n.need, x.outcome, x.baseline_value, x.latest_value,
               list_contains(n.needs_resolved, n.need) AS is_resolved,
               list_contains(n.needs_sustained, n.need) AS is_sustained,
               {EVIDENCE.format(a='v')} AS evidence
        FROM needs n LEFT JOIN values x USING (family_id, need)
        LEFT JOIN claim_evidence v ON v.family_id = n.family_id AND v.need = n.need
        GROUP BY ALL ORDER BY n.family_id, n.need""",
    "claims": f"""
        SELECT c.family_id, c.case_ref, c.case_start_date, c.case_close_date, c.status,
               array_to_string(c.needs_resolved, ', ') AS needs_resolved,
               array_to_string(c.needs_sustained, ', ') AS needs_sustained,
               c.earliest_claim_date, c.reason, {EVIDENCE.format(a='v')} AS evidence
        FROM claims c LEFT JOIN claim_evidence v USING (family_id)
        GROUP BY ALL ORDER BY c.family_id""",
}
assert set(DATASETS) == set(DATASET_COLUMNS)


def dataset_rows(con: duckdb.DuckDBPyConnection, dataset: str, where: dict[str, Any],
                 columns: dict[str, str]) -> tuple[list[str], list[tuple]]:
    """(headers, rows) of one template: the dataset filtered by ``where``, columns renamed."""
    if dataset not in DATASETS:
        raise FamlinkError(f"unknown dataset {dataset!r}: choose from {', '.join(DATASETS)}")
    conds = " AND ".join(f'"{col}" IS NOT DISTINCT FROM ?' for col in where) or "TRUE"
    select = ", ".join(f'"{col}"' for col in columns.values())
    rows = con.execute(f"SELECT {select} FROM ({DATASETS[dataset]}) WHERE {conds}",
                       list(where.values())).fetchall()
    return list(columns), rows
