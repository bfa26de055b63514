"""What the portal and the command line read from the outcome tables, as plain dataclasses:
a family's needs with their evidence, eligibility, scores and claim check; a person's
flags; families ranked by a scenario."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from famlink.errors import FamlinkError
from famlink.views.lookup import display_names, has, require_family, require_person

OUTCOME_TABLES = ("family_flags", "flag_evidence", "eligibility", "family_scores", "claims",
                  "family_progress", "claim_evidence")


@dataclass(frozen=True)
class Evidence:
    person_id: str
    feed: str
    source_record_id: str | None
    record_id: str
    event_id: str
    event_date: dt.date | None
    event_type: str | None
    summary: str | None


@dataclass
class Flag:
    family_id: str
    need: str
    outcome: str
    outcome_name: str
    framework_version: str
    person_id: str | None
    person_name: str | None
    value: float | None
    value_text: str
    threshold: str
    window_start_date: dt.date
    window_end_date: dt.date
    first_evidence_date: dt.date | None
    last_evidence_date: dt.date | None
    explanation: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class Eligibility:
    n_needs: int
    needs: list[str]
    outcomes: list[str]
    has_dependent_child: bool
    is_eligible: bool
    area: str | None
    reason: str


@dataclass(frozen=True)
class Score:
    scenario: str
    score: float
    rank: int
    explanation: str


@dataclass(frozen=True)
class NeedProgress:
    """One need of the claim: its measure at the baseline, at closure and now."""

    need: str
    person_id: str | None
    baseline: str | None
    close: str | None
    latest: str | None
    distance: float | None  # latest - baseline, for numeric measures (0.78 -> 0.88: +0.10)


@dataclass
class ClaimCheck:
    case_ref: str
    case_source: str
    case_start_date: dt.date
    case_close_date: dt.date | None
    baseline_needs: list[str]
    emerging_needs: list[str]
    needs_resolved: list[str]
    needs_sustained: list[str]
    needs_outstanding: list[str]
    status: str
    earliest_claim_date: dt.date | None
    reason: str
    progress: list[NeedProgress] = field(default_factory=list)
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)  # 'need at label'


@dataclass
class FamilyOutcomes:
    family_id: str
    flags: list[Flag]
    eligibility: Eligibility | None
    scores: list[Score]
    claim: ClaimCheck | None


@dataclass(frozen=True)
class RankedFamily:
    rank: int
    family_id: str
    score: float
    is_eligible: bool
    needs: list[str]
    explanation: str


def require_outcomes(con: duckdb.DuckDBPyConnection) -> None:
    if not has(con, *OUTCOME_TABLES):
        raise FamlinkError("no outcomes in this warehouse yet: run `famlink run outcomes`")


FLAG_COLUMNS = ("family_id, need, outcome, outcome_name, framework_version, person_id, value, "
                "value_text, threshold, window_start_date, window_end_date, "
                "first_evidence_date, last_evidence_date, explanation")
EVIDENCE_COLUMNS = ("person_id, feed, source_record_id, record_id, event_id, event_date, "
                    "event_type, summary")


def _flags(con: duckdb.DuckDBPyConnection, where: str, params: list[object]) -> list[Flag]:
    rows = con.execute(f"SELECT {FLAG_COLUMNS} FROM family_flags WHERE {where} "
                       "ORDER BY family_id, outcome, need, person_id NULLS FIRST",
                       params).fetchall()
    names = display_names(con, [r[5] for r in rows if r[5]])
    flags = []
    for r in rows:
        fields = dict(zip(FLAG_COLUMNS.split(", "), r, strict=True))
        pid = fields["person_id"]
        flags.append(Flag(**fields, person_name=names.get(pid) if pid else None))
    evidence = _evidence(con, sorted({f.family_id for f in flags}))
    for flag in flags:  # a family's need: all its evidence; a person's: their own
        flag.evidence = [e for e in evidence.get((flag.family_id, flag.need), [])
                         if flag.person_id is None or e.person_id == flag.person_id]
    return flags


def _evidence(con: duckdb.DuckDBPyConnection,
              families: list[str]) -> dict[tuple[str, str], list[Evidence]]:
    """The evidence of every need of these families, in date order: one query a family
    (by its index), not one a flag."""
    found: dict[tuple[str, str], list[Evidence]] = {}
    for family_id in families:
        for need, *ev in con.execute(
                f"SELECT need, {EVIDENCE_COLUMNS} FROM flag_evidence WHERE family_id = ? "
                "ORDER BY event_date, event_id", [family_id]).fetchall():
            found.setdefault((family_id, need), []).append(Evidence(*ev))
    return found


def _eligibility(con: duckdb.DuckDBPyConnection, family_id: str) -> Eligibility | None:
    rows = con.execute("SELECT n_needs, needs, outcomes, has_dependent_child, is_eligible, "
                       "area, reason FROM eligibility WHERE family_id = ?",
                       [family_id]).fetchall()
    return Eligibility(*rows[0]) if rows else None


def _progress(con: duckdb.DuckDBPyConnection, family_id: str, needs: list[str]
              ) -> list[NeedProgress]:
    rows = con.execute("""
        SELECT need, person_id,
               any_value(value_text) FILTER (WHERE checkpoint = 'baseline'),
               any_value(value_text) FILTER (WHERE checkpoint = 'close'),
               any_value(value_text) FILTER (WHERE checkpoint = 'latest'),
               any_value(value) FILTER (WHERE checkpoint = 'latest') -
               any_value(value) FILTER (WHERE checkpoint = 'baseline')
        FROM family_progress WHERE family_id = ? AND list_contains(?, need)
        GROUP BY need, person_id ORDER BY need, person_id NULLS FIRST""",
                       [family_id, needs]).fetchall()
    return [NeedProgress(*r) for r in rows]


def _claim(con: duckdb.DuckDBPyConnection, family_id: str) -> ClaimCheck | None:
    rows = con.execute(
        "SELECT case_ref, case_source, case_start_date, case_close_date, baseline_needs, "
        "emerging_needs, needs_resolved, needs_sustained, needs_outstanding, status, "
        "earliest_claim_date, reason FROM claims WHERE family_id = ?", [family_id]).fetchall()
    if not rows:
        return None
    claim = ClaimCheck(*rows[0])
    claim.progress = _progress(con, family_id, claim.baseline_needs + claim.emerging_needs)
    for label, need, *ev in con.execute(
            f"SELECT label, need, {EVIDENCE_COLUMNS} FROM claim_evidence WHERE family_id = ? "
            "ORDER BY need, label, event_date, event_id", [family_id]).fetchall():
        claim.evidence.setdefault(f"{need} at {label}", []).append(Evidence(*ev))
    return claim


def family_outcomes(con: duckdb.DuckDBPyConnection, family_id: str, *,
                    checked: bool = False) -> FamilyOutcomes:
    """``checked``: the caller knows the outcome tables and the family are there (the
    portal's guard), so they are not looked up again."""
    if not checked:
        require_outcomes(con)
        require_family(con, family_id)
    scores = [Score(*r) for r in con.execute(
        "SELECT scenario, score, rank, explanation FROM family_scores WHERE family_id = ? "
        "ORDER BY scenario", [family_id]).fetchall()]
    return FamilyOutcomes(family_id, _flags(con, "family_id = ?", [family_id]),
                          _eligibility(con, family_id), scores, _claim(con, family_id))


def person_flags(con: duckdb.DuckDBPyConnection, person_id: str, *,
                 checked: bool = False) -> list[Flag]:
    """The needs found about this person, and the family needs their own rows evidence."""
    if not checked:
        require_outcomes(con)
        require_person(con, person_id)
    # Read by key: the families with a flag on the person or evidence from them (two
    # indexed look-ups; most persons have none), then those families' flags.
    rows = con.execute("SELECT family_id, need FROM flag_evidence WHERE person_id = ? "
                       "UNION ALL SELECT family_id, NULL FROM family_flags WHERE person_id = ?",
                       [person_id, person_id]).fetchall()
    if not rows:
        return []
    evidenced = sorted({f"{family}\x1f{need}" for family, need in rows if need is not None})
    return _flags(con, "list_contains(?, family_id) AND (person_id = ? OR (person_id IS NULL "
                  "AND list_contains(?, family_id || chr(31) || need)))",
                  [sorted({r[0] for r in rows}), person_id, evidenced])


def ranked_families(con: duckdb.DuckDBPyConnection, scenario: str, *,
                    eligible_only: bool = False, limit: int | None = 20) -> list[RankedFamily]:
    require_outcomes(con)
    known = [r[0] for r in con.execute(
        "SELECT DISTINCT scenario FROM family_scores ORDER BY 1").fetchall()]
    if scenario not in known:
        raise FamlinkError(f"no scenario {scenario!r}: choose from {', '.join(known)}")
    rows = con.execute(f"""
        SELECT s.family_id, s.score, s.is_eligible, e.needs, s.explanation
        FROM family_scores s JOIN eligibility e USING (family_id)
        WHERE s.scenario = ? {'AND s.is_eligible' if eligible_only else ''}
        ORDER BY s.rank {'LIMIT ' + str(int(limit)) if limit else ''}""",
                       [scenario]).fetchall()
    return [RankedFamily(i, *r) for i, r in enumerate(rows, start=1)]
