"""``access.yaml``: roles (portal, actions, row scope, field visibility per feed), what each
feed is called and whom to contact about it, and the session and login policy.

Loaded into Pydantic with ``extra="forbid"``; every problem is reported at once, naming the
file, the key and the fix.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from famlink.access.actions import ACTIONS
from famlink.errors import ConfigError, ConfigProblem

DEFAULT_ACCESS = Path(__file__).parent / "access.yaml"
Visibility = Literal["full", "summary", "hidden"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScopeSpec(Strict):
    kind: Literal["all", "area", "school", "feeds", "none"] = Field(
        description="all persons; those living in postcode districts; pupils on the roll of "
        "the user's school; persons in the listed feeds; or nobody")
    postcode_districts: list[str] = Field(default_factory=list)
    feeds: list[str] = Field(default_factory=list)
    school_feed: str = "school_census"

    @model_validator(mode="after")
    def _complete(self) -> ScopeSpec:
        if self.kind == "area" and not self.postcode_districts:
            raise ValueError("an area scope needs postcode_districts, e.g. [NB1, NB2]")
        if self.kind == "feeds" and not self.feeds:
            raise ValueError("a feeds scope needs feeds, e.g. [police_incidents]")
        self.postcode_districts = [d.strip().upper() for d in self.postcode_districts]
        return self


class RoleSpec(Strict):
    title: str
    description: str = ""
    actions: list[str]
    scope: ScopeSpec
    fields: dict[str, Visibility] = Field(
        default_factory=lambda: dict[str, Visibility]({"default": "full"}),
        description="per feed: full (everything), summary (that it happened, when, whom to "
        "contact) or hidden; 'default' covers feeds not named")
    reason_for_feeds: list[str] = Field(
        default_factory=list, description="viewing a person with records in these feeds "
        "asks for a reason")

    @field_validator("actions")
    @classmethod
    def _known_actions(cls, actions: list[str]) -> list[str]:
        for action in actions:
            if action not in ACTIONS:
                close = difflib.get_close_matches(action, ACTIONS, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise ValueError(f"unknown action {action!r}: {hint}use one of "
                                 f"{', '.join(ACTIONS)}")
        return actions

    def visibility(self, feed: str) -> Visibility:
        return self.fields.get(feed, self.fields.get("default", "full"))

    def can(self, action: str) -> bool:
        return action in self.actions


class FeedInfo(Strict):
    label: str
    contact: str = ""


class SessionPolicy(Strict):
    idle_minutes: int = Field(30, ge=1)
    max_hours: int = Field(8, ge=1)


class LoginPolicy(Strict):
    max_failures: int = Field(5, ge=1, description="failed sign-ins allowed per window")
    window_minutes: int = Field(15, ge=1)


class AccessConfig(Strict):
    roles: dict[str, RoleSpec]
    feeds: dict[str, FeedInfo] = Field(default_factory=dict)
    sessions: SessionPolicy = Field(default_factory=SessionPolicy)
    login: LoginPolicy = Field(default_factory=LoginPolicy)

    def role(self, name: str) -> RoleSpec:
        if name not in self.roles:
            raise KeyError(name)
        return self.roles[name]

    def label(self, feed: str) -> str:
        info = self.feeds.get(feed)
        return info.label if info else feed.replace("_", " ").capitalize()

    def contact(self, feed: str) -> str:
        info = self.feeds.get(feed)
        return info.contact if info and info.contact else "the service that holds the record"


def _problems(path: Path, exc: ValidationError) -> list[ConfigProblem]:
    out = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        fix = {"extra_forbidden": "remove this key or check its spelling",
               "missing": "add this key", "literal_error": "use one of the allowed values"
               }.get(err["type"], "")
        out.append(ConfigProblem(path, key, err["msg"].removeprefix("Value error, "), fix))
    return out


def load_access(path: Path) -> AccessConfig:
    """Read and check ``access.yaml``; a ConfigError lists every problem at once."""
    if not path.exists():
        raise ConfigError([ConfigProblem(path, "(file)", "no access.yaml",
                                         "copy the default with `famlink init` or write one")])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError([ConfigProblem(path, "(file)", f"not valid YAML: {exc}",
                                         "fix the YAML syntax")]) from exc
    if not isinstance(data, dict):
        raise ConfigError([ConfigProblem(path, "(top level)", "expected a mapping",
                                         "start the file with roles:")])
    try:
        return AccessConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_problems(path, exc)) from exc


def project_access(root: Path) -> AccessConfig:
    """The project's access.yaml, or the default shipped with famlink when it has none."""
    path = root / "access.yaml"
    return load_access(path if path.exists() else DEFAULT_ACCESS)
