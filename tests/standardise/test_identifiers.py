import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from famlink.standardise import identifier_sql
from famlink.standardise.identifiers import (
    clean_uprn,
    is_valid_nhs_number,
    is_valid_ni_number,
    is_valid_upn,
    is_valid_uprn,
    nhs_check_digit,
    upn_check_letter,
)
from famlink.standardise.postcodes import (
    is_valid_postcode,
    normalise_postcode,
    outward_code,
    postcode_sector,
    postcode_valid_sql,
)

# Published vectors (docs/identifiers.md): NHS Data Dictionary and python-stdnum doctests.
NHS_VALID = ["9434765919", "4010232137", "943 476 5919", "943-476-5919"]
NHS_INVALID = ["9876544321", "9991234560", "943476591", "94347659190", "943476591X", ""]
UPN_VALID = ["B801200005001", "P207000016049", "b801200005001"]
UPN_INVALID = ["Q207000016049", "A801200005001", "B80120000500", "B8012000050011", "I801200005001"]
NI_VALID = ["QQ123456A".replace("QQ", "AB"), "AB 12 34 56 C", "ce123456d"]
NI_INVALID = ["QQ123456A", "DA123456A", "AO123456A", "BG123456A", "GB123456A", "ZZ123456A",
              "AB123456E", "AB12345A", "AB1234567A"]


@pytest.mark.parametrize("value", NHS_VALID)
def test_nhs_valid(value):
    assert is_valid_nhs_number(value)


@pytest.mark.parametrize("value", NHS_INVALID)
def test_nhs_invalid(value):
    assert not is_valid_nhs_number(value)


def test_nhs_check_digit_ten_means_no_valid_number():
    # weights 10..2 over 000000001 sum to 2 -> 11 - 2 = 9; over 100000005: 10 + 10 = 20 -> 9
    assert nhs_check_digit("943476591") == 9
    ten = next(f"{n:09d}" for n in range(1000) if nhs_check_digit(f"{n:09d}") is None)
    assert all(not is_valid_nhs_number(ten + str(d)) for d in range(10))


@pytest.mark.parametrize("value", UPN_VALID)
def test_upn_valid(value):
    assert is_valid_upn(value)


@pytest.mark.parametrize("value", UPN_INVALID)
def test_upn_invalid(value):
    assert not is_valid_upn(value)


def test_upn_check_letter_worked_example():
    # ?207000016049: the sum is 266, 266 mod 23 = 13 -> P (the vendor example says Q: wrong)
    assert upn_check_letter("207000016049") == "P"


def test_temporary_upn_with_final_letter():
    body = "20700001604A"
    assert is_valid_upn(upn_check_letter(body) + body)


@pytest.mark.parametrize("value", NI_VALID)
def test_ni_valid(value):
    assert is_valid_ni_number(value)


@pytest.mark.parametrize("value", NI_INVALID)
def test_ni_invalid(value):
    assert not is_valid_ni_number(value)


def test_uprn():
    assert is_valid_uprn("100023336956")
    assert is_valid_uprn("100023336956.0")
    assert clean_uprn("000123") == "123"
    assert not is_valid_uprn("0")
    assert not is_valid_uprn("1000233369561")
    assert not is_valid_uprn("12A")


@pytest.mark.parametrize(("raw", "norm"), [("nb1 2ab", "NB1 2AB"), ("NB12AB", "NB1 2AB"),
                                           ("ec1a1bb", "EC1A 1BB"), (" w1a 1hq ", "W1A 1HQ")])
def test_postcode_normalise(raw, norm):
    assert normalise_postcode(raw) == norm
    assert is_valid_postcode(raw)


@pytest.mark.parametrize("raw", ["QA1 1AA", "NB1 2AC", "NB1", "123 4AB", "", "NB1 2A"])
def test_postcode_invalid(raw):
    assert not is_valid_postcode(raw)


def test_postcode_parts():
    assert outward_code("nb12ab") == "NB1"
    assert postcode_sector("NB1 2AB") == "NB1 2"
    assert outward_code("rubbish") is None


@pytest.fixture(scope="module")
def con():
    return duckdb.connect()


def _sql_check(con, sql_fn, value):
    return con.execute(f"SELECT coalesce({sql_fn('v')}, false) FROM (SELECT ? AS v)",
                       [value]).fetchone()[0]


CASES = [
    (identifier_sql.nhs_valid_sql, is_valid_nhs_number, NHS_VALID + NHS_INVALID),
    (identifier_sql.upn_valid_sql, is_valid_upn, UPN_VALID + UPN_INVALID),
    (identifier_sql.ni_valid_sql, is_valid_ni_number, NI_VALID + NI_INVALID),
    (identifier_sql.uprn_valid_sql, is_valid_uprn, ["1", "0", "100023336956", "12.0", "x"]),
    (postcode_valid_sql, is_valid_postcode, ["NB1 2AB", "QA1 1AA", "EC1A1BB", "nb1 2ac"]),
]


@pytest.mark.parametrize(("sql_fn", "py_fn", "values"), CASES)
def test_sql_agrees_with_python_on_vectors(con, sql_fn, py_fn, values):
    for value in values:
        assert _sql_check(con, sql_fn, value) == py_fn(value), value


identifier_text = st.one_of(
    st.from_regex(r"[0-9 ]{9,12}", fullmatch=True),
    st.from_regex(r"[A-Za-z][0-9]{11}[0-9A-Z]", fullmatch=True),
    st.from_regex(r"[A-Z]{2}[0-9]{6}[A-F]", fullmatch=True),
    st.text(max_size=14),
)


@settings(max_examples=300, deadline=None)
@given(identifier_text)
def test_sql_agrees_with_python_on_arbitrary_text(value):
    con = duckdb.connect()
    for sql_fn, py_fn, _ in CASES:
        if "\x00" in value:
            continue
        assert _sql_check(con, sql_fn, value) == py_fn(value), (sql_fn.__name__, value)
