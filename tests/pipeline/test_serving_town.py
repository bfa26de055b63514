"""The serving snapshot on the seeded town: the views read from the serving tables give the
same person and family views as the warehouse queries they replace."""

from __future__ import annotations

import datetime as dt

import pytest

from famlink.engine import connect
from famlink.errors import FamlinkError
from famlink.project import Project
from famlink.snapshot import open_snapshot
from famlink.views.family import family_view
from famlink.views.lookup import tables_of
from famlink.views.person import person_view


@pytest.fixture
def published(published_town: Project) -> Project:
    return published_town


def _sample(con, sql: str) -> list[str]:
    return [r[0] for r in con.execute(sql).fetchall()]


def test_snapshot_has_serving_tables_and_the_warehouse_has_none(published: Project) -> None:
    snap, live = open_snapshot(published), connect(published.warehouse_path, read_only=True)
    try:
        assert tables_of(snap).served and not tables_of(live).served
        assert tables_of(snap).has("serve_person_pages", "serve_family_pages")
        [(records, linked)] = snap.execute(
            "SELECT (SELECT count(*) FROM serve_person_records), "
            "(SELECT count(*) FROM person_membership)").fetchall()
        assert records == linked > 0
        indexes = _sample(snap, "SELECT index_name FROM duckdb_indexes()")
        assert "chronology_person_id_idx" in indexes and "serve_search_surname_idx" in indexes
    finally:
        snap.close()
        live.close()


def test_person_views_are_the_same_from_snapshot_and_warehouse(published: Project) -> None:
    snap, live = open_snapshot(published), connect(published.warehouse_path, read_only=True)
    try:
        # the busiest persons (many records, relationships, households) and an even spread
        ids = _sample(live, "SELECT person_id FROM persons ORDER BY n_records DESC, person_id "
                            "LIMIT 25") + _sample(live, "SELECT person_id FROM persons "
                                                        "ORDER BY hash(person_id) LIMIT 60")
        for person_id in ids:
            assert person_view(snap, person_id) == person_view(live, person_id), person_id
        since = dt.date(2020, 1, 1)
        assert (person_view(snap, ids[0], start=since, types=["attendance"])
                == person_view(live, ids[0], start=since, types=["attendance"]))
    finally:
        snap.close()
        live.close()


def test_family_views_are_the_same_from_snapshot_and_warehouse(published: Project) -> None:
    snap, live = open_snapshot(published), connect(published.warehouse_path, read_only=True)
    try:
        ids = _sample(live, "SELECT family_id FROM families ORDER BY n_members DESC, family_id "
                            "LIMIT 20") + _sample(live, "SELECT family_id FROM families "
                                                        "ORDER BY hash(family_id) LIMIT 30")
        assert ids
        for family_id in ids:
            assert family_view(snap, family_id) == family_view(live, family_id), family_id
            assert (family_view(snap, family_id, within_membership=True)
                    == family_view(live, family_id, within_membership=True))
        since, types = dt.date(2021, 1, 1), ["attendance", "police_incident"]
        filtered = [family_view(snap, f, start=since, types=types) for f in ids[:10]]
        assert filtered == [family_view(live, f, start=since, types=types) for f in ids[:10]]
        assert any(v.chronology for v in filtered)
    finally:
        snap.close()
        live.close()


def test_unknown_ids_get_the_same_clear_errors(published: Project) -> None:
    snap, live = open_snapshot(published), connect(published.warehouse_path, read_only=True)
    try:
        for con in (snap, live):
            with pytest.raises(FamlinkError, match="no person P-NOPE"):
                person_view(con, "P-NOPE")
            with pytest.raises(FamlinkError, match="no family F-NOPE"):
                family_view(con, "F-NOPE")
    finally:
        snap.close()
        live.close()


