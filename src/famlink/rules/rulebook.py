"""Load a rulebook: the project's ``rules/*.yaml``, or the defaults shipped with famlink.

Files are merged in name order; a key defined in two files is an error (say which), and so
is a need pointing at an unknown outcome or a scenario weighting an unknown need. Every
problem in every file is collected and raised at once as a ConfigError.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from famlink.alerts.spec import ALERTS_FILE
from famlink.errors import ConfigError, ConfigProblem
from famlink.rules.schema import Rulebook, RuleFile

DEFAULTS = Path(__file__).resolve().parent / "defaults"
SECTIONS = ("outcomes", "needs", "scenarios", "returns")
SINGLE = ("framework", "eligibility", "calendar")
DATASET_COLUMNS = {
    "identified": ["family_id", "n_needs", "needs", "outcomes", "has_dependent_child",
                   "is_eligible", "area", "evidence"],
    "worked_with": ["family_id", "case_ref", "case_start_date", "case_close_date",
                    "case_source", "baseline_needs", "status", "evidence"],
    "outcomes": ["family_id", "need", "outcome", "baseline_value", "latest_value",
                 "is_resolved", "is_sustained", "evidence"],
    "claims": ["family_id", "case_ref", "case_start_date", "case_close_date", "status",
               "needs_resolved", "needs_sustained", "earliest_claim_date", "reason",
               "evidence"],
}


def rules_folder(project_root: Path) -> Path:
    """The project's rules/ folder if it holds any YAML, else the shipped defaults."""
    folder = project_root / "rules"
    return folder if folder.is_dir() and _rule_files(folder) else DEFAULTS


def _rule_files(folder: Path) -> list[Path]:
    """The outcomes rule files: every YAML file but the alert rules (see famlink.alerts)."""
    return sorted(p for p in folder.glob("*.yaml") if p.name != ALERTS_FILE)


def _read(path: Path, problems: list[ConfigProblem]) -> RuleFile | None:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(ConfigProblem(path, "(file)", f"not valid YAML: {exc}",
                                      "fix the YAML syntax (indentation, quotes, colons)"))
        return None
    if not isinstance(data, dict):
        problems.append(ConfigProblem(path, "(top level)", "expected a mapping of keys",
                                      f"start with keys such as {', '.join(SECTIONS)}"))
        return None
    try:
        return RuleFile.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
            msg = err["msg"].removeprefix("Value error, ")
            fix = {"extra_forbidden": "remove this key or check its spelling",
                   "missing": "add this key",
                   "literal_error": "use one of the values listed"}.get(err["type"], "")
            problems.append(ConfigProblem(path, key or "(top level)", msg, fix))
        return None


def _merge(files: list[tuple[Path, RuleFile]], problems: list[ConfigProblem]) -> dict[str, Any]:
    merged: dict[str, Any] = {s: {} for s in SECTIONS}
    seen: dict[str, Path] = {}
    for path, rf in files:
        for section in SECTIONS:
            for key, value in getattr(rf, section).items():
                where = f"{section}.{key}"
                if where in seen:
                    problems.append(ConfigProblem(path, where, f"also defined in {seen[where]}",
                                                  "keep one definition"))
                seen[where] = path
                merged[section][key] = value
        for section in SINGLE:
            if getattr(rf, section) is not None:
                if section in seen:
                    problems.append(ConfigProblem(path, section, f"also set in {seen[section]}",
                                                  "keep one"))
                seen[section] = path
                merged[section] = getattr(rf, section)
    merged["_where"] = seen
    return merged


def _hint(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"use one of {', '.join(known)}" if known else "define it first"


def _cross_check(m: dict[str, Any], problems: list[ConfigProblem]) -> None:
    where, outcomes, needs = m["_where"], list(m["outcomes"]), list(m["needs"])
    for key, need in m["needs"].items():
        if need.outcome not in m["outcomes"]:
            problems.append(ConfigProblem(where[f"needs.{key}"], f"needs.{key}.outcome",
                                          f"unknown outcome {need.outcome!r}",
                                          _hint(need.outcome, outcomes)))
    for key, sc in m["scenarios"].items():
        for name in sc.weights:
            if name not in m["needs"]:
                problems.append(ConfigProblem(where[f"scenarios.{key}"],
                                              f"scenarios.{key}.weights.{name}",
                                              f"unknown need {name!r}", _hint(name, needs)))
    for key, tpl in m["returns"].items():
        allowed = DATASET_COLUMNS[tpl.dataset]
        for header, col in [*tpl.columns.items(), *((c, c) for c in tpl.where)]:
            if col not in allowed:
                problems.append(ConfigProblem(where[f"returns.{key}"],
                                              f"returns.{key}.columns.{header}",
                                              f"{col!r} is not a column of {tpl.dataset}",
                                              _hint(col, allowed)))


def load_rulebook(folder: Path | None = None) -> Rulebook:
    """Read every rules/*.yaml in ``folder`` (default: the shipped rulebook)."""
    folder = folder or DEFAULTS
    problems: list[ConfigProblem] = []
    paths = _rule_files(folder)
    if not paths:
        raise ConfigError([ConfigProblem(folder, "(folder)", "no rule files found",
                                         "add rules/*.yaml or remove the empty folder")])
    files = [(p, rf) for p in paths if (rf := _read(p, problems)) is not None]
    merged = _merge(files, problems)
    if not problems:  # a file that did not load would make every reference to it look wrong
        _cross_check(merged, problems)
    if not merged["needs"] and not problems:
        problems.append(ConfigProblem(folder, "needs", "no needs defined",
                                      "define at least one need under needs:"))
    if problems:
        raise ConfigError(problems)
    merged.pop("_where")
    for key, need in merged["needs"].items():
        need.name = key
    return Rulebook(**merged)


def project_rulebook(project_root: Path) -> Rulebook:
    return load_rulebook(rules_folder(project_root))
