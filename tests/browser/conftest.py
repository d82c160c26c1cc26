"""A real browser (Debian's Chromium driven by Playwright) against the live server.

Each page a journey visits is checked: axe-core finds no WCAG 2.2 A/AA violation, the Nu
HTML Checker finds no error, the console shows no error, no request fails and none goes
to a host but the app's own. Screenshots of key steps land in test-artifacts/.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.browser import htmlcheck

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(config, items):
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


class PageChecker:
    """Watches one browser page: console errors, failed or foreign requests, and checks."""

    def __init__(self, page, base_url: str, name: str) -> None:
        self.page = page
        self.host = urlparse(base_url).netloc
        self.name = name
        self.problems: list[str] = []
        self.documents: dict[str, str] = {}
        self.shots = 0
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("request", self._request)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _failed(self, request) -> None:
        self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _request(self, request) -> None:
        parsed = urlparse(request.url)
        if parsed.scheme in ("http", "https") and parsed.netloc != self.host:
            self.problems.append(f"request to another host: {request.url}")

    def _response(self, response) -> None:
        request = response.request
        if request.resource_type == "document" and response.status < 400:
            try:
                self.documents[f"{request.method} {response.url}"] = response.text()
            except Exception:  # a download or a redirect has no body to check
                pass

    def check(self, label: str) -> None:
        """Run axe on the page as it is now, and take a screenshot for the record."""
        self.page.wait_for_load_state("networkidle")
        result = self.page.evaluate(
            AXE_SOURCE + "\n;axe.run(document, {runOnly: {type: 'tag', values: "
            + repr(AXE_TAGS) + "}})"
        )
        for violation in result["violations"]:
            nodes = "; ".join(n["target"][0] if isinstance(n["target"][0], str)
                              else str(n["target"]) for n in violation["nodes"][:3])
            self.problems.append(
                f"axe {violation['id']} ({violation['impact']}) on {self.page.url}: "
                f"{violation['help']} at {nodes}"
            )
        self.screenshot(label)

    def screenshot(self, label: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.shots += 1
        slug = re.sub(r"[^a-z0-9]+", "-", f"{self.name}-{self.shots:02d}-{label}".lower())
        self.page.screenshot(path=str(ARTIFACTS / f"{slug}.png"), full_page=True)

    def finish(self) -> None:
        errors = htmlcheck.validate(self.documents)
        self.problems.extend(f"HTML: {error}" for error in errors)
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def open_page(browser, live_server, request):
    """open_page(javascript=True, phone=False) -> (page, checker) on a fresh context."""
    contexts = []
    checkers = []

    def _open(*, javascript: bool = True, phone: bool = False, name: str | None = None):
        context = browser.new_context(
            java_script_enabled=javascript,
            viewport=PHONE if phone else {"width": 1280, "height": 900},
            is_mobile=phone,
            has_touch=phone,
            locale="en-GB",
            timezone_id="America/New_York",
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        label = name or request.node.name + ("-phone" if phone else "") + ("" if javascript else "-nojs")
        checker = PageChecker(page, live_server.url, label)
        checkers.append(checker)
        return page, checker

    yield _open
    try:
        for checker in checkers:
            checker.finish()
    finally:
        for context in contexts:
            context.close()
