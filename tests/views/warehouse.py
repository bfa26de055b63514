"""A tiny hand-made warehouse: the Smiths (who separate in 2021) and a neighbour.

Jane and John Smith live with their daughter Amy at 1 High Street until June 2021; then
Jane and Amy move to 5 Low Road and John to 9 Mill Lane. Bob Jones is a neighbour.
"""

from __future__ import annotations

import duckdb

from famlink.chronology.stage import run_chronology

from ..chronology.conftest import add_events, quiet

RECORD_COLUMNS = (
    "record_id VARCHAR, feed VARCHAR, first_name VARCHAR, middle_names VARCHAR, surname VARCHAR, "
    "former_surname VARCHAR, first_name_canon VARCHAR, date_of_birth DATE, dob_quality VARCHAR, "
    "sex VARCHAR, nhs_number VARCHAR, upn VARCHAR, former_upn VARCHAR, ni_number VARCHAR, "
    "orig_name VARCHAR, orig_date_of_birth VARCHAR, orig_nhs_number VARCHAR, orig_upn VARCHAR, "
    "orig_ni_number VARCHAR, uprn VARCHAR, postcode VARCHAR, postcode_key VARCHAR, "
    "address_norm VARCHAR, flat VARCHAR, house_number VARCHAR, house_name VARCHAR, "
    "event_date DATE")
# record_id, person, feed, first, middle, surname, dob, quality, sex, nhs, upn, ni, orig name,
# orig dob, number, postcode, address, date
RECORDS = [
    ("health:1", "P1", "health", "JANE", None, "SMITH", "1985-03-02", "ok", "F", "9434765919",
     None, None, "Jane Smith", "1985-03-02", "1", "NB1 1AA", "1 HIGH STREET", "2020-01-01"),
    ("police:1", "P1", "police", "JANE", "ANN", "SMITH", "1985-03-02", "ok", "F", None, None,
     None, "SMITH, Jane Ann", "02/03/1985", "1", "NB1 1AA", "1 HIGH STREET", "2021-05-05"),
    ("ctax:1", "P1", "council_tax", "JANE", None, "SMITH", None, "missing", None, None, None,
     "QQ123456C", "MRS JANE SMITH", None, "5", "NB2 2BB", "5 LOW ROAD", "2021-06-01"),
    ("police:2", "P2", "police", "JOHN", None, "SMITH", "1983-07-07", "ok", "M", None, None,
     None, "SMITH, John", "07/07/1983", "1", "NB1 1AA", "1 HIGH STREET", "2021-05-05"),
    ("school:1", "P3", "school", "AMY", None, "SMITH", "2012-09-09", "ok", "F", None,
     "A123456789012", None, "Amy Smith", "09/09/2012", "5", "NB2 2BB", "5 LOW ROAD",
     "2022-01-20"),
    ("health:2", "P4", "health", "ROBERT", None, "JONES", "1950-01-01", "ok", "M", None, None,
     None, "Bob Jones", "1950-01-01", "3", "NB1 1AA", "3 HIGH STREET", "2023-01-01"),
]
EVENTS = [
    {"record_id": "health:1", "person_id": "P1", "feed": "health", "event_date": "2020-01-01",
     "event_time": "10:00", "event_type": "emergency_attendance", "event_subtype": "injury"},
    {"record_id": "police:1", "person_id": "P1", "feed": "police", "event_date": "2021-05-05",
     "event_time": "20:13", "event_type": "police_incident", "event_subtype": "domestic_abuse",
     "role": "VICTIM", "source_record_id": "INC1/01"},
    {"record_id": "police:2", "person_id": "P2", "feed": "police", "event_date": "2021-05-05",
     "event_time": "20:13", "event_type": "police_incident", "event_subtype": "domestic_abuse",
     "role": "SUSPECT", "source_record_id": "INC1/02"},
    {"record_id": "ctax:1", "person_id": "P1", "feed": "council_tax", "event_date": "2021-06-01",
     "event_type": "council_tax_account", "event_ref": "40000001", "category": "B"},
    {"record_id": "school:1", "person_id": "P3", "feed": "school", "event_date": "2022-01-20",
     "event_type": "school_census_return", "period": "2021/22 Spring",
     "organisation_name": "Low Road Primary"},
    {"record_id": "health:2", "person_id": "P4", "feed": "health", "event_date": "2023-01-01",
     "event_type": "emergency_attendance"},
]
HOUSEHOLD_SQL = """
CREATE TABLE address_history AS SELECT * FROM (VALUES
  ('P1', 'U1', '1001', '1 HIGH STREET', 'NB1 1AA', DATE '2015-01-01', DATE '2021-05-31', 2,
   ['health', 'police'], ['health:1', 'police:1']),
  ('P1', 'U5', '1005', '5 LOW ROAD', 'NB2 2BB', DATE '2021-06-01', DATE '2026-01-01', 1,
   ['council_tax'], ['ctax:1']))
  t(person_id, dwelling_key, uprn, address, postcode, first_seen_date, last_seen_date,
    n_records, feeds, record_ids);
CREATE TABLE current_addresses AS SELECT * FROM (VALUES
  ('P1', 'U5', '1005', '5 LOW ROAD', 'NB2 2BB', 'still open on council_tax'))
  t(person_id, dwelling_key, uprn, address, postcode, reason);
CREATE TABLE households AS SELECT * FROM (VALUES
  ('H1', 'U1', '1001', '1 HIGH STREET', 'NB1 1AA', DATE '2015-01-01', DATE '2021-05-31'),
  ('H5', 'U5', '1005', '5 LOW ROAD', 'NB2 2BB', DATE '2021-06-01', NULL),
  ('H9', 'U9', '1009', '9 MILL LANE', 'NB3 3CC', DATE '2021-06-01', NULL),
  ('H3', 'U3', '1003', '3 HIGH STREET', 'NB1 1AA', DATE '2000-01-01', NULL))
  t(household_id, dwelling_key, uprn, address, postcode, start_date, end_date);
CREATE TABLE household_members AS SELECT * FROM (VALUES
  ('H1', 'P1', DATE '2015-01-01', DATE '2021-05-31'),
  ('H1', 'P2', DATE '2015-01-01', DATE '2021-05-31'),
  ('H1', 'P3', DATE '2015-01-01', DATE '2021-05-31'), ('H5', 'P1', DATE '2021-06-01', NULL),
  ('H5', 'P3', DATE '2021-06-01', NULL), ('H9', 'P2', DATE '2021-06-01', NULL),
  ('H3', 'P4', DATE '2000-01-01', NULL))
  t(household_id, person_id, start_date, end_date);
CREATE TABLE person_relationships AS SELECT * FROM (VALUES
  ('P1', 'P3', 'parent', 'stated', 0.95, 'social care: mother', NULL, NULL),
  ('P2', 'P3', 'parent', 'inferred', 0.6, 'lived with the child, 29 years older', NULL, NULL),
  ('P1', 'P2', 'partner', 'inferred', 0.6, 'parents of the same child', DATE '2015-01-01',
   DATE '2021-05-31'))
  t(person_id_a, person_id_b, relationship, source, confidence, evidence, start_date, end_date);
CREATE TABLE families AS SELECT * FROM (VALUES
  ('F1', DATE '2015-01-01', NULL, 3, 1), ('F2', DATE '2021-06-01', NULL, 1, 0))
  t(family_id, start_date, end_date, n_members, n_children);
CREATE TABLE family_members AS SELECT * FROM (VALUES
  ('F1', 'P1', 'parent', DATE '2015-01-01', NULL),
  ('F1', 'P2', 'parent', DATE '2015-01-01', DATE '2021-05-31'),
  ('F1', 'P3', 'child', DATE '2015-01-01', NULL),
  ('F2', 'P4', 'carer', DATE '2021-06-01', NULL))
  t(family_id, person_id, role, start_date, end_date);
"""


def build(con: duckdb.DuckDBPyConnection, *, households: bool = True) -> None:
    """The linked tables, the chronology and (unless told not to) the household tables."""
    con.execute(f"CREATE TABLE person_records ({RECORD_COLUMNS})")
    for (rid, _, feed, first, middle, surname, dob, quality, sex, nhs, upn, ni, orig, orig_dob,
         number, postcode, address, seen) in RECORDS:
        con.execute("INSERT INTO person_records (record_id, feed, first_name, middle_names, "
                    "surname, first_name_canon, date_of_birth, dob_quality, sex, nhs_number, "
                    "upn, ni_number, orig_name, orig_date_of_birth, house_number, postcode, "
                    "postcode_key, address_norm, event_date) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [rid, feed, first, middle, surname, first, dob, quality, sex, nhs, upn, ni,
                     orig, orig_dob, number, postcode, postcode.replace(" ", ""), address,
                     seen])
    add_events(con, EVENTS)
    con.execute("CREATE TABLE persons AS SELECT m.person_id, count(*) AS n_records, "
                "list(DISTINCT p.feed ORDER BY p.feed) AS feeds, mode(p.first_name) AS first_name, "
                "mode(p.surname) AS surname, mode(p.date_of_birth) AS date_of_birth, "
                "mode(p.sex) AS sex FROM person_membership m JOIN person_records p "
                "USING (record_id) GROUP BY m.person_id")
    con.execute("CREATE TABLE person_id_history AS SELECT 'R1' AS run_id, 'merged' AS event, "
                "'POLD' AS person_id, 'P1' AS other_person_id, 3 AS records")
    run_chronology(None, con, quiet)  # type: ignore[arg-type]
    if households:
        con.execute(HOUSEHOLD_SQL)
