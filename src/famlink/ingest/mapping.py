"""Turn a feed mapping into SQL over a staging table of text columns.

The staging table has ``_row`` (source row number), ``_line`` and one text column ``s<i>``
per source column the mapping reads. ``mapped_select`` builds a query that yields, per row,
the canonical typed columns, a ``<field>_raw`` text column beside every typed field, the
source record id and the reasons (if any) why the row must go to quarantine.
"""

from __future__ import annotations

from dataclasses import dataclass

from famlink.canonical import PARSE_TYPES
from famlink.project import Column, Feed

# Two-digit-year forms come first: DuckDB's %Y would read "85" as the year 85.
UK_DATE_FORMATS = [
    "%d/%m/%y", "%d-%m-%y", "%d-%b-%y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d",
    "%Y/%m/%d", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%Y%m%d",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S.%f",
    "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S",
]
US_DATE_FORMATS = [f.replace("%d/%m", "%m/%d").replace("%d-%m", "%m-%d") for f in UK_DATE_FORMATS]
TRUE_WORDS = ("Y", "YES", "TRUE", "T", "1")
FALSE_WORDS = ("N", "NO", "FALSE", "F", "0")


def q(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class FieldSql:
    name: str
    text: str  # the value as text after trimming and the value map
    typed: str  # the value in its canonical type
    sql_type: str
    checks: tuple[tuple[str, str, str], ...]  # (condition, reason_code, message expression)


def _base_text(col: Column, slots: dict[str, str]) -> str:
    if col.value is not None:
        return q(col.value)
    return f"NULLIF(trim({slots[col.source or '']}), '')"


def _mapped_text(col: Column, base: str) -> str:
    if not col.map:
        return base
    arms = " ".join(f"WHEN {q(k.strip().upper())} THEN {q(v) if v is not None else 'NULL'}"
                    for k, v in col.map.items())
    other = "NULL" if col.map_unknown == "null" else base
    return f"(CASE upper({base}) {arms} ELSE {other} END)"


def date_formats(col: Column) -> list[str]:
    return col.formats or (UK_DATE_FORMATS if col.dayfirst else US_DATE_FORMATS)


def _typed(parse: str, text: str, col: Column, field: str) -> str:
    if parse in ("date", "datetime"):
        fmts = "[" + ", ".join(q(f) for f in date_formats(col)) + "]"
        parsed = f"try_strptime({text}, {fmts})"
        stamp = f"(CASE WHEN year({parsed}) >= 1000 THEN {parsed} END)"
        if field == "date_of_birth":  # two-digit years: a birth date cannot be in the future
            stamp = (f"(CASE WHEN {stamp} > current_date AND regexp_matches({text}, "
                     f"'[^0-9][0-9]{{2}}$') THEN {stamp} - INTERVAL 100 YEAR ELSE {stamp} END)")
        return f"CAST({stamp} AS DATE)" if parse == "date" else stamp
    if parse == "integer":
        return f"TRY_CAST(TRY_CAST(replace({text}, ',', '') AS DOUBLE) AS BIGINT)"
    if parse == "decimal":
        return f"TRY_CAST(regexp_replace({text}, '[£,\\s]', '', 'g') AS DOUBLE)"
    if parse == "boolean":
        yes = ", ".join(q(w) for w in TRUE_WORDS)
        no = ", ".join(q(w) for w in FALSE_WORDS)
        return (f"(CASE WHEN upper({text}) IN ({yes}) THEN true "
                f"WHEN upper({text}) IN ({no}) THEN false END)")
    if parse in ("nhs_number", "upn", "ni_number"):
        return f"NULLIF(upper(regexp_replace({text}, '[^0-9A-Za-z]', '', 'g')), '')"
    if parse == "postcode":
        return f"NULLIF(upper(trim(regexp_replace({text}, '\\s+', ' ', 'g'))), '')"
    if parse == "uprn":
        return f"NULLIF(regexp_replace(regexp_replace({text}, '\\.0+$', ''), '^0+', ''), '')"
    if parse == "upper":
        return f"upper({text})"
    return text


def _where(col: Column) -> str:
    return f"column {col.source!r}" if col.source is not None else "a constant"


def field_sql(feed: Feed, field: str, slots: dict[str, str]) -> FieldSql:
    col = feed.columns[field]
    parse = feed.parse_of(field)
    base = _base_text(col, slots)
    text = _mapped_text(col, base)
    typed = _typed(parse, text, col, field)
    checks: list[tuple[str, str, str]] = []
    if col.map and col.map_unknown == "quarantine":
        known = ", ".join(q(k.strip().upper()) for k in col.map)
        checks.append((f"{base} IS NOT NULL AND upper({base}) NOT IN ({known})", "unmapped_value",
                       f"{q(f'{field} ({_where(col)}): value ')} || {base} || "
                       f"{q(' is not in the value map')}"))
    if col.required:
        checks.append((f"{text} IS NULL", "missing_required",
                       q(f"{field} ({_where(col)}): required but empty")))
        if PARSE_TYPES[parse] != "VARCHAR":
            checks.append((f"{text} IS NOT NULL AND {typed} IS NULL", f"invalid_{parse}",
                           f"{q(f'{field} ({_where(col)}): cannot read ')} || {text} || "
                           f"{q(f' as {parse}')}"))
    return FieldSql(field, text, typed, PARSE_TYPES[parse], tuple(checks))


def _split_name(text: str, surname_first: bool) -> dict[str, str]:
    v = f"regexp_replace(trim({text}), '\\s+', ' ', 'g')"
    rest = f"trim(substr({v}, strpos({v}, ',') + 1))"
    toks = f"string_split({v}, ' ')"
    n = f"len({toks})"
    if surname_first:
        plain = {"surname": f"{toks}[1]",
                 "first_name": f"(CASE WHEN {n} > 1 THEN {toks}[2] END)",
                 "middle_names": f"NULLIF(array_to_string(list_slice({toks}, 3, {n}), ' '), '')"}
    else:
        plain = {"surname": f"{toks}[{n}]",
                 "first_name": f"(CASE WHEN {n} > 1 THEN {toks}[1] END)",
                 "middle_names":
                 f"NULLIF(array_to_string(list_slice({toks}, 2, {n} - 1), ' '), '')"}
    comma = {"surname": f"NULLIF(trim(split_part({v}, ',', 1)), '')",
             "first_name": f"NULLIF(split_part({rest}, ' ', 1), '')",
             "middle_names": f"NULLIF(trim(substr({rest}, strpos({rest} || ' ', ' ') + 1)), '')"}
    return {k: f"(CASE WHEN strpos({v}, ',') > 0 THEN {comma[k]} ELSE {plain[k]} END)"
            for k in plain}


def record_id_sql(feed: Feed, slots: dict[str, str]) -> str:
    cols = [feed.record_id] if isinstance(feed.record_id, str) else (feed.record_id or [])
    if not cols:
        return "(_file || '#' || CAST(_row AS VARCHAR))"
    return "NULLIF(concat_ws('|', " + ", ".join(f"trim({slots[c]})" for c in cols) + "), '')"


def mapped_select(feed: Feed, staging: str) -> tuple[str, list[tuple[str, str]]]:
    """The SELECT over ``staging`` and the (column, SQL type) list of what it yields."""
    slots = {name: f"s{i}" for i, name in enumerate(feed.source_columns())}
    fields = [field_sql(feed, f, slots) for f in feed.columns]
    exprs: list[tuple[str, str, str]] = []  # (name, expression, type)
    for f in fields:
        exprs.append((f.name, f.typed, f.sql_type))
        if f.sql_type != "VARCHAR":
            exprs.append((f"{f.name}_raw", f.text, "VARCHAR"))
    split = feed.columns.get("full_name")
    if split is not None and split.split is not None:
        text = next(f.text for f in fields if f.name == "full_name")
        for part, expr in _split_name(text, split.split == "surname_comma_forename").items():
            if part not in feed.columns:
                exprs.append((part, expr, "VARCHAR"))
    checks = [c for f in fields for c in f.checks]
    if feed.record_id:
        checks.insert(0, ("_source_record_id IS NULL", "missing_record_id",
                          q(f"record id ({feed.record_id}) is empty")))
    reason_code = "CASE " + " ".join(f"WHEN {c} THEN {q(code)}" for c, code, _ in checks) + \
        " END" if checks else "CAST(NULL AS VARCHAR)"
    reason = "NULLIF(concat_ws('; ', " + ", ".join(
        f"CASE WHEN {c} THEN {m} END" for c, _, m in checks) + "), '')" if checks else "NULL"
    first_field = "CASE " + " ".join(
        f"WHEN {c} THEN {q(_check_field(fields, c, feed))}" for c, _, _ in checks) + \
        " END" if checks else "CAST(NULL AS VARCHAR)"
    select_cols = ",\n  ".join(f"CAST({e} AS {t}) AS {ident(n)}" for n, e, t in exprs)
    sql = (f"SELECT _row, _line, _source_record_id,\n  {select_cols},\n"
           f"  {reason_code} AS _reason_code, {first_field} AS _field, {reason} AS _reason\n"
           f"FROM (SELECT *, {record_id_sql(feed, slots)} AS _source_record_id FROM {staging})")
    return sql, [(n, t) for n, _, t in exprs]


def _check_field(fields: list[FieldSql], condition: str, feed: Feed) -> str:
    if condition.startswith("_source_record_id"):
        return "record_id"
    return next(f.name for f in fields if any(c == condition for c, _, _ in f.checks))
