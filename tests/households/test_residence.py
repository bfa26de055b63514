"""Where people live and when: moves, feeds that disagree, and the reason given."""

from __future__ import annotations

import datetime as dt

from tests.households.conftest import Street


def test_a_move_ends_one_span_and_starts_the_next(street: Street) -> None:
    street.person("P1", "2012-03-01")
    street.row("P1", "census", "2022-01-20", "100")
    street.row("P1", "census", "2023-01-19", "100")
    street.row("P1", "census", "2025-01-16", "200")
    street.run()
    spans = street.query("SELECT dwelling_key, start_date, end_date FROM residence_spans "
                         "WHERE person_id = 'P1' ORDER BY start_date")
    assert spans == [("U100", dt.date(2022, 1, 20), dt.date(2025, 1, 15)),
                     ("U200", dt.date(2025, 1, 16), None)]
    assert street.current("P1")[0] == "200"
    history = street.query("SELECT uprn, first_seen_date, last_seen_date, n_records FROM "
                           "address_history WHERE person_id = 'P1' ORDER BY first_seen_date")
    assert history == [("100", dt.date(2022, 1, 20), dt.date(2023, 1, 19), 2),
                       ("200", dt.date(2025, 1, 16), dt.date(2025, 1, 16), 1)]


def test_an_open_liability_outranks_a_later_visit_at_the_old_address(street: Street) -> None:
    street.person("P1", "1980-05-05")
    street.row("P1", "census", "2023-01-19", "100")
    street.row("P1", "council_tax", "2024-04-01", "200")
    street.row("P1", "ed", "2026-05-01", "100")  # A&E still holds the old address
    street.run()
    uprn, reason = street.current("P1")
    assert uprn == "200"
    assert "open on council_tax since 2024-04-01" in reason
    assert "preferred to 100 STREET, seen on ed 2026-05-01" in reason


def test_of_two_open_periods_the_later_start_wins(street: Street) -> None:
    street.person("P1", "1980-05-05")
    street.row("P1", "housing", "2020-01-01", "100")  # never closed after the move
    street.row("P1", "council_tax", "2025-02-01", "200")
    street.run()
    assert street.current("P1")[0] == "200"


def test_between_dated_rows_reliability_buys_recency(street: Street) -> None:
    street.project.feeds["ed"].reliability = 0.1
    street.person("SAME", "2012-03-01")
    street.row("SAME", "census", "2025-01-16", "100")
    street.row("SAME", "census", "2026-01-15", "200")  # equally reliable: newer wins
    street.person("NEAR", "2012-03-01")
    street.row("NEAR", "census", "2026-01-15", "100")
    street.row("NEAR", "ed", "2026-03-01", "200")  # 0.8 x 365 days outweighs 45 days newer
    street.person("FAR", "2012-03-01")
    street.row("FAR", "census", "2025-01-16", "100")
    street.row("FAR", "ed", "2026-07-30", "200")  # but not 560 days newer
    street.run()
    assert street.current("SAME")[0] == "200"
    assert street.current("NEAR")[0] == "100"
    assert street.current("FAR")[0] == "200"


def test_a_dated_row_expires_unless_the_person_is_still_about(street: Street) -> None:
    street.person("GONE", "1990-01-01")
    street.row("GONE", "census", "2022-01-20", "100")
    street.person("HERE", "1990-01-01")
    street.row("HERE", "census", "2022-01-20", "300")
    street.row("HERE", "ed", "2026-02-01", None)  # no address, but still in town
    street.run()
    assert street.current("GONE") == (None, None)
    assert street.current("HERE")[0] == "300"


def test_an_ended_liability_ends_the_residence(street: Street) -> None:
    street.person("P1", "1970-01-01")
    street.row("P1", "council_tax", "2019-09-01", "100", end="2021-04-14")
    street.run()
    assert street.query("SELECT start_date, end_date FROM residence_spans") == [
        (dt.date(2019, 9, 1), dt.date(2021, 4, 14))]
    assert street.current("P1") == (None, None)


def test_a_tenancy_left_with_a_co_resident_gives_way_to_newer_rows_at_their_new_home(
        street: Street) -> None:
    street.person("MUM", "1985-02-02", "VU")
    street.person("DAD", "1983-07-07", "VU")
    street.person("KID", "2015-06-01", "VU")
    street.person("SIS", "2013-06-01", "VU")
    for pid in ("MUM", "DAD", "KID", "SIS"):  # one tenancy, never updated after the split
        street.row(pid, "housing", "2019-09-01", "100", role="Household Member")
    street.row("DAD", "council_tax", "2024-01-10", "300")
    street.row("KID", "census", "2025-01-16", "100")
    street.row("KID", "census", "2026-01-15", "300")  # went with the father
    street.row("SIS", "census", "2026-01-15", "100")
    street.row("SIS", "ed", "2025-11-01", "300")  # a visit to the father: not her latest row
    street.run()
    uprn, reason = street.current("KID")
    assert uprn == "300"
    assert reason.startswith("seen on census 2026-01-15")
    assert "open on housing since 2019-09-01, left with DAD by 2026-01-15" in reason
    spans = street.query("SELECT dwelling_key, start_date, end_date FROM residence_spans "
                         "WHERE person_id = 'KID' ORDER BY start_date")
    assert spans == [("U100", dt.date(2019, 9, 1), dt.date(2026, 1, 14)),
                     ("U300", dt.date(2026, 1, 15), None)]
    assert street.current("SIS")[0] == "100"
    assert street.current("MUM")[0] == "100"
    assert set(street.family_of("KID")) == {"DAD", "KID"}


def test_nobody_lives_anywhere_before_they_were_born(street: Street) -> None:
    """A tenancy lists a baby born after it started: the baby lives there from birth, and is
    in the household and the family from then, not from the tenancy's start."""
    street.person("MUM", "1990-04-04")
    street.person("BABY", "2021-06-01")
    street.row("MUM", "housing", "2019-09-01", "100", ref="T1")
    street.row("BABY", "housing", "2019-09-01", "100", ref="T1")  # the tenancy's start
    street.row("BABY", "ed", "2018-03-01", "300")  # a row dated before birth: a slip
    street.run()
    spans = street.query("SELECT dwelling_key, start_date, end_date FROM residence_spans "
                         "WHERE person_id = 'BABY'")
    assert spans == [("U100", dt.date(2021, 6, 1), None)]
    [(start,)] = street.query("SELECT start_date FROM household_members "
                              "WHERE person_id = 'BABY'")
    assert start == dt.date(2021, 6, 1)
    assert street.query("SELECT role, start_date FROM family_members "
                        "WHERE person_id = 'BABY'") == [("child", dt.date(2021, 6, 1))]
    assert street.household_of("MUM", dt.date(2020, 6, 1)) == {"MUM"}
