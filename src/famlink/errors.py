"""Errors that teach the fix: each names the file, the place in it and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class FamlinkError(Exception):
    """Base for errors shown to the user without a traceback."""


@dataclass(frozen=True)
class ConfigProblem:
    path: Path
    key: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        fix = f" -> {self.fix}" if self.fix else ""
        return f"{self.path}: {self.key}: {self.message}{fix}"


class ConfigError(FamlinkError):
    def __init__(self, problems: list[ConfigProblem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the project configuration:\n{lines}")


class FileLoadError(FamlinkError):
    """A whole file could not be loaded; nothing from it was stored."""

    def __init__(self, path: Path | str, message: str, *, row: int | None = None,
                 field: str | None = None):
        self.path, self.row, self.field = str(path), row, field
        where = "".join([f", row {row}" if row is not None else "",
                         f", field {field!r}" if field else ""])
        super().__init__(f"{path}{where}: {message}")


class ConservationError(FamlinkError):
    """Rows read != rows loaded + rows quarantined: the run stops."""


class StageError(FamlinkError):
    def __init__(self, stage: str, table: str, sql: str, cause: Exception):
        self.stage, self.table, self.sql = stage, table, sql
        super().__init__(f"stage {stage!r} failed building {table!r}: {cause}\nSQL:\n{sql}")
