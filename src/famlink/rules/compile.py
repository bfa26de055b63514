"""Compile a need into SQL: the rows behind it (its hits) at every checkpoint.

A checkpoint is a family and a reference date (``_tmp_outcomes_checkpoints``). For each
need, the hits are the events of the family's members that pass the rule's conditions and
fall in its window before that date; each carries the numbers its measure adds up. The SQL
is plain, engine-neutral SELECTs over the inputs that ``evaluate`` prepares.
"""

from __future__ import annotations

from famlink.rules.schema import EVENT_FIELDS, Condition, Need

AGE_SQL = ("(year(c.as_of_date) - year(m.date_of_birth) - CASE WHEN strftime(c.as_of_date, "
           "'%m%d') < strftime(m.date_of_birth, '%m%d') THEN 1 ELSE 0 END)")
# a checkpoint's floor_date clips the window (claims: only what happened since closure)
START_SQL = "greatest(w.window_start, coalesce(c.floor_date, w.window_start))"
OPS = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def literal(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def field_sql(name: str) -> str:
    if name == "age":
        return AGE_SQL
    if name == "member_role":
        return "m.member_role"
    assert name in EVENT_FIELDS, name
    return f"e.{name}"


def condition_sql(cond: Condition) -> str:
    col = field_sql(cond.field)
    if cond.op == "present":
        return f"{col} IS NOT NULL"
    if cond.op == "absent":
        return f"{col} IS NULL"
    if cond.op in ("in", "not_in"):
        assert isinstance(cond.value, list)
        items = ", ".join(literal(v) for v in cond.value)
        if cond.op == "in":
            return f"{col} IN ({items})"
        return f"({col} IS NULL OR {col} NOT IN ({items}))"  # a blank is not one of them
    if cond.op == "!=":
        return f"{col} IS DISTINCT FROM {literal(cond.value)}"
    return f"{col} {OPS[cond.op]} {literal(cond.value)}"


def _who_sql(need: Need) -> list[str]:
    out = []
    if need.who.min_age is not None:
        out.append(f"{AGE_SQL} >= {need.who.min_age}")
    if need.who.max_age is not None:
        out.append(f"{AGE_SQL} <= {need.who.max_age}")
    if need.who.roles:
        out.append(f"m.member_role IN ({', '.join(literal(r) for r in need.who.roles)})")
    return out


def _sum_sql(fields: list[str]) -> str:
    parts = [f"- coalesce(e.{f[1:]}, 0)" if f.startswith("-") else f"+ coalesce(e.{f}, 0)"
             for f in fields]
    return "(0 " + " ".join(parts) + ")"


def _numbers_sql(need: Need) -> tuple[str, str]:
    m = need.measure
    if m.kind == "ratio":
        assert m.ratio is not None
        return _sum_sql(m.ratio.numerator), _sum_sql(m.ratio.denominator)
    if m.kind in ("sum", "max"):
        return f"CAST(e.{m.field} AS DOUBLE)", "NULL"
    return "NULL", "NULL"


def hits_sql(need: Need) -> str:
    """SELECT the hits of one need at every checkpoint (insert into _tmp_outcomes_hits)."""
    num, den = _numbers_sql(need)
    subject = "m.person_id" if need.scope == "person" else "CAST(NULL AS VARCHAR)"
    end = ("coalesce(e.event_end_date, DATE '9999-12-31')" if need.window.open_ended
           else "e.event_date")
    conds = ["e.event_date <= c.as_of_date", f"{end} >= {START_SQL}", *_who_sql(need),
             *(condition_sql(c) for c in need.where)]
    return f"""
        SELECT c.checkpoint_id, c.family_id, {literal(need.name)} AS need,
               {subject} AS person_id, m.person_id AS member_id, e.event_id,
               coalesce(e.event_ref, e.event_id) AS event_key, e.event_date,
               CAST({num} AS DOUBLE) AS num, CAST({den} AS DOUBLE) AS den,
               {START_SQL} AS window_start, c.as_of_date
        FROM _tmp_outcomes_checkpoints c
        JOIN _tmp_outcomes_windows w ON w.as_of_date = c.as_of_date
             AND w.need = {literal(need.name)}
        JOIN _tmp_outcomes_members m ON m.family_id = c.family_id
        JOIN _tmp_outcomes_events e ON e.person_id = m.person_id
        WHERE {' AND '.join(conds)}"""


MEASURES_SQL = """
    SELECT h.checkpoint_id, h.family_id, h.need, h.person_id,
           CASE n.kind WHEN 'count' THEN CAST(count(DISTINCT h.event_key) AS DOUBLE)
                       WHEN 'ratio' THEN sum(h.num) / nullif(sum(h.den), 0)
                       WHEN 'sum' THEN sum(h.num) ELSE max(h.num) END AS value,
           count(*) AS n_rows, min(h.event_date) AS first_evidence_date,
           max(h.event_date) AS last_evidence_date,
           any_value(h.window_start) AS window_start_date,
           any_value(h.as_of_date) AS window_end_date
    FROM _tmp_outcomes_hits h JOIN _tmp_outcomes_needs n USING (need)
    GROUP BY h.checkpoint_id, h.family_id, h.need, h.person_id, n.kind"""

MET_SQL = """
    CASE n.op WHEN '<' THEN x.value < n.threshold WHEN '<=' THEN x.value <= n.threshold
              WHEN '>' THEN x.value > n.threshold WHEN '>=' THEN x.value >= n.threshold
              ELSE x.value = n.threshold END"""
