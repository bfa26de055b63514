"""A weak record at an address of its own joins the one person with its full name
(link/name_only.py), and only when nothing makes that doubtful."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from famlink.link.name_only import attach_by_name
from famlink.link.settings import MatchingConfig
from famlink.project import Feed, Project, ProjectSettings

AS_OF = dt.date(2026, 7, 31)
RECORD_COLUMNS = {"record_id": "VARCHAR", "profile_id": "VARCHAR", "first_name": "VARCHAR",
                  "first_name_canon": "VARCHAR", "first_initial": "VARCHAR", "surname": "VARCHAR",
                  "is_initial_only": "BOOLEAN", "dob": "VARCHAR", "nhs_number": "VARCHAR",
                  "upn": "VARCHAR", "ni_number": "VARCHAR", "dwelling": "VARCHAR",
                  "generation": "VARCHAR", "sex": "VARCHAR", "person_key": "VARCHAR"}
FEEDS = {"council_tax": {"min_age": 18, "residence": {"end": "event_end_date"}},
         "housing": {"residence": {"end": "event_end_date"}}, "health": {},
         "police": {"max_age": 17}}


def _feeds() -> dict[str, Feed]:
    out = {}
    for name, extra in FEEDS.items():
        feed = Feed.model_validate({"source": {"path": f"{name}.csv"},
                                    "columns": {"first_name": {"from": "f"},
                                                "event_date": {"from": "d"},
                                                "event_end_date": {"from": "e"}}, **extra})
        feed.name = name
        out[name] = feed
    return out


@dataclass
class Linked:
    """Records already clustered (each record its own profile, ``cluster`` as given) and the
    scored pairs between them."""

    con: duckdb.DuckDBPyConnection
    project: Project
    records: list[dict] = field(default_factory=list)
    pairs: list[tuple[str, str, float, bool]] = field(default_factory=list)
    groups: list[tuple[str, str]] = field(default_factory=list)
    decision_groups: list[tuple[str, str]] = field(default_factory=list)

    def record(self, rid: str, cluster: str, name: str, *, dob: str | None = None,
               dwelling: str | None = None, start: str | None = None, end: str | None = None,
               generation: str | None = None, nhs: str | None = None, sex: str | None = None,
               person_key: str | None = None) -> str:
        first, surname = name.split(" ")
        feed = rid.split(":")[0]
        start_date = dt.date.fromisoformat(start) if start else None
        latest = (start_date.replace(year=start_date.year - 18)
                  if start_date and self.project.feeds[feed].min_age else None)
        earliest = (start_date.replace(year=start_date.year - 18) + dt.timedelta(days=1)
                    if start_date and self.project.feeds[feed].max_age else None)
        self.records.append({
            "record_id": rid, "profile_id": rid, "cluster": cluster, "feed": feed,
            "first_name": first, "first_name_canon": first, "surname": surname,
            "is_initial_only": len(first) == 1, "dob": dob, "nhs_number": nhs,
            "dwelling": dwelling, "generation": generation, "sex": sex,
            "person_key": person_key, "start": start_date,
            "end": dt.date.fromisoformat(end) if end else None, "latest_dob": latest,
            "earliest_dob": earliest})
        return rid

    def co_liable(self, old: str, rid: str, cluster: str) -> str:
        """Leanne Wilson, liable with ``old`` on its account at U4 (record ``rid``)."""
        partner = self.record(rid, cluster, "LEANNE WILSON", dwelling="U4",
                              start="2016-01-01", end="2021-05-01")
        self.groups += [(old, "council_tax:acct3"), (partner, "council_tax:acct3")]
        return partner

    def pair(self, a: str, b: str, weight: float = 3.0, *, address_agrees: bool = False) -> None:
        """A scored pair (only pairs whose address agrees matter here: rivals)."""
        self.pairs.append((a, b, weight, address_agrees))

    def run(self, config: MatchingConfig | None = None) -> dict[str, str]:
        """record_id -> cluster after the name-only joins."""
        con = self.con
        cols = ", ".join(f"{c} {t}" for c, t in RECORD_COLUMNS.items())
        con.execute(f"CREATE OR REPLACE TEMP TABLE _tmp_link_records ({cols})")
        con.execute("CREATE OR REPLACE TEMP TABLE _tmp_link_labels (profile_id VARCHAR, "
                    "cluster VARCHAR)")
        con.execute("CREATE OR REPLACE TABLE person_records (record_id VARCHAR, "
                    "date_of_birth DATE, latest_dob DATE, earliest_dob DATE)")
        for feed in FEEDS:
            con.execute(f"CREATE OR REPLACE TABLE raw_{feed} (record_id VARCHAR, "
                        "event_date DATE, event_end_date DATE)")
        for r in self.records:
            con.execute(f"INSERT INTO _tmp_link_records VALUES ({', '.join('?' * 15)})",
                        [r["record_id"], r["profile_id"], r["first_name"],
                         r["first_name_canon"], r["first_name"][0], r["surname"],
                         r["is_initial_only"], r["dob"],
                         r["nhs_number"], None, None, r["dwelling"], r["generation"],
                         r["sex"], r["person_key"]])
            con.execute("INSERT INTO _tmp_link_labels VALUES (?, ?)",
                        [r["profile_id"], r["cluster"]])
            con.execute("INSERT INTO person_records VALUES (?, ?, ?, ?)",
                        [r["record_id"], r["dob"], r["latest_dob"], r["earliest_dob"]])
            con.execute(f"INSERT INTO raw_{r['feed']} VALUES (?, ?, ?)",
                        [r["record_id"], r["start"], r["end"]])
        con.execute("CREATE OR REPLACE TABLE record_groups (record_id VARCHAR, "
                    "group_key VARCHAR)")
        for group in self.groups:
            con.execute("INSERT INTO record_groups VALUES (?, ?)", group)
        con.execute("CREATE OR REPLACE TEMP TABLE _tmp_link_decision_groups (record_id VARCHAR, "
                    "group_key VARCHAR)")
        for group in self.decision_groups:
            con.execute("INSERT INTO _tmp_link_decision_groups VALUES (?, ?)", group)
        pairs = pa.table({
            "record_id_l": [p[0] for p in self.pairs], "record_id_r": [p[1] for p in self.pairs],
            "match_weight": pa.array([p[2] for p in self.pairs], pa.float64()),
            "address_agrees": pa.array([p[3] for p in self.pairs], pa.bool_())})
        attach_by_name(self.project, con, pairs, config or MatchingConfig(), AS_OF)
        return dict(con.execute("SELECT profile_id, cluster FROM _tmp_link_labels").fetchall())


@pytest.fixture
def linked(tmp_path: Path) -> Linked:
    project = Project(root=tmp_path, settings=ProjectSettings(reference_date=AS_OF),
                      feeds=_feeds())
    con = duckdb.connect()
    yield Linked(con, project)
    con.close()


def _shaun(linked: Linked) -> str:
    """Shaun Wilson, known from his GP record and his current council tax account."""
    linked.record("health:1", "council_tax:2", "SHAUN WILSON", dob="1990-02-19",
                  dwelling="U17")
    linked.record("council_tax:2", "council_tax:2", "SHAUN WILSON", dwelling="U17",
                  start="2021-04-01")
    return "health:1"


def test_a_liability_at_a_previous_address_joins_the_one_person_with_the_name(linked):
    person = _shaun(linked)
    old = linked.record("council_tax:9", "council_tax:9", "SHAUN WILSON", dwelling="U4",
                        start="2016-01-01", end="2021-05-01")
    labels = linked.run()
    assert labels[old] == labels[person] == "council_tax:2"  # named by its smallest id
    assert labels["council_tax:2"] == labels[person]
    joins = linked.con.execute("SELECT * FROM _tmp_name_joins").fetchall()
    assert joins == [(old, "health:1", "the only person with this full name", None)]


def test_a_nickname_is_the_same_forename(linked):
    person = _shaun(linked)
    old = linked.record("council_tax:9", "council_tax:9", "SHAUNIE WILSON", dwelling="U4",
                        start="2016-01-01", end="2021-05-01")
    linked.records[-1]["first_name_canon"] = "SHAUN"
    assert linked.run()[old] == linked.run()[person]


def test_two_people_with_the_name_leave_it_unjoined(linked):
    _shaun(linked)
    linked.record("health:3", "health:3", "SHAUN WILSON", dob="1971-08-02", dwelling="U30")
    old = linked.record("council_tax:9", "council_tax:9", "SHAUN WILSON", dwelling="U4",
                        start="2016-01-01", end="2021-05-01")
    assert linked.run()[old] == old
    assert linked.con.execute("SELECT count(*) FROM _tmp_name_joins").fetchone() == (0,)


def test_of_two_with_the_name_the_one_who_lived_with_the_co_liable_partner(linked):
    person = _shaun(linked)  # lives at U17
    linked.record("health:3", "health:3", "SHAUN WILSON", dob="1971-08-02", dwelling="U30")
    linked.record("health:5", "health:5", "LEANNE WILSON", dob="1991-01-05", dwelling="U17")
    # the old account at U4 named both Shaun and Leanne
    old = linked.record("council_tax:9", "council_tax:9", "SHAUN WILSON", dwelling="U4",
                        start="2016-01-01", end="2021-05-01")
    linked.co_liable(old, "council_tax:8", "health:5")
    labels = linked.run()
    assert labels[old] == labels[person] != labels["health:3"]
    assert linked.con.execute("SELECT reason, via_profile_id FROM _tmp_name_joins").fetchall() \
        == [("shares a home with someone on the same record", "council_tax:8")]


def test_a_co_liable_partner_who_lived_with_both_namesakes_settles_nothing(linked):
    _shaun(linked)
    linked.record("health:3", "health:3", "SHAUN WILSON", dob="1971-08-02", dwelling="U30")
    linked.record("health:5", "health:5", "LEANNE WILSON", dob="1991-01-05", dwelling="U17")
    linked.record("health:6", "health:5", "LEANNE WILSON", dob="1991-01-05", dwelling="U30")
    old = linked.record("council_tax:9", "council_tax:9", "SHAUN WILSON", dwelling="U4",
                        start="2016-01-01", end="2021-05-01")
    linked.groups += [(old, "council_tax:acct3"), ("health:5", "council_tax:acct3")]
    assert linked.run()[old] == old


def test_a_rival_at_the_records_own_address_leaves_it_unjoined(linked):
    _shaun(linked)
    linked.record("health:3", "health:3", "SEAN WILLSON", dob="1971-08-02", dwelling="U4")
    old = linked.record("council_tax:9", "council_tax:9", "SHAUN WILSON", dwelling="U4",
                        start="2016-01-01", end="2021-01-01")
    linked.pair(old, "health:3", 1.0, address_agrees=True)
    assert linked.run()[old] == old
    linked.pairs.clear()
    linked.pair(old, "health:3", 0.2, address_agrees=True)  # below weak_link: no rival
    assert linked.run()[old] == "council_tax:2"


@pytest.mark.parametrize("end, joins", [("2021-06-15", True), ("2023-01-01", False)])
def test_a_stay_overlapping_the_persons_other_stay_for_long_is_someone_else(linked, end, joins):
    person = _shaun(linked)  # liable at U17 from 2021-04-01
    old = linked.record("council_tax:9", "council_tax:9", "SHAUN WILSON", dwelling="U4",
                        start="2016-01-01", end=end)
    labels = linked.run()
    assert (labels[old] == labels[person]) == joins


def test_an_open_liability_counts_to_the_reference_date(linked):
    person = _shaun(linked)
    old = linked.record("council_tax:9", "council_tax:9", "SHAUN WILSON", dwelling="U4",
                        start="2020-01-01")  # still liable: overlaps U17 from 2021 to now
    labels = linked.run()
    assert labels[old] != labels[person]


def test_a_shared_account_or_a_human_decision_keeps_them_apart(linked):
    person = _shaun(linked)
    old = linked.record("council_tax:9", "council_tax:9", "SHAUN WILSON", dwelling="U4",
                        start="2016-01-01", end="2021-01-01")
    linked.groups += [(old, "council_tax:acct7"), ("council_tax:2", "council_tax:acct7")]
    labels = linked.run()
    assert labels[old] != labels[person]
    linked.groups.clear()
    linked.decision_groups.append((old, "decision:0"))
    linked.decision_groups.append(("health:1", "decision:0"))
    labels = linked.run()
    assert labels[old] != labels[person]


def test_a_person_too_young_for_the_liability_is_not_its_payer(linked):
    linked.record("health:1", "health:1", "SHAUN WILSON", dob="2004-03-01", dwelling="U17")
    old = linked.record("council_tax:9", "council_tax:9", "SHAUN WILSON", dwelling="U4",
                        start="2019-01-01", end="2021-01-01")  # he was 14
    assert linked.run()[old] == old


def test_a_child_present_at_an_incident_is_not_the_adult_of_that_name(linked):
    linked.record("health:1", "health:1", "SHAUN WILSON", dob="1980-03-01", dwelling="U17")
    child = linked.record("police:9", "police:9", "SHAUN WILSON", dwelling="U4",
                          start="2022-05-01")  # a child present: born after 2004-05-01
    assert linked.run()[child] == child
    linked.records[0]["dob"] = "2012-03-01"  # the boy himself: no contradiction
    assert linked.run()[child] == "health:1"


def test_junior_and_senior_never_join(linked):
    linked.record("health:1", "health:1", "SHAUN WILSON", dob="1960-03-01", dwelling="U17",
                  generation="SR")
    old = linked.record("council_tax:9", "council_tax:9", "SHAUN WILSON", dwelling="U4",
                        start="2019-01-01", generation="JR")
    assert linked.run()[old] == old


def test_initials_join_only_through_a_shared_home(linked):
    person = _shaun(linked)
    old = linked.record("council_tax:9", "council_tax:9", "S WILSON", dwelling="U4",
                        start="2016-01-01", end="2021-05-01")
    assert linked.run()[old] == old  # the only S WILSON: not enough
    linked.record("health:5", "health:5", "LEANNE WILSON", dob="1991-01-05", dwelling="U17")
    linked.co_liable(old, "council_tax:8", "health:5")
    assert linked.run()[old] == linked.run()[person]


def test_a_record_joined_can_settle_its_co_member_next(linked):
    person = _shaun(linked)
    linked.record("health:3", "health:3", "SHAUN WILSON", dob="1971-08-02", dwelling="U30")
    linked.record("health:5", "health:5", "LEANNE WILSON", dob="1991-01-05", dwelling="U17")
    linked.record("health:6", "health:6", "LEANNE PRICE", dob="1991-01-05", dwelling="U17")
    # the old account: Shaun (two namesakes) and Leanne (one person of that name)
    old = linked.record("council_tax:9", "council_tax:9", "SHAUN WILSON", dwelling="U4",
                        start="2016-01-01", end="2021-05-01")
    partner = linked.co_liable(old, "council_tax:8", "council_tax:8")
    labels = linked.run()
    assert labels[partner] == labels["health:5"]
    assert labels[old] == labels[person] != labels["health:3"]


@pytest.mark.parametrize("new_start, joins", [("2021-04-02", True), ("2021-04-05", False)])
def test_of_two_namesakes_the_one_whose_liability_ended_as_this_began(linked, new_start,
                                                                      joins):
    linked.record("health:1", "council_tax:2", "SHAUN WILSON", dob="1990-02-19",
                  dwelling="U17")
    linked.record("council_tax:2", "council_tax:2", "SHAUN WILSON", dwelling="U17",
                  start="2019-09-01", end="2021-04-01")
    linked.record("health:3", "health:3", "SHAUN WILSON", dob="1971-08-02", dwelling="U30")
    new = linked.record("council_tax:9", "council_tax:9", "S WILSON", dwelling="U4",
                        start=new_start)
    labels = linked.run()
    assert (labels[new] == labels["health:1"]) == joins
    assert labels[new] != labels["health:3"]
    if joins:
        [(reason, via)] = linked.con.execute(
            "SELECT reason, via_profile_id FROM _tmp_name_joins").fetchall()
        assert reason.startswith("moved") and via == "council_tax:2"


def test_a_move_matching_both_namesakes_settles_nothing(linked):
    linked.record("council_tax:2", "council_tax:2", "SHAUN WILSON", dob="1990-02-19",
                  dwelling="U17", start="2019-09-01", end="2021-04-01")
    linked.record("health:3", "health:3", "SHAUN WILSON", dob="1971-08-02", dwelling="U30")
    linked.record("housing:4", "health:3", "SHAUN WILSON", dwelling="U30",
                  start="2018-01-01", end="2021-03-31")
    new = linked.record("council_tax:9", "council_tax:9", "SHAUN WILSON", dwelling="U4",
                        start="2021-04-01")
    assert linked.run()[new] == new


@pytest.mark.parametrize("name", ["SHANE WILSON", "SHAUN WATSON"])
def test_another_name_is_not_the_full_name(linked, name):
    _shaun(linked)
    old = linked.record("council_tax:9", "council_tax:9", name, dwelling="U4",
                        start="2016-01-01", end="2021-01-01")
    assert linked.run()[old] == old


def test_turned_off(linked):
    _shaun(linked)
    old = linked.record("council_tax:9", "council_tax:9", "SHAUN WILSON", dwelling="U4",
                        start="2016-01-01", end="2021-01-01")
    off = MatchingConfig.model_validate({"weak_records": {"join_by_full_name": False}})
    assert linked.run(off)[old] == old


def test_another_sex_is_someone_else(linked):
    linked.record("health:1", "health:1", "SAM WILSON", dob="1990-02-19", dwelling="U17",
                  sex="F")
    old = linked.record("council_tax:9", "council_tax:9", "SAM WILSON", dwelling="U4",
                        start="2016-01-01", end="2021-01-01", sex="M")
    assert linked.run()[old] == old
    linked.records[-1]["sex"] = "F"
    assert linked.run()[old] == "council_tax:9" == linked.run()["health:1"]


@pytest.mark.parametrize("key, joins", [("crm:48213", True), ("crm:90115", False),
                                        ("sid:90115", True)])
def test_another_person_number_of_the_same_numbering_is_someone_else(linked, key, joins):
    linked.record("health:1", "health:1", "SHAUN WILSON", dob="1990-02-19", dwelling="U17",
                  person_key="crm:48213")
    old = linked.record("council_tax:9", "council_tax:9", "SHAUN WILSON", dwelling="U4",
                        start="2016-01-01", end="2021-01-01", person_key=key)
    labels = linked.run()
    assert (labels[old] == labels["health:1"]) == joins


def test_two_records_kept_apart_never_both_join_one_person(linked):
    person = _shaun(linked)
    old = linked.record("council_tax:9", "council_tax:9", "SHAUN WILSON", dwelling="U4",
                        start="2016-01-01", end="2021-01-01")
    incident = linked.record("police:7", "police:7", "SHAUN WILSON")
    linked.decision_groups += [(old, "decision:0"), (incident, "decision:0")]
    labels = linked.run()
    assert labels[old] == old and labels[incident] == incident
    linked.decision_groups.clear()
    labels = linked.run()
    assert labels[old] == labels[incident] == labels[person]
