"""The harness itself: it catches what it is meant to catch, and its helpers work."""

from contextlib import contextmanager

import pytest

from tests import factories
from tests.browser import conftest as harness
from tests.browser import htmlcheck

BROKEN = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Broken</title>
<link rel="stylesheet" href="/static/css/app.css"></head>
<body><main><h1>Broken</h1><form><input name="q" type="text"></form><p>x</div></main></body></html>"""


def test_the_html_checker_reports_errors_and_ignores_warnings(html_validator):
    errors = htmlcheck.validate({"broken": BROKEN, "again": BROKEN}, html_validator)

    assert len(errors) == 1
    assert errors[0].startswith("broken line 3: Stray end tag")


@contextmanager
def _watched_page(browser, live_server, name: str, *, javascript: bool):
    """A fresh context and page under a PageChecker, with /broken/ answering BROKEN."""
    context = harness._new_context(browser, javascript=javascript, phone=False)
    try:
        page = context.new_page()
        page.route(live_server.url + "/broken/", lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body=BROKEN))
        yield page, harness.PageChecker(
            page, live_server.url, name, javascript=javascript,
            audit_context_factory=lambda: context.browser.new_context())
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_page_with_faults_fails_the_checks(browser, html_validator, live_server, javascript):
    with _watched_page(browser, live_server, f"selftest-{javascript}",
                       javascript=javascript) as (page, checker):
        page.goto(live_server.url + "/broken/")
        checker.check("broken")
        with pytest.raises(AssertionError) as failure:
            checker.finish(html_validator)

    report = str(failure.value)
    assert "axe label (critical)" in report
    assert "HTML: GET " + live_server.url + "/broken/ (200) line 3: Stray end tag" in report


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_an_organizer_signs_in_by_emailed_code_and_totp(open_page, live_server, javascript):
    chapter = factories.make_chapter("alpha", name="TWC Alpha", city="Berlin")
    factories.make_policy(None)
    factories.make_organizer(chapter, "alice@example.org", mfa=True)
    page, checker = open_page(javascript=javascript)

    harness.sign_in(page, checker, live_server.url, "alice@example.org",
                    totp_secret=factories.TOTP_SECRET)

    assert page.url == live_server.url + "/me/"
    checker.check("signed-in")


def test_the_demo_organizer_signs_in_on_a_phone_with_the_demo_data(
        demo_data, open_page, live_server):
    page, checker = open_page(phone=True)

    harness.sign_in(page, checker, live_server.url, "organizer.berlin@example.org",
                    totp_secret=harness.DEMO_TOTP_SECRET)

    assert page.url == live_server.url + "/me/"
    checker.check("demo-organizer-signed-in")


@pytest.mark.django_db(transaction=True)
def test_an_emailed_link_points_at_the_live_server_and_queued_email_is_sent(live_server):
    from django.core.mail import send_mail

    from core.emails import enqueue_email

    enqueue_email("erin@example.org", "test_message", {"name": "Erin"})
    send_mail("Confirm", "Confirm here:\nhttps://example.org/sessions/x/confirm/?t=abc\n",
              None, ["dana@example.org"])

    link = harness.emailed_link("dana@example.org", live_server.url, contains="/confirm/")

    assert link == live_server.url + "/sessions/x/confirm/?t=abc"
    assert "Hello Erin" in harness.last_email_to("erin@example.org").body


class _BodyGone:
    """A document response whose body Chromium dropped because the page moved on."""

    def __init__(self, request, url):
        self.request, self.url, self.status = request, url, 200
        self.headers = {"content-type": "text/html; charset=utf-8"}

    def text(self):
        raise RuntimeError("Response body is not available for a response that was "
                           "navigated away from.")


@pytest.mark.django_db(transaction=True)
def test_a_document_whose_body_was_dropped_is_asked_for_again_and_still_checked(
        browser, html_validator, live_server):
    with _watched_page(browser, live_server, "selftest-gone", javascript=True) as (
            page, checker):
        first = page.goto(live_server.url + "/chapters/")
        key = f"GET {first.url} (200)"
        checker.documents.clear()  # so only asking again can bring the page back
        checker._response(_BodyGone(first.request, first.url))
        assert '<main id="main"' in checker.documents[key]
        checker.finish(html_validator)  # no "could not read", and the page validates
