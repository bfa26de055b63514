"""The rulebook as data: outcomes, needs, eligibility, scoring scenarios and return templates.

A project's ``rules/*.yaml`` files are read in name order and merged; each file may hold any
of the top-level keys below. Every file is checked with Pydantic (``extra="forbid"``) and every
problem is reported at once, naming the file, the key and the fix. A project without
``rules/`` uses the default rulebook shipped with famlink (``famlink/rules/defaults/``).
"""

from __future__ import annotations

import difflib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# event columns a rule may test or measure (the warehouse's `events` table), and the
# person attributes available to every rule
EVENT_FIELDS = {
    "feed": "text", "event_type": "text", "event_subtype": "text", "role": "text",
    "category": "text", "status": "text", "reason": "text", "period": "text",
    "event_ref": "text", "organisation_ref": "text", "organisation_name": "text",
    "amount": "number", "sessions_possible": "number", "sessions_authorised": "number",
    "sessions_unauthorised": "number",
}
PERSON_FIELDS = {"age": "number", "member_role": "text"}
FIELDS = {**EVENT_FIELDS, **PERSON_FIELDS}
NUMERIC_FIELDS = [name for name, kind in EVENT_FIELDS.items() if kind == "number"]
OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "in", "not_in", "present", "absent")
COMPARE = Literal["<", "<=", ">", ">=", "="]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _check_field(name: str, allowed: dict[str, str] | list[str], what: str) -> str:
    if name in allowed:
        return name
    close = difflib.get_close_matches(name, list(allowed), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ValueError(f"unknown {what} {name!r}: {hint}use one of {', '.join(allowed)}")


class Condition(Strict):
    field: str = Field(description="an event field or a person attribute (age, member_role)")
    op: Literal["=", "!=", "<", "<=", ">", ">=", "in", "not_in", "present", "absent"] = Field(
        description="how to compare")
    value: str | float | int | bool | list[str | float | int] | None = None

    @field_validator("field")
    @classmethod
    def _known(cls, v: str) -> str:
        return _check_field(v, FIELDS, "field")

    @model_validator(mode="after")
    def _value_fits(self) -> Condition:
        if self.op in ("present", "absent"):
            if self.value is not None:
                raise ValueError(f"op {self.op!r} takes no value: remove 'value'")
        elif self.value is None:
            raise ValueError(f"op {self.op!r} needs a value: add 'value'")
        elif (self.op in ("in", "not_in")) != isinstance(self.value, list):
            wanted = "a list" if self.op in ("in", "not_in") else "one value"
            raise ValueError(f"op {self.op!r} needs {wanted} as value")
        return self


class Window(Strict):
    months: int | None = Field(None, ge=1, le=120, description="the last N months")
    days: int | None = Field(None, ge=1, le=3650, description="the last N days")
    terms: int | None = Field(None, ge=1, le=12, description="the last N school terms")
    open_ended: bool = Field(False, description="events are spans (claims, plans): one counts "
                             "while it overlaps the window; a blank end date means still open")

    @model_validator(mode="after")
    def _one_length(self) -> Window:
        given = [k for k in ("months", "days", "terms") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of months, days or terms, e.g. {months: 12}")
        return self

    def describe(self) -> str:
        n, unit = next((getattr(self, k), k) for k in ("months", "days", "terms")
                       if getattr(self, k) is not None)
        return f"the last {n} {unit[:-1] if n == 1 else unit}"


class Who(Strict):
    min_age: int | None = Field(None, ge=0, le=120, description="age on the reference date")
    max_age: int | None = Field(None, ge=0, le=120)
    roles: list[str] = Field(default_factory=list, description="family roles, e.g. [child]")


class Ratio(Strict):
    numerator: list[str] = Field(description="event fields summed; prefix - to subtract")
    denominator: list[str]

    @field_validator("numerator", "denominator")
    @classmethod
    def _numeric(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("give at least one numeric field")
        for name in v:
            _check_field(name.removeprefix("-"), NUMERIC_FIELDS, "numeric field")
        return v


class Measure(Strict):
    kind: Literal["count", "ratio", "sum", "max"] = "count"
    field: str | None = Field(None, description="sum/max: the numeric event field")
    ratio: Ratio | None = None
    percent: bool = Field(False, description="show the value as a percentage")

    @model_validator(mode="after")
    def _parts(self) -> Measure:
        if self.kind == "ratio" and self.ratio is None:
            raise ValueError("kind ratio needs ratio: {numerator: [...], denominator: [...]}")
        if self.kind in ("sum", "max"):
            if self.field is None:
                raise ValueError(f"kind {self.kind} needs field: a numeric event field")
            _check_field(self.field, NUMERIC_FIELDS, "numeric field")
        return self


class Threshold(Strict):
    op: COMPARE = Field(description="the need is met when value <op> threshold")
    value: float


class Need(Strict):
    name: str = ""
    outcome: str = Field(description="the key of an outcome under outcomes:")
    description: str = Field("", description="the need in words, shown with every flag")
    scope: Literal["person", "family"] = Field(
        description="person: each member is tested alone; family: all members' events together")
    who: Who = Field(default_factory=Who, description="which members the rule looks at")
    where: list[Condition] = Field(default_factory=list, description="all must hold")
    window: Window
    measure: Measure = Field(default_factory=Measure)
    threshold: Threshold
    truth_kinds: list[str] = Field(default_factory=list, description="synthetic town need "
                                   "kinds this rule is meant to find (for evaluation only)")


class Outcome(Strict):
    name: str
    aliases: list[str] = Field(default_factory=list)
    description: str = ""


class Framework(Strict):
    name: str = "Supporting Families outcomes framework"
    version: str = "2022-25"


class Eligibility(Strict):
    min_needs: int = Field(3, ge=1, description="needs a family must have to be eligible")
    count: Literal["needs", "outcomes"] = Field(
        "needs", description="count distinct needs, or distinct headline outcomes")
    dependent_child_max_age: int = Field(17, ge=0, le=25)
    require_dependent_child: bool = True
    sustain_months: int = Field(6, ge=0, le=36, description="claims: months after closure")
    resolve_months: int = Field(3, ge=1, le=36, description="claims: a need is resolved at "
                                "closure when the rule finds nothing in the case's last months")
    case_event_types: list[str] = Field(
        default_factory=lambda: ["early_help_case"],
        description="event types whose start and end dates are a family's case (baseline, "
                    "closure); cases recorded in the app's case_starts table count too")


class Calendar(Strict):
    term_starts: list[str] = Field(default_factory=lambda: ["09-01", "01-01", "04-01"],
                                   description="MM-DD on which each school term starts")

    @field_validator("term_starts")
    @classmethod
    def _mm_dd(cls, v: list[str]) -> list[str]:
        import datetime as dt

        for text in v:
            try:
                dt.date.fromisoformat(f"2000-{text}")
            except ValueError:
                raise ValueError(f"term start {text!r} is not MM-DD, e.g. 09-01") from None
        return sorted(v)


class Scenario(Strict):
    description: str = ""
    weights: dict[str, float] = Field(description="need -> weight")
    default_weight: float = Field(0.0, description="weight of a need not listed")
    eligible_only: bool = Field(False, description="rank only eligible families")


class ReturnTemplate(Strict):
    title: str
    dataset: Literal["identified", "worked_with", "outcomes", "claims"]
    where: dict[str, Any] = Field(default_factory=dict, description="column: value to keep")
    columns: dict[str, str] = Field(description="header -> dataset column")


class RuleFile(Strict):
    """One rules/*.yaml file: any of these keys."""

    framework: Framework | None = None
    outcomes: dict[str, Outcome] = Field(default_factory=dict)
    needs: dict[str, Need] = Field(default_factory=dict)
    eligibility: Eligibility | None = None
    calendar: Calendar | None = None
    scenarios: dict[str, Scenario] = Field(default_factory=dict)
    returns: dict[str, ReturnTemplate] = Field(default_factory=dict)


class Rulebook(Strict):
    framework: Framework = Field(default_factory=Framework)
    outcomes: dict[str, Outcome]
    needs: dict[str, Need]
    eligibility: Eligibility = Field(default_factory=Eligibility)
    calendar: Calendar = Field(default_factory=Calendar)
    scenarios: dict[str, Scenario] = Field(default_factory=dict)
    returns: dict[str, ReturnTemplate] = Field(default_factory=dict)

    def outcome_name(self, key: str) -> str:
        return self.outcomes[key].name
