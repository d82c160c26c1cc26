"""One person, one thread, in a real browser (every page checked: axe, HTML, console).

1. A worker signs up for a session with a name and an address, confirms by the emailed
   link, and is signed in by it: asking to join the chapter needs no second account and no
   other code, and the name carries over. The session's page then says "You're going".
2. An organizer goes from /me/ ("Your chapters") to the check-in of a session that starts
   within the hour, on a phone; the member list, the review queue and the rules history
   fit a 390-px screen without sideways scrolling.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser import conftest as harness


def fits_the_screen(page) -> bool:
    """No sideways scrolling: the document is no wider than the viewport."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_rsvp_confirm_by_the_emailed_link_then_ask_to_join_without_a_second_account(
        demo_data, open_page, live_server, phone):
    from members.models import User

    base = live_server.url
    email = f"ada.{'phone' if phone else 'desk'}@example.org"
    page, checker = open_page(phone=phone, name="identity-rsvp" + ("-phone" if phone else ""))

    page.goto(base + "/chapters/turin/")
    page.get_by_role("link", name="Sign up").first.click()
    page.wait_for_url(re.compile(r"/sessions/\d+/"))
    session_url = page.url.split("#")[0]
    expect(page.get_by_text(re.compile(r"\d+ (person|people) going"))).to_be_visible()
    checker.check("session-anonymous")
    page.get_by_label("Name").fill("Ada Lovelace")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(re.compile(r"/check-email/"))
    checker.check("check-email")
    assert not User.objects.filter(email=email).exists()  # no account for a sign-up alone

    page.goto(harness.emailed_link(email, base, contains="/sessions/r/"))
    page.get_by_role("button", name="Confirm my sign-up").click()
    expect(page.get_by_text("Your place is confirmed.")).to_be_visible()
    expect(page.get_by_text("You are signed in as Ada Lovelace")).to_be_visible()
    expect(page.get_by_role("link", name="My page")).to_be_visible()
    checker.check("confirmed-and-signed-in")

    page.get_by_role("link", name="Ask to join TWC Turin").click()
    page.wait_for_url(base + "/chapters/turin/join/")
    expect(page.get_by_label("Display name")).to_have_value("Ada Lovelace")
    checker.check("join-form")
    page.get_by_label("Kind of work").select_option(label="Programmer")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Ask to join").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("waiting for an organizer", exact=False).first).to_be_visible()
    checker.check("join-pending")
    assert User.objects.filter(email=email).count() == 1

    page.goto(session_url)
    expect(page.get_by_role("heading", name="You're going")).to_be_visible()
    expect(page.get_by_role("button", name="Sign up")).to_have_count(0)
    checker.check("session-youre-going")
    if phone:
        assert fits_the_screen(page)


def test_a_signed_in_member_signs_up_in_one_tap(demo_data, open_page, live_server):
    base = live_server.url
    page, checker = open_page(name="identity-one-tap")
    harness.sign_in(page, checker, base, "member@example.org", check=False)
    page.goto(base + "/sessions/")
    page.get_by_role("link", name="Benvenuti a TWC Torino").first.click()
    page.wait_for_url(re.compile(r"/sessions/\d+/"))
    expect(page.get_by_label("Email address")).to_have_count(0)
    checker.check("one-tap-form")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="You're going")).to_be_visible()
    checker.check("one-tap-going")


def test_an_organizer_goes_from_me_to_check_in_on_a_phone(demo_data, open_page,
                                                          live_server):
    from django.utils import timezone

    from chapters.models import Chapter
    from onboarding.models import OnboardingSession, Registration, RegistrationStatus

    berlin = Chapter.objects.get(slug="berlin")
    # Whole minutes, as the form makes them.
    starts = (timezone.now() + dt.timedelta(minutes=30)).replace(second=0, microsecond=0)
    session = OnboardingSession.objects.create(
        chapter=berlin, title="Tonight's onboarding", starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=90), format="online", language="en",
        capacity=20, call_link="https://meet.example.org/berlin-tonight")
    Registration.objects.create(session=session, name="Eve Newcomer",
                                email="eve.newcomer@example.org",
                                status=RegistrationStatus.CONFIRMED, email_confirmed=True,
                                confirmed_at=timezone.now())

    base = live_server.url
    phone, checker = open_page(phone=True, name="identity-organizer-phone")
    harness.sign_in(phone, checker, base, "organizer.berlin@example.org",
                    totp_secret=harness.DEMO_TOTP_SECRET, check=False)
    phone.goto(base + "/me/")
    tools = phone.locator("#your-chapters")
    expect(tools.get_by_role("heading", name="Your chapters")).to_be_visible()
    expect(phone.get_by_role("navigation", name="Main")
           .get_by_role("link", name="Your chapters")).to_have_count(1)
    checker.check("me-your-chapters")
    assert fits_the_screen(phone)

    berlin_tools = tools.locator("li.card", has_text="TWC Berlin")
    berlin_tools.get_by_role("link", name="Sessions and check-in").click()
    phone.wait_for_url(base + "/sessions/chapter/berlin/manage/")
    checker.check("sessions")
    assert fits_the_screen(phone)
    phone.get_by_role("link", name="Tonight's onboarding").click()
    phone.wait_for_url(re.compile(r"/sessions/manage/\d+/$"))
    expect(phone.get_by_text("Every attendee has been followed up.")).to_have_count(0)
    checker.check("check-in")
    row = phone.locator(".checkin-row", has_text="Eve Newcomer")
    row.get_by_role("button", name="Attended").click()
    expect(row.get_by_role("button", name="Attended")).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#follow-up li", has_text="Eve Newcomer")).to_be_visible()
    checker.check("checked-in")
    assert fits_the_screen(phone)

    # The chapter page tells the organizer where the tools are.
    phone.goto(base + "/chapters/berlin/")
    panel = phone.locator(".organizer-panel")
    expect(panel.get_by_role("heading", name="You organize this chapter")).to_be_visible()
    checker.check("chapter-organizer-panel")

    for label, link in (("requests", r"^Join requests"), ("members", r"^Members$"),
                        ("rules-history", r"^Rules history$")):
        phone.goto(base + "/chapters/berlin/")
        phone.locator(".organizer-panel").get_by_role("link", name=re.compile(link)).click()
        phone.wait_for_load_state("load")
        checker.check(label)
        assert fits_the_screen(phone), f"{label} scrolls sideways at 390 px"


def test_a_session_days_ahead_cannot_be_checked_in_yet(demo_data, open_page, live_server):
    base = live_server.url
    page, checker = open_page(name="identity-organizer-early")
    harness.sign_in(page, checker, base, "organizer.berlin@example.org",
                    totp_secret=harness.DEMO_TOTP_SECRET, check=False)
    page.goto(base + "/sessions/chapter/berlin/manage/")
    page.locator("tbody a").first.click()
    page.wait_for_url(re.compile(r"/sessions/manage/\d+/$"))
    expect(page.get_by_text("Check-in opens at", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="Attended")).to_have_count(0)
    checker.check("check-in-not-yet")
