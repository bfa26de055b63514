"""Household and family scores against the truth: a linked person stands for the true person
most of its records belong to, and of two with as many, always the same one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from famlink.households.evaluate import evaluate_households

DAY = dt.date(2026, 7, 31)


def _truth(folder: Path) -> Path:
    (folder / "records.csv").write_text(
        "feed,source_record_id,person_id\n"
        "f,1,T1\nf,2,T2\nf,3,T3\nf,4,T4\n")
    (folder / "households.csv").write_text(
        "household_id,person_id,from_date,to_date\n"
        "H1,T1,2020-01-01,\nH2,T2,2020-01-01,\nH2,T3,2020-01-01,\nH2,T4,2020-01-01,\n")
    (folder / "families.csv").write_text(
        "family_id,person_id,role,from_date,to_date\n"
        "F2,T2,parent,2020-01-01,\nF2,T3,child,2020-01-01,\nF2,T4,child,2020-01-01,\n")
    return folder


def test_a_linked_person_of_two_true_persons_stands_for_the_same_one_every_time(
        tmp_path: Path) -> None:
    con = duckdb.connect()
    # P1 merges T1 and T2, one record each; it lives with T3 and T4, as T2 does
    con.execute("CREATE TABLE person_membership AS SELECT * FROM (VALUES ('f:1', 'P1'), "
                "('f:2', 'P1'), ('f:3', 'P3'), ('f:4', 'P4')) t(record_id, person_id)")
    con.execute("CREATE TABLE household_members AS SELECT * FROM (VALUES ('HA', 'P1'), "
                "('HA', 'P3'), ('HA', 'P4')) t(household_id, person_id), "
                "(SELECT DATE '2020-01-01' AS start_date, NULL::DATE AS end_date)")
    con.execute("CREATE TABLE family_members AS SELECT * FROM (VALUES ('FA', 'P1', 'parent'), "
                "('FA', 'P3', 'child'), ('FA', 'P4', 'child')) t(family_id, person_id, role)")
    truth = _truth(tmp_path)
    runs = [evaluate_households(con, truth, DAY) for _ in range(5)]
    assert all(r == runs[0] for r in runs)
    households, families = runs[0]
    # P1 stands for T2 (the greater of the two IDs; T1 is then known to no linked person):
    # every pair of household HA is right
    assert (households.people, households.correct_pairs, households.predicted_pairs) == (3, 3, 3)
    assert families.precision == 1.0 and families.recall == 1.0
