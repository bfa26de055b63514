"""Screenshots of the portals' main screens for docs/screenshots/, taken in headless Chromium
(Debian's /usr/bin/chromium, driven by Playwright) on a small synthetic town.

    .venv/bin/python scripts/screenshots.py [--people 1500] [--seed 11] [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import Page, sync_playwright

from famlink.access.scope import ROLL_SQL
from famlink.engine import connect
from famlink.pipeline import run_stages
from famlink.project import Project, load_project
from famlink.snapshot import open_snapshot, publish
from famlink.state import accounts
from famlink.synthetic.town import generate_town
from famlink.web.app import create_app
from famlink.web.settings import WebSettings

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "screenshot-password"


def build(people: int, seed: int, folder: Path) -> Project:
    generate_town(folder, people=people, seed=seed)
    project = load_project(folder)
    con = connect(project.warehouse_path)
    try:
        run_stages(project, con, None, lambda *_: None)
    finally:
        con.close()
    publish(project)
    return project


def subjects(project: Project) -> dict[str, str]:
    """A person in a big current family in the early help area, that family, and a pupil
    with a police record on the roll of the busiest such school."""
    con = open_snapshot(project)
    try:
        family, person = con.execute(
            "SELECT f.family_id, m.person_id FROM families f JOIN family_members m USING "
            "(family_id) JOIN current_addresses a USING (person_id) WHERE f.end_date IS NULL "
            "AND m.role = 'parent' AND list_contains(['NB1','NB2','NB3','NB4','NB5','NB6'], "
            "split_part(a.postcode, ' ', 1)) AND m.person_id NOT IN (SELECT person_id FROM "
            "chronology WHERE feed = 'social_care') ORDER BY f.n_members DESC, f.family_id "
            "LIMIT 1").fetchall()[0]
        pupil, school = con.execute(
            f"SELECT r.person_id, r.school FROM ({ROLL_SQL}) r WHERE r.person_id IN (SELECT "
            "person_id FROM chronology WHERE feed = 'police_incidents') ORDER BY 1 LIMIT 1",
            ["school_census"]).fetchall()[0]
        name = con.execute("SELECT surname FROM persons WHERE person_id = ?",
                           [person]).fetchall()[0][0]
    finally:
        con.close()
    return {"person": person, "family": family, "pupil": pupil, "school": school,
            "surname": name}


def serve(project: Project, ids: dict[str, str]) -> tuple[uvicorn.Server, str]:
    app = create_app(WebSettings.for_project(project))
    engine = app.state.runtime.state
    for role in ("early_help", "school_dsl", "data_team", "governance"):
        accounts.add_user(engine, role, role, PASSWORD,
                          ids["school"] if role == "school_dsl" else None)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def sign_in(page: Page, user: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def shoot(page: Page, out: Path, ids: dict[str, str]) -> None:
    def snap(name: str, url: str | None = None) -> None:
        if url:
            page.goto(url)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(out / f"{name}.png"), full_page=False)
        print(f"wrote {out / name}.png")

    sign_in(page, "early_help")
    snap("dashboard", "/dashboard")
    page.goto("/search")
    page.fill("input[name=name]", ids["surname"])
    page.click("form.search button[type=submit]")
    page.locator("[data-testid=results]").wait_for()
    snap("search")
    snap("person", f"/persons/{ids['person']}")
    snap("family", f"/families/{ids['family']}")
    sign_in(page, "school_dsl")
    snap("pupil", f"/pupils/{ids['pupil']}")
    sign_in(page, "data_team")
    page.goto("/review")
    page.locator("[data-testid=pairs] a", has_text="Review").first.click()
    snap("review")
    snap("quality", "/quality")
    sign_in(page, "governance")
    snap("audit", f"/audit?subject={ids['person']}&verify=true")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        project = build(args.people, args.seed, Path(tmp) / "town")
        ids = subjects(project)
        server, url = serve(project, ids)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=["--no-sandbox"])
            page = browser.new_page(base_url=url, viewport={"width": 1400, "height": 900})
            shoot(page, args.out, ids)
            browser.close()
        server.should_exit = True


if __name__ == "__main__":
    main()
