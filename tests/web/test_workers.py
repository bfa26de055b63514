"""`famlink serve --workers 2`: two server processes answer together, sharing sessions and
one intact audit chain through the state database."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx

from famlink.access import audit
from famlink.project import Project, load_project
from famlink.state import accounts
from famlink.state.db import project_app_state
from tests.web.conftest import Facts
from tests.web.live import free_port

FAMLINK = str(Path(sys.executable).parent / "famlink")
PASSWORD = "password-of-the-data-team"


def _wait(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("famlink serve --workers 2 did not start")


def test_two_workers_share_sessions_and_one_audit_chain(web_town: Project, facts: Facts,
                                                        tmp_path: Path):
    root = tmp_path / "town"
    shutil.copytree(web_town.root, root, ignore=shutil.ignore_patterns("state"))
    project = load_project(root)
    engine = project_app_state(project)
    accounts.add_user(engine, "team", "data_team", PASSWORD)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([FAMLINK, "serve", "-p", str(root), "--port", str(port),
                               "--workers", "2"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        _wait(base, server)
        token = httpx.post(f"{base}/api/session", json={"username": "team",
                                                        "password": PASSWORD}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        subjects = [facts.inside_area, facts.outside_area, facts.police_person] * 10

        def view(person_id: str) -> int:
            return httpx.get(f"{base}/api/persons/{person_id}", headers=headers,
                             timeout=60).status_code

        with ThreadPoolExecutor(10) as pool:
            assert set(pool.map(view, subjects)) == {200}
        assert httpx.get(f"{base}/api/persons/{facts.inside_area}").status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=30)
    check = audit.verify(engine)
    assert check.ok, check.problem
    views = audit.entries(engine, action="view_person", limit=100)
    assert sorted(e.subject_id for e in views) == sorted(subjects)
    engine.dispose()
