"""A hand-made warehouse of linked records for person search: each person a few records,
with the name keys the standardise stage gives (canonical forename, metaphone keys)."""

from __future__ import annotations

import duckdb

from famlink.standardise.names import canonical_forename, phonetic_key

# person, record, forename, surname, former surname, dob, postcode, NHS number, UPN, NI number
PEOPLE = [
    ("P1", "r1", "ROBERT", "JONES", None, "1950-01-01", "NB1 1AA", "9434765919", None, None),
    ("P1", "r2", "BOB", "JONES", None, "1950-01-01", "NB1 1AA", None, None, "AB123456C"),
    ("P2", "r3", "ROBERTA", "JONES", None, "1952-03-04", "NB7 9ZZ", None, None, None),
    ("P3", "r4", "CATHERINE", "MACDONALD", "SMITH", "1980-07-03", "NB2 4CD", None, None,
     None),
    ("P4", "r5", "AMY", "SMITH", None, "2012-09-09", "NB2 4EF", None, "B801200005001", None),
    ("P5", "r6", "JOHN", "SMITH", None, "1983-03-07", "NB3 1XY", None, None, None),
    ("P6", "r7", "JON", "SMYTH", None, "1990-12-25", "NB3 1XY", None, None, None),
]


def build_people(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE person_records (record_id VARCHAR, feed VARCHAR, "
                "first_name VARCHAR, first_name_canon VARCHAR, first_name_metaphone VARCHAR, "
                "middle_names VARCHAR, surname VARCHAR, surname_metaphone VARCHAR, "
                "former_surname VARCHAR, date_of_birth DATE, sex VARCHAR, postcode VARCHAR, "
                "nhs_number VARCHAR, upn VARCHAR, former_upn VARCHAR, ni_number VARCHAR)")
    con.execute("CREATE TABLE person_membership (record_id VARCHAR, person_id VARCHAR)")
    for pid, rid, first, surname, former, dob, pc, nhs, upn, ni in PEOPLE:
        con.execute("INSERT INTO person_records VALUES (?, 'feed', ?, ?, ?, NULL, ?, ?, ?, ?, "
                    "NULL, ?, ?, ?, NULL, ?)",
                    [rid, first, canonical_forename(first), phonetic_key(first), surname,
                     phonetic_key(surname), former, dob, pc, nhs, upn, ni])
        con.execute("INSERT INTO person_membership VALUES (?, ?)", [rid, pid])
    con.execute("CREATE TABLE persons AS SELECT m.person_id, count(*) AS n_records, "
                "list(DISTINCT p.feed ORDER BY p.feed) AS feeds, "
                "min(p.first_name) AS first_name, min(p.surname) AS surname, "
                "min(p.date_of_birth) AS date_of_birth, min(p.sex) AS sex "
                "FROM person_membership m JOIN person_records p USING (record_id) GROUP BY 1")
