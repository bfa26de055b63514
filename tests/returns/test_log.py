"""The returns log on SQLite (always) and PostgreSQL (when FAMLINK_TEST_POSTGRES_URL): rows
are appended in order and read back as written."""

from __future__ import annotations

import datetime as dt

from famlink.returns.log import ReturnRecord, log_return, returns_history

from ..link.test_decisions import state  # noqa: F401  (the SQLite / PostgreSQL fixture)


def _record(template: str, rows: int) -> ReturnRecord:
    return ReturnRecord(template, f"{template} title", "ana", dt.datetime(2026, 8, 1, 9, 30),
                        dt.date(2026, 7, 31), rows, f"/out/{template}.csv", "a" * 64,
                        f"/out/{template}.xlsx", "b" * 64, "Supporting Families 2022-25")


def test_log_appends_and_reads_back(state):  # noqa: F811
    first, second = _record("claims", 3), _record("families_identified", 12)
    log_return(state, first)
    log_return(state, second)
    log_return(state, first)
    assert returns_history(state) == [first, second, first]
