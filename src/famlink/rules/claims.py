"""Cases, progress and the claim check.

A family's case (the latest one) starts and closes on the dates a case feed gives (event
types listed in the rulebook, e.g. ``early_help_case``) or the app records (the warehouse
table ``case_starts``, or ``CaseStart`` rows passed in). The rulebook is evaluated at
checkpoints along the case:

- ``baseline``: the case start (the needs identified when work began);
- ``during+3``, ``during+6`` ...: every three months while open (needs that emerge);
- ``close``: the close date, windows clipped to the case's last three months (``resolve_months``)
  and never before its start (resolved by the end of the work?);
- ``sustain``: six months after closure (or the reference date, if sooner), windows clipped
  to the day after closure (did any need come back?);
- ``latest``: the reference date (distance travelled since the baseline).

A claim is possible when the family had at least the eligibility minimum of needs at the
baseline, every need identified during the case is resolved at closure and none has come
back in the six months after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from famlink.rules.compile import literal
from famlink.rules.evaluate import Checkpoint
from famlink.rules.schema import Rulebook
from famlink.rules.windows import months_back


@dataclass(frozen=True)
class CaseStart:
    """A case recorded outside the feeds (e.g. by a practitioner in the app)."""

    family_id: str
    case_start_date: dt.date
    case_close_date: dt.date | None = None
    case_ref: str | None = None


@dataclass(frozen=True)
class Case:
    family_id: str
    case_ref: str
    source: str
    start: dt.date
    close: dt.date | None


def _recorded_sql(con: duckdb.DuckDBPyConnection, passed: list[CaseStart]) -> str:
    parts = []
    if con.execute("SELECT count(*) FROM information_schema.tables "
                   "WHERE table_name = 'case_starts'").fetchall()[0][0]:
        parts.append("SELECT family_id, coalesce(case_ref, 'recorded') AS case_ref, "
                     "'case_starts' AS source, case_start_date AS start, "
                     "case_close_date AS close FROM case_starts")
    for c in passed:
        close = f"DATE '{c.case_close_date}'" if c.case_close_date else "CAST(NULL AS DATE)"
        parts.append(f"SELECT {literal(c.family_id)}, {literal(c.case_ref or 'recorded')}, "
                     f"'recorded', DATE '{c.case_start_date}', {close}")
    return "".join(f" UNION ALL {p}" for p in parts)


def load_cases(con: duckdb.DuckDBPyConnection, rulebook: Rulebook, ref: dt.date,
               passed: list[CaseStart] | None = None) -> list[Case]:
    types = ", ".join(literal(t) for t in rulebook.eligibility.case_event_types) or "NULL"
    rows = con.execute(f"""
        WITH fed AS (
            SELECT m.family_id, e.event_ref AS case_ref, any_value(e.feed) AS source,
                   min(e.event_date) AS start,
                   CASE WHEN bool_or(e.event_end_date IS NULL) THEN NULL
                        ELSE max(e.event_end_date) END AS close
            FROM _tmp_outcomes_events e JOIN _tmp_outcomes_members m USING (person_id)
            WHERE e.event_type IN ({types}) GROUP BY m.family_id, e.event_ref),
        every AS (SELECT * FROM fed {_recorded_sql(con, passed or [])})
        SELECT family_id, arg_max(coalesce(case_ref, ''), start), arg_max(source, start),
               max(start), arg_max(close, start)
        FROM every WHERE start <= ? AND family_id IN (SELECT family_id FROM families)
        GROUP BY family_id ORDER BY family_id""", [ref]).fetchall()
    return [Case(f, r, s, st, c if c is None or c <= ref else None)
            for f, r, s, st, c in rows]


def case_checkpoints(case: Case, ref: dt.date, sustain_months: int,
                     resolve_months: int = 3) -> list[Checkpoint]:
    fid = case.family_id
    out: list[Checkpoint] = [(f"{fid}:baseline", fid, "baseline", case.start, None)]
    end = case.close or ref
    for k in range(1, 9):
        day = months_back(case.start, -3 * k)
        if day >= end:
            break
        out.append((f"{fid}:during+{3 * k}", fid, f"during+{3 * k}", day, None))
    if case.close is not None:
        floor = max(case.start, months_back(case.close, resolve_months) + dt.timedelta(days=1))
        out.append((f"{fid}:close", fid, "close", case.close, floor))
        sustain = min(months_back(case.close, -sustain_months), ref)
        if sustain > case.close:
            out.append((f"{fid}:sustain", fid, "sustain", sustain,
                        case.close + dt.timedelta(days=1)))
    out.append((f"{fid}:latest", fid, "latest", ref, None))
    return out


def write_progress(con: duckdb.DuckDBPyConnection) -> None:
    from famlink.rules.outcomes import evidence_select, value_text

    con.execute(f"""
        CREATE OR REPLACE TABLE family_progress AS
        SELECT c.family_id, c.label AS checkpoint, c.as_of_date, x.need, x.outcome,
               o.outcome_name, x.person_id, x.value, {value_text('x.value')} AS value_text,
               x.is_met, x.window_start_date, x.n_rows AS n_evidence
        FROM _tmp_outcomes_measures x JOIN _tmp_outcomes_checkpoints c USING (checkpoint_id)
        JOIN _tmp_outcomes_needs n USING (need)
        JOIN _tmp_outcomes_names o ON o.outcome = x.outcome
        WHERE c.label <> 'ref' ORDER BY c.family_id, c.as_of_date, x.need, x.person_id""")
    con.execute(f"""
        CREATE OR REPLACE TABLE claim_evidence AS
        SELECT * FROM ({evidence_select("'baseline', 'close', 'sustain'", met_only=False)})
        ORDER BY family_id, need, label, event_date, event_id""")
