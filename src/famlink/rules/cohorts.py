"""Cohort reports: eligible families and each need, counted by area (postcode district) or
by the age band of the children.

By area, each family counts once in the district most of its members live in now. By age
band, each child (aged 0-17 on the reference date) counts once in its band; a need counts
the children it was found for, and family-wide needs (domestic abuse, housing) count every
child of the family.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from famlink.errors import FamlinkError
from famlink.rules.views import require_outcomes

AGE_BANDS = ((0, 4, "0-4"), (5, 10, "5-10"), (11, 15, "11-15"), (16, 17, "16-17"))
BAND_SQL = "CASE " + " ".join(f"WHEN age BETWEEN {lo} AND {hi} THEN '{name}'"
                              for lo, hi, name in AGE_BANDS) + " END"


# per group: the units (families or children), the eligible ones, and each need's count
TOTALS_SQL = """,
        totals AS (SELECT grp, count(DISTINCT {unit}) AS total,
                          count(DISTINCT {unit}) FILTER (WHERE is_eligible) AS eligible
                   FROM fams GROUP BY grp),
        per_need AS (SELECT f.grp, n.need, count(DISTINCT n.unit) AS n
                     FROM fams f JOIN needs n ON n.unit = f.{unit} GROUP BY ALL)
        SELECT t.grp, t.total, t.eligible, p.need, p.n
        FROM totals t LEFT JOIN per_need p USING (grp)"""


@dataclass
class CohortRow:
    group: str
    total: int  # families (by area) or children (by age band)
    eligible: int
    needs: dict[str, int] = field(default_factory=dict)


def _by_area(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(f"""
        WITH fams AS (SELECT family_id, coalesce(area, 'unknown') AS grp, is_eligible
                      FROM eligibility),
        needs AS (SELECT DISTINCT family_id AS unit, need FROM family_flags)
        {TOTALS_SQL.format(unit='family_id')}""").fetchall()


def _by_age_band(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(f"""
        WITH kids AS (
            SELECT DISTINCT m.family_id, m.person_id, e.is_eligible,
                   {BAND_SQL.replace('age', 'a.age')} AS grp
            FROM family_members m JOIN eligibility e USING (family_id)
            JOIN persons p USING (person_id),
            LATERAL (SELECT year(e.as_of_date) - year(p.date_of_birth) - CASE WHEN
                     strftime(e.as_of_date, '%m%d') < strftime(p.date_of_birth, '%m%d')
                     THEN 1 ELSE 0 END AS age) a
            WHERE a.age BETWEEN 0 AND 17),
        fams AS (SELECT person_id, grp, is_eligible FROM kids),
        needs AS (SELECT DISTINCT k.person_id AS unit, f.need FROM kids k JOIN family_flags f
                  ON f.family_id = k.family_id
                  AND (f.person_id = k.person_id OR f.person_id IS NULL))
        {TOTALS_SQL.format(unit='person_id')}""").fetchall()


def cohorts(con: duckdb.DuckDBPyConnection, by: str = "area") -> list[CohortRow]:
    """Counts per area (``by="area"``) or per children's age band (``by="age_band"``)."""
    require_outcomes(con)
    if by not in ("area", "age_band"):
        raise FamlinkError(f"cohorts by {by!r}: choose area or age_band")
    rows = _by_area(con) if by == "area" else _by_age_band(con)
    out: dict[str, CohortRow] = {}
    for grp, total, eligible, need, n in rows:
        row = out.setdefault(grp, CohortRow(grp, total, eligible))
        if need is not None:
            row.needs[need] = n
    order = [b[2] for b in AGE_BANDS]
    key = (lambda r: order.index(r.group)) if by == "age_band" else (
        lambda r: (r.group == "unknown", len(r.group), r.group))
    return sorted(out.values(), key=key)
