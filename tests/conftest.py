"""Shared fixtures, and the rule that in CI (FAMLINK_STRICT_SKIPS=1) a skip is a failure."""

from __future__ import annotations

import os

import pytest

STRICT = os.environ.get("FAMLINK_STRICT_SKIPS") == "1"
_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(f"{report.nodeid}: {report.longrepr}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if STRICT and _skipped:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter) -> None:
    if STRICT and _skipped:
        terminalreporter.write_line(
            f"FAMLINK_STRICT_SKIPS=1: {len(_skipped)} test(s) skipped, which CI counts as "
            "failures (a component the tests need is missing):", red=True, bold=True)
        for line in _skipped:
            terminalreporter.write_line(f"  {line}", red=True)
