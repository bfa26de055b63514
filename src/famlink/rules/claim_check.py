"""The claim check per family with a case: baseline, resolution at closure, six months'
sustainment, the earliest date a claim can be made, and the reason in words.

Statuses: ``open`` (case not closed), ``not_eligible_at_baseline`` (fewer needs than the
eligibility minimum when work began), ``not_resolved`` (a need still met at closure),
``not_sustained`` (a need came back within six months of closure),
``resolved_not_yet_sustained`` (resolved, but six months have not yet passed) and
``claimable``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from famlink.rules.claims import Case
from famlink.rules.evaluate import store
from famlink.rules.schema import Rulebook
from famlink.rules.windows import months_back


@dataclass
class Claim:
    case: Case
    baseline: list[str]
    emerging: list[str]
    resolved: list[str]
    sustained: list[str]
    outstanding: list[str]
    status: str
    earliest_claim_date: dt.date | None
    reason: str


def _met_by_label(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, set[str]]]:
    rows = con.execute("""
        SELECT c.family_id, c.label, x.need FROM _tmp_outcomes_measures x
        JOIN _tmp_outcomes_checkpoints c USING (checkpoint_id)
        WHERE x.is_met AND c.label <> 'ref' GROUP BY ALL""").fetchall()
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for fid, label, need in rows:
        out[fid][label].add(need)
    return out


def _status(case: Case, baseline: set[str], identified: set[str], outstanding: set[str],
            recurred: set[str], rulebook: Rulebook, ref: dt.date
            ) -> tuple[str, dt.date | None, str]:
    rule = rulebook.eligibility
    if len(baseline) < rule.min_needs:
        return ("not_eligible_at_baseline", None,
                f"{len(baseline)} need(s) at the case start {case.start}; a claim needs at "
                f"least {rule.min_needs}")
    if case.close is None:
        return "open", None, f"case {case.case_ref} opened {case.start} is still open"
    if outstanding:
        return ("not_resolved", None,
                f"still met at closure on {case.close}: {', '.join(sorted(outstanding))}")
    earliest = months_back(case.close, -rule.sustain_months)
    if recurred:
        return ("not_sustained", None, f"came back within {rule.sustain_months} months of "
                f"closure: {', '.join(sorted(recurred))}")
    if earliest > ref:
        return ("resolved_not_yet_sustained", earliest,
                f"all {len(identified)} need(s) resolved at closure on {case.close}; none "
                f"has come back yet, but {rule.sustain_months} months pass only on {earliest}")
    return ("claimable", earliest,
            f"all {len(identified)} need(s) resolved at closure on {case.close} and none came "
            f"back in the {rule.sustain_months} months to {earliest}")


def check_claims(con: duckdb.DuckDBPyConnection, rulebook: Rulebook, cases: list[Case],
                 ref: dt.date) -> list[Claim]:
    met = _met_by_label(con)
    claims = []
    for case in cases:
        labels = met.get(case.family_id, {})
        baseline = set(labels.get("baseline", set()))
        during = set().union(*(v for k, v in labels.items() if k.startswith("during+")))
        identified = baseline | during
        outstanding = identified & labels.get("close", set()) if case.close else set()
        recurred = identified & labels.get("sustain", set()) if case.close else set()
        status, earliest, reason = _status(case, baseline, identified, outstanding, recurred,
                                           rulebook, ref)
        resolved = sorted(identified - outstanding) if case.close else []
        sustained = sorted(identified - outstanding - recurred) \
            if status in ("claimable",) else []
        claims.append(Claim(case, sorted(baseline), sorted(during - baseline), resolved,
                            sustained, sorted(outstanding | recurred), status, earliest, reason))
    return claims


def write_claims(con: duckdb.DuckDBPyConnection, claims: list[Claim]) -> None:
    def col(get: Callable[[Claim], object], kind: pa.DataType) -> pa.Array:
        return pa.array([get(c) for c in claims], kind)

    lists = pa.list_(pa.string())
    store(con, "_tmp_outcomes_claims", pa.table({
        "family_id": col(lambda c: c.case.family_id, pa.string()),
        "case_ref": col(lambda c: c.case.case_ref, pa.string()),
        "case_source": col(lambda c: c.case.source, pa.string()),
        "case_start_date": col(lambda c: c.case.start, pa.date32()),
        "case_close_date": col(lambda c: c.case.close, pa.date32()),
        "baseline_needs": col(lambda c: c.baseline, lists),
        "n_baseline_needs": col(lambda c: len(c.baseline), pa.int64()),
        "emerging_needs": col(lambda c: c.emerging, lists),
        "needs_resolved": col(lambda c: c.resolved, lists),
        "needs_sustained": col(lambda c: c.sustained, lists),
        "needs_outstanding": col(lambda c: c.outstanding, lists),
        "status": col(lambda c: c.status, pa.string()),
        "earliest_claim_date": col(lambda c: c.earliest_claim_date, pa.date32()),
        "reason": col(lambda c: c.reason, pa.string())}))
    con.execute("CREATE OR REPLACE TABLE claims AS SELECT * FROM _tmp_outcomes_claims "
                "ORDER BY family_id")
