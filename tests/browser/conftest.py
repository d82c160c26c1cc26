"""A real browser (Debian's Chromium driven by Playwright) against the live server.

Each page a journey visits is checked: axe-core finds no WCAG 2.2 A/AA violation, the Nu
HTML Checker finds no error, the console shows no error, no request fails and none goes
to a host but the app's own. Screenshots of key steps land in test-artifacts/.

One browser per session, one context per opened page, a time limit on every test and
every wait, so a test fails instead of hanging.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest
from django.core import mail

from tests.browser import htmlcheck

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_SOURCE = AXE_PATH.read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TEST_TIMEOUT = 120  # seconds for a whole browser test, fixtures included
ACTION_TIMEOUT = 10_000  # milliseconds for one Playwright action or wait
NAVIGATION_TIMEOUT = 20_000
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # members/demo.py: every demo role
SETTLE_TIMEOUT = 10.0  # seconds for the page's own requests to finish before a check

# axe.run is asynchronous. The guard rejects instead of waiting forever: page.evaluate
# itself has no time limit.
AXE_RUN = """(tags) => Promise.race([
  axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}),
  new Promise((_, reject) => setTimeout(() => reject(new Error('axe took over 60 s')), 60000)),
])"""

pytestmark = pytest.mark.browser


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(message: str):
    """Without a tool the browser tests need: skip here, fail loudly on CI."""
    if on_ci():
        pytest.fail(message + " (CI=true)", pytrace=False)
    pytest.skip(message)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath) and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            timeout=30_000,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def html_validator():
    """The Nu HTML Checker: a test skips without it, and fails without it on CI."""
    jar, reason = htmlcheck.ensure_vnu()
    if jar is None:
        unavailable(f"the Nu HTML Checker is unavailable: {reason}")
    validator = htmlcheck.Validator(jar)
    yield validator
    validator.stop()


def _new_context(browser, *, javascript: bool, phone: bool):
    context = browser.new_context(
        java_script_enabled=javascript,
        viewport=PHONE if phone else DESKTOP,
        is_mobile=phone,
        has_touch=phone,
        locale="en-GB",
        timezone_id="America/New_York",
    )
    context.set_default_timeout(ACTION_TIMEOUT)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT)
    return context


class PageChecker:
    """Watches one browser page: console errors, failed or foreign requests, and checks.

    Event handlers only record; the HTML of each document is read when it arrives,
    because Chromium forgets a document's body once the page navigates away.
    """

    def __init__(self, page, base_url: str, name: str, *, javascript: bool,
                 audit_context_factory) -> None:
        self.page = page
        self.host = urlparse(base_url).netloc
        self.name = name
        self.javascript = javascript
        self.problems: list[str] = []
        self._console_errors: list[tuple[str, str, str]] = []
        self._refused_forms: set[str] = set()  # URLs of form posts answered 400 with a page
        self.documents: dict[str, str] = {}
        self.shots = 0
        self._inflight: set = set()
        self._latest = None  # the main frame's latest document response
        self._audit_context_factory = audit_context_factory
        self._audit_page = None
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("request", self._request)
        page.on("requestfinished", lambda request: self._inflight.discard(request))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error":
            self._console_errors.append((message.location.get("url", ""), message.text,
                                         f"console error on {self.page.url}: {message.text}"))

    def _console_problems(self) -> list[str]:
        """Console errors, less Chromium's note on a form re-rendered with status 400:
        a refused form answers 400 on purpose (the page shows the errors)."""
        return [
            problem for url, text, problem in self._console_errors
            if not (text.startswith("Failed to load resource") and "status of 400" in text
                    and url in self._refused_forms)
        ]

    def _failed(self, request) -> None:
        self._inflight.discard(request)
        if request.failure == "net::ERR_ABORTED" and request.resource_type != "document":
            # The page navigated on while an asset (the favicon, say) was still loading:
            # Chromium drops it. A missing asset shows as a 404 console error instead.
            return
        self.problems.append(f"request failed: {request.method} {request.url} "
                             f"({request.failure})")

    def _request(self, request) -> None:
        self._inflight.add(request)
        parsed = urlparse(request.url)
        if parsed.scheme in ("http", "https") and parsed.netloc != self.host:
            self.problems.append(f"request to another host: {request.url}")

    def _response(self, response) -> None:
        request = response.request
        if response.status >= 500:
            self.problems.append(f"server error {response.status}: {request.method} "
                                 f"{response.url}")
        if request.resource_type != "document" or 300 <= response.status < 400:
            return
        if not response.headers.get("content-type", "").startswith("text/html"):
            return  # a download: a calendar file, a CSV
        if request.frame == self.page.main_frame:
            self._latest = response
        if request.method == "POST" and response.status == 400:
            self._refused_forms.add(response.url)
        key = f"{request.method} {response.url} ({response.status})"
        try:
            self.documents[key] = response.text()
        except Exception as error:  # noqa: BLE001 - reported, never swallowed
            if request.method == "GET" and "navigated away" in str(error):
                # The journey moved on before Chromium handed over the body (the next
                # click came first). A GET is safe to ask again, with the same cookies,
                # so the page is still validated rather than skipped.
                self._read_again(key, response.url, error)
            else:
                self.problems.append(f"could not read the HTML of {key}: {error}")

    def _read_again(self, key: str, url: str, error: Exception) -> None:
        again = self.page.context.request.get(url, max_redirects=0)
        if again.status >= 500:
            self.problems.append(f"server error {again.status} asking again for {key}")
        elif again.status == 200 and again.headers.get("content-type", "").startswith(
                "text/html"):
            self.documents[key] = again.text()
        # Anything else (a redirect because the journey signed out meanwhile) is the
        # journey's state having moved on, not the page's fault: the page was seen.

    def settle(self, timeout: float = SETTLE_TIMEOUT) -> None:
        """Wait for the page to load and for its own requests (htmx too) to finish."""
        self.page.wait_for_load_state("load")
        deadline = time.monotonic() + timeout
        quiet_since = None
        while True:
            now = time.monotonic()
            if self._inflight:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= 0.1:
                return
            if now > deadline:
                pending = ", ".join(sorted(r.url for r in self._inflight))
                self.problems.append(f"requests still running after {timeout}s: {pending}")
                return
            self.page.wait_for_timeout(25)

    def check(self, label: str) -> None:
        """Run axe on the page as it is now, and take a screenshot for the record."""
        self.settle()
        audited = self.page if self.javascript else self._twin_of_page()
        result = audit(audited)
        for violation in result["violations"]:
            nodes = "; ".join(
                n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                for n in violation["nodes"][:3]
            )
            self.problems.append(
                f"axe {violation['id']} ({violation['impact']}) on {self.page.url}: "
                f"{violation['help']} at {nodes}"
            )
        self.screenshot(label)

    def _twin_of_page(self):
        """The page's document shown in a JavaScript-enabled twin, for axe to run in.

        With JavaScript off, Chromium runs no timer at all, not even one of a script
        the test evaluates, so axe.run would never finish. The twin shows the very
        bytes the page received, at its URL and viewport, with the app's own scripts
        answered empty: what it renders is what the page without JavaScript renders.
        """
        response = self._latest
        assert response is not None, f"no HTML document has loaded in {self.name}"
        url = urldefrag(self.page.url).url
        html = response.body()
        if self._audit_page is None:
            self._audit_page = self._audit_context_factory().new_page()

        def serve(route, request):
            if request.resource_type == "document" and urldefrag(request.url).url == url:
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            elif request.resource_type == "script":
                route.fulfill(status=200, content_type="text/javascript", body="")
            else:
                route.continue_()

        twin = self._audit_page
        twin.unroute_all()
        twin.route("**/*", serve)
        twin.goto(url, wait_until="load")
        return twin

    def screenshot(self, label: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.shots += 1
        slug = re.sub(r"[^a-z0-9]+", "-", f"{self.name}-{self.shots:02d}-{label}".lower())
        self.page.screenshot(path=str(ARTIFACTS / f"{slug}.png"), full_page=True,
                             caret="initial")
        if self.javascript:
            # A screenshot can leave empty style="" attributes on form fields; htmx would
            # copy them onto swapped-in elements, which the CSP (rightly) refuses.
            self.page.evaluate(
                "() => document.querySelectorAll('[style=\"\"]')"
                ".forEach(e => e.removeAttribute('style'))")

    def finish(self, validator: htmlcheck.Validator) -> None:
        """Validate every HTML document the page received; fail on any problem seen."""
        errors = htmlcheck.validate(self.documents, validator)
        self.problems.extend(self._console_problems())
        self.problems.extend(f"HTML: {error}" for error in errors)
        assert not self.problems, f"{self.name}:\n" + "\n".join(self.problems)


def audit(page) -> dict:
    """axe-core's WCAG 2.2 A/AA violations on the page, injecting axe when missing."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(AXE_RUN, AXE_TAGS)


@pytest.fixture
def open_page(html_validator, browser, live_server, request):
    """open_page(javascript=True, phone=False, name=None) -> (page, checker).

    Each call opens a fresh context (no cookies shared). When the test ends, every
    page's documents are validated and all problems seen fail the test.
    """
    contexts = []
    checkers = []

    def _open(*, javascript: bool = True, phone: bool = False, name: str | None = None):
        context = _new_context(browser, javascript=javascript, phone=phone)
        contexts.append(context)
        page = context.new_page()
        label = name or (request.node.name + ("-phone" if phone else "")
                         + ("" if javascript else "-nojs"))

        def audit_context():
            twin = _new_context(browser, javascript=True, phone=phone)
            contexts.append(twin)
            return twin

        checker = PageChecker(page, live_server.url, label, javascript=javascript,
                              audit_context_factory=audit_context)
        checkers.append(checker)
        return page, checker

    yield _open
    try:
        failures = []
        for checker in checkers:
            try:
                checker.finish(html_validator)
            except AssertionError as error:
                failures.append(str(error))
        assert not failures, "\n\n".join(failures)
    finally:
        for context in contexts:
            context.close()


# Helpers for journeys ------------------------------------------------------------------


def totp_now(secret: str = DEMO_TOTP_SECRET) -> str:
    """The current TOTP code for a base32 secret, by allauth's own RFC 6238 code."""
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def last_email_to(address: str):
    """The newest message in Django's locmem outbox sent to address."""
    for message in reversed(mail.outbox):
        if address in message.to:
            return message
    raise AssertionError(f"no email to {address}; outbox: {[m.to for m in mail.outbox]}")


def emailed_link(address: str, base_url: str, contains: str = "/") -> str:
    """The first link containing `contains` in the newest email to address, pointed at
    the live server. Queued email tasks are run first (the app sends email as tasks);
    links are written with settings.SITE_URL, so only their path is kept."""
    from django.db import transaction

    from tests.tasks import run_queued_tasks

    with transaction.atomic():  # the worker locks rows; with transactional_db none is open
        run_queued_tasks()
    body = last_email_to(address).body
    for link in re.findall(r"https?://[^\s<>\"']+", body):
        if contains in link:
            parsed = urlparse(link)
            return base_url + parsed.path + (f"?{parsed.query}" if parsed.query else "")
    raise AssertionError(f"no link containing {contains!r} in the email to {address}:\n{body}")


def sign_in(page, checker, base_url: str, email: str, *, totp_secret: str | None = None,
            check: bool = True) -> None:
    """Sign in through the real pages: ask for a code, read it from the email, type it,
    pass the TOTP step when the account has one. Each page on the way is checked."""
    sent_before = len(mail.outbox)
    page.goto(base_url + "/accounts/login/code/")
    if check:
        checker.check("sign-in-request-code")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name=re.compile("code", re.IGNORECASE)).click()
    page.wait_for_url(re.compile(r"/accounts/login/code/confirm/"))
    assert len(mail.outbox) > sent_before, "no sign-in code was emailed"
    body = last_email_to(email).body
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4}|[A-Z0-9]{6,})\s*$", body, re.MULTILINE)
    assert code, f"no sign-in code in the email:\n{body}"
    if check:
        checker.check("sign-in-enter-code")
    page.get_by_label("Code").fill(code.group(1))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state("load")
    if totp_secret is not None:
        page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
        if check:
            checker.check("sign-in-second-factor")
        page.get_by_label("Code").fill(totp_now(totp_secret))
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state("load")


@pytest.fixture
def demo_data(transactional_db):
    """The demo data (manage.py load_demo) in the live server's database.

    The live server shares the test's database; with transactional_db the rows are
    committed, so its thread sees them, and flushed after the test.
    """
    from django.core.cache import caches
    from django.core.management import call_command

    from chapters.gazetteer import load_places

    # The shared cache (a database table a flush leaves alone) holds allauth's and our rate
    # limits: journeys that sign the same demo person in within a minute would trip them.
    caches["default"].clear()
    # Cities over 100,000 people (6,200 of the 34,000) load in a third of the time and
    # hold every city the journeys type (Torino, Potsdam, Lisbon); load_demo then keeps them.
    load_places(min_population=100_000)
    call_command("load_demo", verbosity=0)
