from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from famlink.engine import connect
from famlink.pipeline import run_stages
from famlink.project import Project, load_project

PEOPLE_FEED = """\
source: {path: "incoming/people/*.csv", encoding: %(encoding)s}
kind: person
record_id: ID
columns:
  first_name: {from: Forename}
  surname: {from: Surname}
  date_of_birth: {from: DOB, required: true}
  event_date: {from: Seen}
  nhs_number: {from: NHS}
  sex: {from: Sex, map: {M: male, F: female}}
"""

HEADER = "ID,Forename,Surname,DOB,Seen,NHS,Sex\n"


class ProjectMaker:
    def __init__(self, root: Path):
        self.root = root
        (root / "feeds").mkdir(parents=True)
        (root / "incoming" / "people").mkdir(parents=True)
        (root / "famlink.yaml").write_text("name: test\n")
        self.feed("people", PEOPLE_FEED % {"encoding": "utf-8"})

    def feed(self, name: str, yaml_text: str) -> None:
        (self.root / "feeds" / f"{name}.yaml").write_text(yaml_text)

    def file(self, rel: str, content: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        return path

    def load(self) -> Project:
        return load_project(self.root)

    def standardised(self) -> Project:
        """The project loaded, ingested and standardised."""
        project = self.load()
        con = connect(project.warehouse_path)
        try:
            run_stages(project, con, ["ingest", "standardise"], lambda *a: None)
        finally:
            con.close()
        return project


@pytest.fixture
def maker(tmp_path: Path) -> ProjectMaker:
    return ProjectMaker(tmp_path / "proj")


@pytest.fixture
def open_warehouse() -> Callable:
    cons = []

    def _open(project: Project):
        con = connect(project.warehouse_path)
        cons.append(con)
        return con

    yield _open
    for con in cons:
        con.close()


def snapshot(con) -> dict[str, list]:
    """Every row of every table, to prove a failed load changed nothing."""
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
    return {t: sorted(map(repr, con.execute(f'SELECT * FROM "{t}"').fetchall())) for t in tables}
