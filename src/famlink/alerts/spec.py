"""Alert rules, declared in ``rules/alerts.yaml`` (or the defaults shipped with famlink).

A rule has a trigger (event type, subtypes, roles), the people it is about (subjects: those
involved, the children in their household, their children; an age range), who must hear of
it (recipients by role and scope: the child's school, the area's team), what each role is
shown (minimum necessary), an urgency and a deadline (the next school-day start, or hours).
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from famlink.alerts.calendar import Holiday, SchoolCalendar
from famlink.errors import ConfigError, ConfigProblem

FIELDS = ("family_id", "needs", "outcomes", "child_name", "child_dob", "child_age", "school",
          "event_date", "event_time", "event_ref", "event_type", "event_subtype",
          "child_present", "roles", "contact", "feed", "measure")
ALERTS_FILE = "alerts.yaml"  # in the project's rules/ folder, beside the outcomes rules
Subject = Literal["involved", "household", "children_of_involved"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HolidaySpec(Strict):
    first: dt.date = Field(alias="from")
    last: dt.date = Field(alias="to")
    name: str = "holiday"


class CalendarSpec(Strict):
    day_starts: dt.time = dt.time(8, 30)
    holidays: list[HolidaySpec] = Field(default_factory=list)
    closures: list[dt.date] = Field(default_factory=list)

    def build(self) -> SchoolCalendar:
        return SchoolCalendar(self.day_starts,
                              tuple(Holiday(h.first, h.last, h.name) for h in self.holidays),
                              tuple(self.closures))


class Trigger(Strict):
    event_types: list[str] | None = Field(None, min_length=1)
    subtypes: list[str] | None = None
    roles: list[str] | None = None
    family_newly_eligible: bool = Field(False, description="a family the outcomes rules now "
                                        "find eligible that they did not before")
    need_newly_flagged: str | None = Field(
        None, description="a person-level need of the outcomes rulebook (e.g. "
        "poor_attendance) that flags a person now and did not at the last run")

    @model_validator(mode="after")
    def _one_kind(self) -> Trigger:
        kinds = [bool(self.event_types), self.family_newly_eligible,
                 self.need_newly_flagged is not None]
        if sum(kinds) != 1:
            raise ValueError("give one of event_types: [...], family_newly_eligible: true or "
                             "need_newly_flagged: NEED")
        return self


class Subjects(Strict):
    who: list[Subject] = ["involved"]  # pydantic copies a mutable default
    min_age: int = Field(0, ge=0)
    max_age: int = Field(120, ge=0)
    on_feeds: list[str] | None = Field(
        None, min_length=1, description="only people with a record in one of these feeds "
        "(a list the council keeps, such as the SAFE cohort of young people at risk)")


class Recipient(Strict):
    role: str
    scope: Literal["school", "area", "all"] = "all"
    fallback_role: str | None = Field(None, description="who is told when the scope cannot "
                                      "be found (no school on roll: the council's team)")


class Deadline(Strict):
    next_school_day: bool = False
    hours: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _one(self) -> Deadline:
        if self.next_school_day == (self.hours is not None):
            raise ValueError("give either next_school_day: true or hours: N")
        return self


class AlertRule(Strict):
    description: str
    trigger: Trigger
    subjects: Subjects = Field(default_factory=Subjects)
    recipients: list[Recipient] = Field(min_length=1)
    shows: dict[str, list[Literal[FIELDS]]]  # type: ignore[valid-type]
    urgency: Literal["immediate", "high", "normal"] = "normal"
    deadline: Deadline
    contact: str = ""

    @model_validator(mode="after")
    def _shows_every_recipient(self) -> AlertRule:
        roles = {r.role for r in self.recipients} | {
            r.fallback_role for r in self.recipients if r.fallback_role}
        missing = sorted(roles - set(self.shows))
        if missing:
            raise ValueError(f"shows: no fields listed for recipient role(s) {missing}")
        return self


class SchoolRoll(Strict):
    feeds: list[str] = Field(default_factory=lambda: ["school_census"])


class AlertBook(Strict):
    version: int = 1
    calendar: CalendarSpec = Field(default_factory=CalendarSpec)
    school_roll: SchoolRoll = Field(default_factory=SchoolRoll)
    first_run_lookback_days: int = Field(
        0, ge=0, description="on the first run, alert on events this many days before the "
        "newest one; older events are history, not news")
    alerts: dict[str, AlertRule]


def default_path() -> Path:
    return Path(str(resources.files("famlink.alerts") / "data" / "alerts.yaml"))


def load_alerts(root: Path) -> tuple[AlertBook, Path]:
    """The project's ``rules/alerts.yaml``, else the defaults; every problem reported."""
    path = root / "rules" / ALERTS_FILE
    path = path if path.exists() else default_path()
    try:
        return AlertBook.model_validate(yaml.safe_load(path.read_text()) or {}), path
    except yaml.YAMLError as exc:
        raise ConfigError([ConfigProblem(path, "", f"not valid YAML: {exc}")]) from exc
    except ValidationError as exc:
        raise ConfigError([ConfigProblem(path, ".".join(map(str, e["loc"])), e["msg"])
                           for e in exc.errors()]) from exc
