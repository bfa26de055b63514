"""How one name, date of birth or postcode matches a search, and the reason given."""

from __future__ import annotations

import datetime as dt

from famlink.views.scoring import dob_part, forename_part, postcode_part, surname_part


def test_forename_parts() -> None:
    assert forename_part("ROBERT", "ROBERT", "ROBERT").reason == "forename exact"
    nickname = forename_part("BOB", "ROBERT", "ROBERT")
    assert nickname.reason == "forename BOB is a nickname of ROBERT" and nickname.score == 0.9
    assert forename_part("BOB", "ROBBIE", "ROBERT").score < nickname.score
    assert forename_part("J", "JOHN", "JOHN").reason == "forename initial"
    assert forename_part("JONATHAN", "JONATHON", None).score > 0.7
    assert forename_part("MARY", "PETER", "PETER").score == 0


def test_surname_parts() -> None:
    assert surname_part("SMITH", "SMITH").score == 1.0
    assert surname_part("SMITH", "MACDONALD", "SMITH").reason == "former surname SMITH"
    assert surname_part("SMITH", "SMYTH").reason == "surname SMYTH sounds like SMITH"
    assert surname_part("SMITH", "PATEL").score == 0 and surname_part("SMITH", None).score == 0


def test_dob_parts() -> None:
    born = dt.date(1983, 3, 7)
    assert dob_part(born, born).reason == "date of birth exact"
    assert dob_part(dt.date(1983, 7, 3), born).reason == "date of birth day/month swapped"
    assert dob_part(dt.date(1983, 3, 8), born).reason == (
        "date of birth 1983-03-07 one digit different")
    assert dob_part(dt.date(1990, 1, 1), born).score == 0


def test_postcode_parts() -> None:
    assert postcode_part("NB1 2AB", "NB1 2AB").reason == "postcode exact"
    assert postcode_part("NB1 2XY", "NB1 2AB").reason == "postcode sector match (NB1 2)"
    assert postcode_part("NB1 9XY", "NB1 2AB").reason == "postcode district match (NB1)"
    assert postcode_part("NB1 2", "NB1 2AB").reason == "postcode in sector NB1 2"
    assert postcode_part("NB1", "NB1 2AB").reason == "postcode in district NB1"
    assert postcode_part("NB9 9ZZ", "NB1 2AB").score == 0
