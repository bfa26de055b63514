"""The portals in a real headless Chromium (Debian's, driven by Playwright): sign-in, search,
person and family pages, notes and the review queue, with htmx working under the CSP."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest

from tests.web.conftest import Facts, password
from tests.web.live import serving

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"browser tests need Debian's chromium at {CHROMIUM} "
                                "(apt-get install chromium)")


@pytest.fixture(scope="module")
def base_url(app) -> Iterator[str]:
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(base_url=base_url)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.errors = errors
    yield tab
    context.close()


def sign_in(page, user: str, secret: str | None = None) -> None:
    page.goto("/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", secret or password(user))
    page.click("button[type=submit]")


def test_sign_in_lands_on_the_roles_start_page(page):
    sign_in(page, "early_help")
    page.wait_for_url(re.compile(r"/dashboard$"))
    assert page.inner_text("[data-testid=who]") == "early_help"
    assert int(page.inner_text("[data-testid=persons]")) > 0
    assert page.is_visible("[data-testid=outcomes-card]")


def test_a_wrong_password_is_refused(page):
    sign_in(page, "police", "not the password")
    assert "Wrong user name or password" in page.inner_text("[role=alert]")
    assert "/login" in page.url


def test_search_then_open_a_person_and_their_family(page, facts: Facts):
    sign_in(page, "data_team")
    page.wait_for_url(re.compile(r"/dashboard$"))
    page.goto(f"/persons/{facts.inside_area}")
    name = page.inner_text("[data-testid=person-name]").split(" P")[0]
    page.goto("/search")
    page.fill("input[name=name]", name)
    page.click("form.search button[type=submit]")
    link = page.locator(f"[data-testid=results] a[href='/persons/{facts.inside_area}']")
    link.wait_for()
    assert "name=" in page.url  # htmx pushed the search into the address bar
    link.click()
    page.wait_for_url(re.compile(f"/persons/{facts.inside_area}$"))
    assert page.locator("[data-testid=chronology] li").count() > 0
    assert page.is_visible("[data-testid=outcomes]")
    page.goto(f"/families/{facts.family}")
    assert page.inner_text("[data-testid=family-id]") == f"Family {facts.family}"
    assert not [e for e in page.errors if "Content Security Policy" in e]


def test_a_note_is_added_in_place_and_kept(page, facts: Facts):
    sign_in(page, "early_help")
    page.wait_for_url(re.compile(r"/dashboard$"))
    page.goto(f"/persons/{facts.inside_area}")
    page.fill("#notes textarea[name=body]", "Browser note: mum prefers mornings")
    page.click("#notes button[type=submit]")
    page.locator("#notes li", has_text="Browser note: mum prefers mornings").wait_for()
    assert page.url.endswith(f"/persons/{facts.inside_area}")  # swapped in, no reload
    page.reload()
    assert "Browser note: mum prefers mornings" in page.inner_text("#notes")


def test_the_data_team_decides_a_pair_in_the_review_queue(page):
    sign_in(page, "data_team")
    page.wait_for_url(re.compile(r"/dashboard$"))
    page.goto("/review")
    page.locator("[data-testid=pairs] a", has_text="Review").first.click()
    page.wait_for_url(re.compile(r"/review/pair"))
    assert page.locator("[data-testid=waterfall] tr").count() > 2
    page.fill("input[name=reason]", "Different dates of birth; checked with the school")
    page.click("button[value=must_not_link]")
    page.locator("[data-testid=decided]").wait_for()
    assert "different persons" in page.inner_text("[data-testid=decided]")


def test_a_school_opens_its_pupil_overview(page, schools):
    sign_in(page, "school_dsl")
    page.wait_for_url(re.compile(r"/search$"))
    page.goto(f"/pupils/{schools.my_pupil}")
    assert "Police incident recorded" in page.inner_text("[data-testid=flags]")
    assert "01632 960100" in page.inner_text("[data-testid=contacts]")
    page.goto(f"/pupils/{schools.other_pupil}")
    assert "Not found" in page.inner_text("h1")
