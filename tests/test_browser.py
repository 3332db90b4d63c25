"""Browser tests of the human pages: recipient check, sharing, previews, accessibility.

Each test loads pages of the minimal test site, with one award in every state,
built for and served on 127.0.0.1. Every request the browser makes goes
through a guard that aborts any host but 127.0.0.1, and each test fails if
one was attempted.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_harness import (
    RequestGuard,
    chromium_missing_reason,
    describe_violations,
    launch_chromium,
    run_axe,
)
from conftest import MINIMAL, REPO, TODAY, copy_site
from page_records import ADA_EMAIL, MARKUP_NAME, MARKUP_NARRATIVE, add_page_records
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright
from validator_harness import free_port, serve_directory

from generator.build import build_site

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        chromium_missing_reason() is not None, reason=chromium_missing_reason() or ""
    ),
]

ARTIFACTS = REPO / "test-artifacts"
AWARD = "assertions/2026-ada/"
PAGE_TYPES = {
    "index": "",
    "criteria": "badges/demo-badge/criteria/",
    "issuer": "issuer/",
    "award-valid": AWARD,
    "award-expires-soon": "assertions/2026-dana/",
    "award-expired": "assertions/2024-old/",
    "award-revoked": "assertions/2026-revoked/",
    "not-found": "404.html",
}


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the test site for a free port on 127.0.0.1, serve it, yield its URL."""
    site = copy_site(MINIMAL, tmp_path_factory.mktemp("browser") / "site")
    add_page_records(site)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/"
    build_site(site, site / "output", base_url=base_url, today=TODAY, environ={})
    with serve_directory(site / "output", port) as url:
        assert url == base_url
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Launch the system Chromium once for the module."""
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def guard() -> RequestGuard:
    """Return the request guard of the test's browser context."""
    return RequestGuard()


@pytest.fixture
def page(browser: Browser, guard: RequestGuard) -> Iterator[Page]:
    """Open a 1280 px wide page whose requests all pass the guard."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    guard.install(context)
    yield context.new_page()
    context.close()
    assert guard.blocked == [], f"requests to other hosts: {guard.blocked}"


def check_email(page: Page, email: str) -> str:
    """Type an address into the recipient check, press Enter, return the result text."""
    field = page.get_by_label("Email address")
    field.fill(email)
    field.press("Enter")
    result = page.locator(".check-result")
    result.filter(has_text=email.strip()).wait_for()
    return result.inner_text()


def test_recipient_check_accepts_mixed_case(page: Page, site_url: str) -> None:
    page.goto(site_url + AWARD)
    answer = check_email(page, "  Ada@Example.ORG ")
    assert answer.startswith("Yes")
    assert page.locator(".check-result.check-yes").count() == 1


def test_recipient_check_rejects_other_email(page: Page, site_url: str) -> None:
    page.goto(site_url + AWARD)
    answer = check_email(page, "grace@example.org")
    assert answer.startswith("No")
    assert page.locator(".check-result.check-no").count() == 1


def test_recipient_check_sends_no_request(
    page: Page, site_url: str, guard: RequestGuard
) -> None:
    page.goto(site_url + AWARD)
    page.wait_for_load_state("networkidle")
    before = list(guard.allowed)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    check_email(page, ADA_EMAIL)
    check_email(page, "grace@example.org")
    assert requests == []
    assert guard.allowed == before
    assert ADA_EMAIL not in page.url


def test_recipient_check_without_javascript(browser: Browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    guard = RequestGuard()
    guard.install(context)
    page = context.new_page()
    page.goto(site_url + AWARD)
    assert page.locator("form.check-form").is_hidden()
    fallback = page.locator(".check-fallback")
    assert fallback.is_visible()
    assert "k3Yp9dQz" in fallback.inner_text()
    assert page.get_by_role("button", name="Copy link").is_hidden()
    assert page.get_by_role("link", name="Add to LinkedIn profile").is_visible()
    context.close()
    assert guard.blocked == []


def test_linkedin_link_parameters(page: Page, site_url: str) -> None:
    page.goto(site_url + AWARD)
    href = page.get_by_role("link", name="Add to LinkedIn profile").get_attribute(
        "href"
    )
    assert href is not None
    parts = urlsplit(href)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://www.linkedin.com/profile/add"
    )
    assert parse_qs(parts.query, strict_parsing=True) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Demo Badge"],
        "organizationName": ["Demo Issuer"],
        "issueYear": ["2026"],
        "issueMonth": ["5"],
        "expirationYear": ["2027"],
        "expirationMonth": ["5"],
        "certUrl": [site_url + AWARD],
        "certId": ["2026-ada"],
    }


def test_copy_link_button_copies_url(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=site_url[:-1]
    )
    guard = RequestGuard()
    guard.install(context)
    page = context.new_page()
    page.goto(site_url + AWARD)
    page.get_by_role("button", name="Copy link").click()
    page.locator(".copy-result").filter(has_text="Link copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == site_url + AWARD
    context.close()
    assert guard.blocked == []


def test_open_graph_tags_award_page(page: Page, site_url: str) -> None:
    page.goto(site_url + AWARD)

    def meta(attribute: str, name: str) -> str | None:
        return page.locator(f'meta[{attribute}="{name}"]').get_attribute("content")

    image_url = site_url + "badges/demo-badge.png"
    assert meta("property", "og:title") == "Ada Lovelace: Demo Badge"
    assert meta("property", "og:url") == site_url + AWARD
    assert meta("property", "og:image") == image_url
    assert meta("property", "og:image:alt") == "Demo Badge badge artwork"
    assert meta("name", "twitter:card") == "summary"
    description = meta("property", "og:description")
    assert description is not None
    assert description.startswith("Ada Lovelace earned the Demo Badge from Demo Issuer")
    response = page.request.get(image_url)
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"
    width = meta("property", "og:image:width")
    height = meta("property", "og:image:height")
    with Image.open(io.BytesIO(response.body())) as image:
        assert (width, height) == (str(image.width), str(image.height))


@pytest.mark.parametrize("path", list(PAGE_TYPES.values()), ids=list(PAGE_TYPES))
def test_axe_finds_no_violations(page: Page, site_url: str, path: str) -> None:
    page.goto(site_url + path)
    violations = run_axe(page)
    assert violations == [], describe_violations(violations)


def test_markup_name_shown_as_text(page: Page, site_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(site_url + "assertions/2026-dana/")
    assert page.title() == f"{MARKUP_NAME}: Demo Badge | Demo Badges"
    heading = page.locator("h1")
    assert heading.text_content() == MARKUP_NAME
    assert heading.locator("b").count() == 0
    og_title = page.locator('meta[property="og:title"]').get_attribute("content")
    assert og_title == f"{MARKUP_NAME}: Demo Badge"
    evidence = page.locator(".award-evidence")
    assert MARKUP_NARRATIVE in evidence.inner_text()
    assert evidence.locator("script, b").count() == 0
    assert dialogs == []

    page.goto(site_url + PAGE_TYPES["criteria"])
    holder = page.locator(".holders a")
    assert holder.all_text_contents() == [MARKUP_NAME]


def test_expires_soon_state_shown(page: Page, site_url: str) -> None:
    page.goto(site_url + "assertions/2026-dana/")
    assert page.locator(".state-label").inner_text() == "Valid, expires soon"
    page.goto(site_url + "assertions/2024-old/")
    assert page.locator(".state-label").inner_text() == "Expired on 1 March 2025."
    page.goto(site_url + "assertions/2026-revoked/")
    state = page.locator(".state").inner_text()
    assert "Revoked" in state
    assert "copied <from another holder>" in state
    assert page.get_by_role("link", name="Add to LinkedIn profile").count() == 0


def test_print_hides_sharing_and_check(page: Page, site_url: str) -> None:
    page.goto(site_url + AWARD)
    page.emulate_media(media="print")
    assert page.locator(".share").is_hidden()
    assert page.locator(".recipient-check").is_hidden()
    assert page.locator(".state").is_visible()
    assert page.locator(".award-verify").is_visible()


def test_skip_link_is_first_tab_stop(page: Page, site_url: str) -> None:
    page.goto(site_url + AWARD)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


@pytest.mark.parametrize("width", [390, 1280])
def test_award_page_screenshot(browser: Browser, site_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    guard = RequestGuard()
    guard.install(context)
    page = context.new_page()
    page.goto(site_url + AWARD)
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"award-{width}.png"
    page.screenshot(path=str(target), full_page=True)
    context.close()
    assert overflow <= width, "the page scrolls sideways"
    with Image.open(target) as image:
        assert image.width == width
    assert guard.blocked == []
