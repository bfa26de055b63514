"""Load and validate a project folder: famlink.yaml plus feeds/*.yaml.

Every file is checked with Pydantic (``extra="forbid"``) and every problem in every file
is collected, so ``famlink validate`` reports them all at once, each naming the file, the
key and what would fix it.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from famlink.canonical import FIELDS, PARSE_TYPES, is_known_field
from famlink.errors import ConfigError, ConfigProblem
from famlink.households.spec import HouseholdSettings, RelationshipRule, Residence

FEED_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Source(Strict):
    path: str = Field(description="file path or glob, relative to the project folder")
    format: Literal["csv", "xlsx", "jsonl", "parquet"] = "csv"
    encoding: str = Field("utf-8", description="a Python codec name, or 'detect'")
    delimiter: str = ","
    quotechar: str = '"'
    sheet: str | int | None = Field(None, description="xlsx: sheet name or 0-based index")
    skip_rows: int = Field(0, ge=0, description="lines to skip before the header row")

    @field_validator("delimiter", "quotechar")
    @classmethod
    def _one_char(cls, v: str) -> str:
        if len(v) != 1:
            raise ValueError("must be exactly one character, e.g. ',' or '|' or '\\t'")
        return v

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, v: str) -> str:
        import codecs

        if v != "detect":
            try:
                codecs.lookup(v)
            except LookupError:
                raise ValueError(f"unknown encoding {v!r}: "
                                 "use e.g. utf-8, cp1252, latin-1 or detect") from None
        return v


class Column(Strict):
    source: str | None = Field(None, alias="from", description="source column name")
    value: str | None = Field(None, description="a constant instead of a source column")
    parse: str | None = Field(None, description="how to read the text; default by field")
    formats: list[str] = Field(default_factory=list, description="strptime formats for dates")
    dayfirst: bool = True
    required: bool = False
    map: dict[str, str | None] | None = Field(None, description="value map applied first")
    map_unknown: Literal["keep", "null", "quarantine"] = "keep"
    split: Literal["surname_comma_forename", "forename_surname"] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Column:
        if (self.source is None) == (self.value is None):
            raise ValueError("give exactly one of 'from' (a source column) or 'value' (a constant)")
        if self.parse is not None and self.parse not in PARSE_TYPES:
            raise ValueError(f"unknown parse {self.parse!r}: use one of {', '.join(PARSE_TYPES)}")
        return self


class Feed(Strict):
    name: str = ""
    description: str = ""
    source: Source
    kind: Literal["person", "event", "relationship", "address"] = "person"
    record_id: str | list[str] | None = Field(
        None, description="source column(s) that identify a row; default: the row number")
    columns: dict[str, Column]
    reliability: float = Field(0.5, ge=0, le=1, description="trust in this feed's addresses")
    min_age: int | None = Field(
        None, ge=0, le=120, description="the people on this feed's rows are at least this old "
        "at the event date (liable parties, tenants, claimants): a child cannot be one of them")
    min_age_roles: list[str] = Field(
        default_factory=list, description="apply min_age only to rows with one of these roles")
    max_age: int | None = Field(
        None, ge=0, le=120, description="the people on this feed's rows (or on its rows with "
        "one of max_age_roles) are at most this old at the event date (a child present at an "
        "incident, a child's social care episode): an adult cannot be one of them")
    max_age_roles: list[str] = Field(
        default_factory=list, description="apply max_age only to rows with one of these roles")
    events_before_birth: bool = Field(
        False, description="rows may be about someone not yet born (unborn child protection "
        "plans); otherwise a person must be born by the event date")
    person_ref_system: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_.-]+$",
        description="the numbering this feed's person_ref belongs to: the same person_ref "
                    "in two feeds naming one system is match evidence; default: the feed's "
                    "own name, so a client number is compared only within its feed")
    distinct_people_within: list[str] = Field(
        default_factory=list,
        description="rows sharing any of these (a field, 'file', or fields joined by '+': "
                    "rows sharing all of them) are different people: cannot-link evidence "
                    "for matching, e.g. [event_ref] for the people named on one incident, "
                    "claim or account, [event_ref+x_listed] for the people listed on a "
                    "tenancy (x_listed mapped only on its household rows) whose later rows "
                    "repeat its tenant; a row with any of the fields empty is in no group")
    residence: Residence | None = Field(
        None, description="how long a row's address is evidence of living there")
    relationships: list[RelationshipRule] = Field(
        default_factory=list, description="rules turning rows into stated relationships")

    @field_validator("columns")
    @classmethod
    def _canonical_names(cls, cols: dict[str, Column]) -> dict[str, Column]:
        for name, col in cols.items():
            if not is_known_field(name):
                close = difflib.get_close_matches(name, FIELDS, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise ValueError(f"unknown canonical field {name!r}: {hint}"
                                 "use a name from `famlink fields` or an extra named x_<name>")
            if col.split and name != "full_name":
                raise ValueError(f"{name}: 'split' only applies to full_name")
        return cols

    @model_validator(mode="after")
    def _distinct_fields_mapped(self) -> Feed:
        for entry in self.distinct_people_within:
            for name in entry.split("+"):
                if name != "file" and name not in self.columns:
                    raise ValueError(f"distinct_people_within: {name!r} (in {entry!r}) is not "
                                     "a mapped field; use fields from columns: or 'file', "
                                     "joined by '+' for rows sharing all of them")
        return self

    @model_validator(mode="after")
    def _household_fields_mapped(self) -> Feed:
        wanted = [(f"relationships.{n}", f) for n, rule in enumerate(self.relationships)
                  for f in rule.fields()]
        if self.residence is not None:
            wanted += [("residence.start", self.residence.start)]
            wanted += [("residence.end", self.residence.end)] if self.residence.end else []
        for key, name in wanted:
            if name not in self.columns:
                raise ValueError(f"{key}: {name!r} is not a mapped field; map it under "
                                 "columns: first")
        return self

    def parse_of(self, field: str) -> str:
        col = self.columns[field]
        if col.parse:
            return col.parse
        return FIELDS[field].default_parse if field in FIELDS else "text"

    def source_columns(self) -> list[str]:
        """Every source column the mapping reads, in mapping order, without repeats."""
        names = [c.source for c in self.columns.values() if c.source is not None]
        ids = [self.record_id] if isinstance(self.record_id, str) else (self.record_id or [])
        return list(dict.fromkeys([*names, *ids]))


class ProjectSettings(Strict):
    name: str = "famlink project"
    warehouse: str = "warehouse/famlink.duckdb"
    reports: str = "reports"
    feeds: str = "feeds"
    reference_date: dt.date | None = Field(
        None, description="the date the data describes (default today): dates of birth after "
        "it, or more than 115 years before it, are not trusted")
    state_url: str | None = Field(None, description="SQLAlchemy URL of the app's state "
                                  "database; default: SQLite at state/famlink.sqlite")
    households: HouseholdSettings = Field(default_factory=HouseholdSettings)


class Project(BaseModel):
    root: Path
    settings: ProjectSettings
    feeds: dict[str, Feed]

    @property
    def warehouse_path(self) -> Path:
        return self.root / self.settings.warehouse

    @property
    def reports_dir(self) -> Path:
        return self.root / self.settings.reports


def _read_yaml(path: Path, problems: list[ConfigProblem]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        problems.append(ConfigProblem(path, where, f"not valid YAML: {exc}",
                                      "fix the YAML syntax (indentation, quotes, colons)"))
        return None


def _collect(path: Path, exc: ValidationError, problems: list[ConfigProblem]) -> None:
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        fix = "remove this key or check its spelling" if err["type"] == "extra_forbidden" else ""
        if err["type"] == "missing":
            fix = "add this key"
        problems.append(ConfigProblem(path, key, msg, fix))


def _load_settings(root: Path, problems: list[ConfigProblem]) -> ProjectSettings:
    path = root / "famlink.yaml"
    if not path.exists():
        problems.append(ConfigProblem(path, "(file)", "no famlink.yaml in the project folder",
                                      "run `famlink init DIR` or point --project at the folder"))
        return ProjectSettings()
    data = _read_yaml(path, problems)
    try:
        return ProjectSettings.model_validate(data if isinstance(data, dict) else {})
    except ValidationError as exc:
        _collect(path, exc, problems)
        return ProjectSettings()


def load_feed(path: Path, problems: list[ConfigProblem]) -> Feed | None:
    name = path.stem
    if not set(name) <= FEED_NAME_CHARS:
        problems.append(ConfigProblem(path, "(file name)", f"feed name {name!r} is not allowed",
                                      "rename the file using lower-case letters, digits and _"))
        return None
    data = _read_yaml(path, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(ConfigProblem(path, "(top level)", "expected a mapping of keys",
                                      "start the file with keys such as source: and columns:"))
        return None
    try:
        feed = Feed.model_validate(data)
    except ValidationError as exc:
        _collect(path, exc, problems)
        return None
    feed.name = name
    return feed


def load_project(root: Path | str) -> Project:
    """Load the project folder, raising ConfigError listing every problem found."""
    root = Path(root).resolve()
    problems: list[ConfigProblem] = []
    if not root.is_dir():
        raise ConfigError([ConfigProblem(root, "(folder)", "project folder not found",
                                         "create it with `famlink init DIR`")])
    settings = _load_settings(root, problems)
    feeds_dir = root / settings.feeds
    feeds: dict[str, Feed] = {}
    for path in sorted(feeds_dir.glob("*.yaml")) if feeds_dir.is_dir() else []:
        feed = load_feed(path, problems)
        if feed is not None:
            feeds[feed.name] = feed
    if not feeds and not problems:
        problems.append(ConfigProblem(feeds_dir, "(folder)", "no feed mappings found",
                                      f"add one YAML file per feed in {settings.feeds}/"))
    if problems:
        raise ConfigError(problems)
    return Project(root=root, settings=settings, feeds=feeds)
