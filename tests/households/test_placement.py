"""People with no address of their own on the as-of date: a baby known only from its mother's
claim or from A&E with a postcode, a school leaver whose last census is years old."""

from __future__ import annotations

import datetime as dt

from tests.households.conftest import Street


def _parents(street: Street, uprn: str = "100", postcode: str | None = None) -> None:
    street.person("MUM", "1990-02-02", "JONES")
    street.person("DAD", "1988-07-07", "JONES")
    for pid in ("MUM", "DAD"):
        street.row(pid, "council_tax", "2020-01-01", uprn, postcode=postcode)


def test_a_baby_with_no_address_lives_with_the_mother_whose_claim_names_it(
        street: Street) -> None:
    _parents(street)
    street.person("BABY", "2025-10-01", "JONES")
    street.row("MUM", "claims", "2025-11-01", None, role="claimant", ref="C1")
    street.row("BABY", "claims", "2025-11-01", None, role="dependant", ref="C1")
    street.person("OTHER", "2025-10-01", "JONES")  # no carer known: placed nowhere
    street.row("OTHER", "ed", "2026-01-01", None)
    street.run()
    assert street.household_of("BABY") == {"MUM", "DAD", "BABY"}
    assert street.family_of("BABY") == {"MUM": "parent", "DAD": "parent", "BABY": "child"}
    uprn, reason = street.current("BABY")
    assert uprn == "100"
    assert reason.startswith("no address of their own; lives with MUM, "
                             "their parent (claims event_ref C1")
    span = street.query("SELECT start_date, end_date FROM residence_spans "
                        "WHERE person_id = 'BABY'")
    assert span == [(dt.date(2025, 10, 1), None)]  # from birth: the mother was already there
    assert street.current("OTHER") == (None, None)
    assert street.household_of("OTHER") == set()


def test_a_postcode_only_row_is_placed_with_the_family_of_that_surname(street: Street) -> None:
    _parents(street, postcode="NB1 1AA")
    street.person("NEIGHBOUR", "1970-01-01", "BROWN")
    street.row("NEIGHBOUR", "council_tax", "2020-01-01", "101", postcode="NB1 1AA")
    street.person("BABY", "2024-10-01", "JONES")
    street.row("BABY", "ed", "2026-02-01", None, postcode="NB1 1AA")
    street.person("SLIP", "2023-10-01", "JONSE")  # a typing slip in the surname
    street.row("SLIP", "ed", "2026-03-01", None, postcode="NB1 1AA")
    street.person("STRANGER", "2024-10-01", "GREEN")  # no one called GREEN lives there
    street.row("STRANGER", "ed", "2026-02-01", None, postcode="NB1 1AA")
    street.run()
    assert street.household_of("BABY") == {"MUM", "DAD", "BABY", "SLIP"}
    uprn, reason = street.current("BABY")
    assert uprn == "100"
    assert "seen on ed 2026-02-01, postcode only" in reason
    assert street.household_of("STRANGER") == set()


def test_a_postcode_shared_by_two_families_of_one_surname_places_no_one(street: Street) -> None:
    _parents(street, postcode="NB1 1AA")
    street.person("COUSIN", "1985-01-01", "JONES")
    street.row("COUSIN", "council_tax", "2020-01-01", "102", postcode="NB1 1AA")
    street.person("BABY", "2025-10-01", "JONES")
    street.row("BABY", "ed", "2026-02-01", None, postcode="NB1 1AA")
    street.run()
    assert street.household_of("BABY") == set()


def test_a_postcode_only_row_ignores_a_namesake_whose_running_liability_is_elsewhere(
        street: Street) -> None:
    _parents(street, postcode="NB1 1AA")
    street.person("UNCLE", "1984-01-01", "JONES")  # moved away; an old police row still counts
    street.row("UNCLE", "council_tax", "2022-04-25", "300", postcode="NB7 7ZZ")
    street.row("UNCLE", "ed", "2025-10-24", "102", postcode="NB1 1AA")
    street.person("BABY", "2025-08-06", "JONES")
    street.row("BABY", "ed", "2026-06-05", None, postcode="NB1 1AA")
    street.run()
    assert street.current("UNCLE")[0] == "300"
    assert street.household_of("BABY") == {"MUM", "DAD", "BABY"}


def test_a_childs_postcode_only_row_goes_to_the_one_home_of_its_parents_generation(
        street: Street) -> None:
    _parents(street, postcode="NB1 1AA")
    street.person("GRANDAD", "1949-11-03", "JONES")  # 75 years older than the baby
    street.row("GRANDAD", "council_tax", "2019-09-01", "102", postcode="NB1 1AA")
    street.person("BABY", "2024-06-15", "JONES")
    street.row("BABY", "ed", "2026-03-30", None, postcode="NB1 1AA")
    street.person("LAD", "1995-01-01", "JONES")  # an adult's row: both homes fit, no one wins
    street.row("LAD", "ed", "2026-03-30", None, postcode="NB1 1AA")
    street.run()
    assert street.household_of("BABY") == {"MUM", "DAD", "BABY"}
    assert street.household_of("LAD") == set()


def test_a_school_leaver_stays_at_home_while_the_parents_are_there(street: Street) -> None:
    _parents(street)
    street.person("TEEN", "2007-09-01", "JONES")
    street.row("TEEN", "census", "2023-01-19", "100")  # last census: more than two years ago
    street.run()
    assert street.household_of("TEEN") == {"MUM", "DAD", "TEEN"}
    assert street.family_of("TEEN")["TEEN"] == "child"
    assert street.query("SELECT start_date, end_date FROM residence_spans "
                        "WHERE person_id = 'TEEN'") == [(dt.date(2023, 1, 19), None)]
    street.person("LEFT", "2007-09-01", "JONES")  # seen since at a postcode new to them
    street.row("LEFT", "census", "2023-01-19", "100", postcode="NB1 1AA")
    street.row("LEFT", "ed", "2025-06-01", None, postcode="NB9 9ZZ")
    street.run()
    assert street.household_of("LEFT") == set()
    assert street.current("TEEN")[1] == (
        "no address still counts (last seen here on 2023-01-19); lives with DAD, "
        "who lived with them there on 2023-01-19")


def test_a_child_seen_at_home_before_the_parents_moved_moves_with_them(
        street: Street) -> None:
    street.person("MUM", "1990-02-02", "JONES")
    street.person("DAD", "1988-07-07", "JONES")
    for pid in ("MUM", "DAD"):
        street.row(pid, "council_tax", "2018-01-01", "100", end="2026-02-28")
        street.row(pid, "council_tax", "2026-03-01", "200")
    street.person("KID", "2015-05-01", "JONES")
    street.row("KID", "census", "2026-01-15", "100")
    street.person("MA", "1990-02-02", "SMITH")  # here the father moves out, the mother stays
    street.person("PA", "1988-07-07", "SMITH")
    street.row("MA", "council_tax", "2018-01-01", "300")
    street.row("PA", "council_tax", "2018-01-01", "300", end="2026-02-28")
    street.row("PA", "council_tax", "2026-03-01", "400")
    street.person("TOT", "2015-05-01", "SMITH")
    street.row("TOT", "census", "2026-01-15", "300")
    street.run()
    assert street.household_of("KID") == {"MUM", "DAD", "KID"}
    assert street.query("SELECT dwelling_key, start_date, end_date FROM residence_spans "
                        "WHERE person_id = 'KID' ORDER BY start_date") == [
        ("U100", dt.date(2026, 1, 15), dt.date(2026, 2, 28)),
        ("U200", dt.date(2026, 3, 1), None)]
    assert street.current("KID")[1].startswith(
        "last seen at 100 STREET on 2026-01-15, since left by their carers; lives with DAD")
    assert street.household_of("TOT") == {"MA", "TOT"}


def test_a_child_moves_with_the_parents_and_not_with_one_who_left(street: Street) -> None:
    street.person("MUM", "1990-02-02", "JONES")
    street.person("DAD", "1988-07-07", "JONES")
    street.row("MUM", "council_tax", "2018-01-01", "100", end="2024-12-31")
    street.row("MUM", "council_tax", "2025-01-01", "200")
    street.row("DAD", "council_tax", "2018-01-01", "100", end="2024-12-31")
    street.row("DAD", "council_tax", "2025-01-01", "200")
    street.person("KID", "2020-05-01", "JONES")
    street.row("KID", "ed", "2022-06-01", "100")
    street.person("TOT", "2021-05-01", "SMITH")  # parents now apart, neither at the old home
    street.person("MA", "1992-01-01", "SMITH")
    street.person("PA", "1991-01-01", "SMITH")
    street.row("TOT", "ed", "2022-06-01", "300")
    street.row("MA", "council_tax", "2018-01-01", "300", end="2024-12-31")
    street.row("MA", "council_tax", "2025-01-01", "400")
    street.row("PA", "council_tax", "2018-01-01", "300", end="2024-12-31")
    street.row("PA", "council_tax", "2025-01-01", "500")
    street.run()
    assert street.household_of("KID") == {"MUM", "DAD", "KID"}
    assert street.query("SELECT dwelling_key, start_date, end_date FROM residence_spans "
                        "WHERE person_id = 'KID' ORDER BY start_date") == [
        ("U100", dt.date(2022, 6, 1), dt.date(2024, 5, 31)),
        ("U200", dt.date(2025, 1, 1), None)]
    assert "no address still counts (last seen at 100 STREET on 2022-06-01)" in \
        street.current("KID")[1]
    assert street.household_of("TOT") == set()


def test_a_young_adult_not_seen_at_home_for_a_year_lives_at_the_liability_in_their_name(
        street: Street) -> None:
    for pid, dob, first in (("MUM", "1975-02-02", "GRACE"), ("DAD", "1973-07-07", "KOFI")):
        street.person(pid, dob, "ASANTE", first)
        street.row(pid, "council_tax", "2015-01-01", "100")
    street.person("ISLA", "2005-10-29", "ASANTE", "ISLA")
    street.row("ISLA", "census", "2024-01-18", "100")  # last seen at home 2.5 years ago
    street.person("LIABLE", None, "ASANTE", "I")  # council tax in an initial, no birth date
    street.row("LIABLE", "council_tax", "2025-11-11", "300", first_name="I")
    street.person("KWAME", "2006-03-01", "ASANTE", "KWAME")  # seen at home this year
    street.row("KWAME", "ed", "2026-03-01", "100")
    street.person("K", None, "ASANTE", "K")
    street.row("K", "council_tax", "2026-02-01", "400", first_name="K")
    street.run()
    assert street.household_of("ISLA") == {"ISLA", "LIABLE"}
    uprn, reason = street.current("ISLA")
    assert uprn == "300"
    assert reason == ("no addressed record since 2024-01-18 at 100 STREET, left home; lives "
                      "with LIABLE, on a record in their name here since 2025-11-11")
    assert set(street.family_of("MUM")) == {"MUM", "DAD", "KWAME"}
    assert street.current("KWAME")[0] == "100"


def test_a_liability_that_fits_another_adult_too_moves_no_one(street: Street) -> None:
    _parents(street)
    street.person("JAMES", "2004-01-01", "JONES", "JAMES")
    street.person("JACK", "2005-01-01", "JONES", "JACK")
    for pid in ("JAMES", "JACK"):
        street.row(pid, "census", "2022-01-20", "100")
    street.person("LIABLE", None, "JONES", "J")
    street.row("LIABLE", "council_tax", "2025-06-01", "300", first_name="J")
    street.person("SAM", "2005-05-05", "BROWN", "SAM")
    street.row("SAM", "census", "2022-01-20", "200")
    street.person("MARY", "1975-01-01", "BROWN", "MARY")
    street.row("MARY", "council_tax", "2015-01-01", "200")
    street.person("AUNT", "1961-01-01", "BROWN", "SARAH")
    street.row("AUNT", "council_tax", "2010-01-01", "500")
    street.person("S", None, "BROWN", "S")
    street.row("S", "council_tax", "2025-06-01", "400", first_name="S")
    street.run()
    assert street.current("JAMES")[0] == street.current("JACK")[0] == "100"
    assert street.current("SAM")[0] == "200"  # the aunt might be the one liable
