"""The product's three journeys in a real browser, every page checked (axe, HTML, console).

1. A worker finds the nearest chapter, signs up for its onboarding session with a name and
   an email address, confirms by the emailed link and asks to join the chapter.
2. An organizer schedules a session, checks people in on a phone and approves a join request.
3. Someone in a city with no chapter applies to start one; an admin takes it through the
   Chapter Development Program with a coach and launches it; the directory then finds it.
"""

import datetime
import re
import time
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser import conftest as harness

WORKER = "ada.worker@example.org"


def find_chapter(page, checker, base_url: str, city: str, *, label: str) -> None:
    """Type a city on the home page and search; the results page is checked."""
    page.goto(base_url + "/")
    checker.check(f"{label}-home")
    page.get_by_label("City or chapter name").fill(city)
    page.get_by_role("button", name="Find a chapter").click()
    page.wait_for_url(re.compile(r"/chapters/\?q="))
    checker.check(f"{label}-results")


def sign_up(page, checker, base_url: str, email: str) -> None:
    """Create an account with only an email address, confirmed by the emailed code."""
    page.goto(base_url + "/accounts/signup/")
    checker.check("sign-up")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    checker.check("sign-up-code")
    body = harness.last_email_to(email).body
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4}|[A-Z0-9]{6,})\s*$", body, re.MULTILINE)
    assert code, body
    page.get_by_label("Code").fill(code.group(1))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state("load")


def nearest_chapter_name(page) -> str:
    """The first chapter listed under "Local chapters, nearest first"."""
    section = page.locator("section", has=page.get_by_role("heading",
                                                          name="Local chapters, nearest first"))
    return section.get_by_role("listitem").first.locator("strong").inner_text()


def test_a_worker_finds_a_chapter_signs_up_for_a_session_and_asks_to_join(
        demo_data, open_page, live_server):
    base = live_server.url
    page, checker = open_page()

    find_chapter(page, checker, base, "Torino", label="search")
    assert nearest_chapter_name(page) == "TWC Turin"
    page.get_by_role("link", name="TWC Turin").first.click()
    page.wait_for_url(base + "/chapters/turin/")
    expect(page.get_by_role("heading", name="Who may join")).to_be_visible()
    checker.check("chapter")

    page.get_by_role("link", name="Sign up").first.click()
    page.wait_for_url(re.compile(r"/sessions/\d+/"))
    checker.check("session")
    page.get_by_label("Name").fill("Ada")
    page.get_by_label("Email address").fill(WORKER)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/check-email/"))
    checker.check("check-email")

    page.goto(harness.emailed_link(WORKER, base, contains="/sessions/r/"))
    checker.check("registration-pending")
    page.get_by_role("button", name="Confirm my sign-up").click()
    expect(page.get_by_text("Your place is confirmed.")).to_be_visible()
    expect(page.get_by_role("link", name="https://meet.example.org/turin-onboarding")
           ).to_be_visible()
    checker.check("registration-confirmed")

    # Confirming by the emailed link signed Ada in: no second account, no other code.
    page.goto(base + "/chapters/turin/join/")
    checker.check("join-form")
    page.get_by_label("Display name").fill("Ada")
    page.get_by_label("Kind of work").select_option(label="Programmer")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Ask to join").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("waiting for an organizer", exact=False).first).to_be_visible()
    checker.check("join-pending")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_without_javascript_search_and_sign_up_work_as_plain_forms(
        demo_data, open_page, live_server, phone):
    base = live_server.url
    page, checker = open_page(javascript=False, phone=phone)

    page.goto(base + "/chapters/")
    checker.check("directory")
    page.get_by_label("City or chapter name").fill("Potsdam")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"/chapters/\?q=Potsdam"))
    assert nearest_chapter_name(page) == "TWC Berlin"
    checker.check("results")

    page.get_by_role("link", name="TWC Berlin").first.click()
    page.wait_for_url(base + "/chapters/berlin/")
    checker.check("chapter")
    page.get_by_role("link", name="Sign up").first.click()
    page.wait_for_url(re.compile(r"/sessions/\d+/"))
    page.get_by_role("button", name="Sign up").click()  # empty: errors, nothing lost
    expect(page.locator(".errorlist").first).to_be_visible()
    checker.check("sign-up-errors")
    page.get_by_label("Name").fill("Bo")
    page.get_by_label("Email address").fill("bo.worker@example.org")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(re.compile(r"/check-email/"))
    checker.check("check-email")


def test_a_worker_on_a_phone_finds_the_chapter_and_signs_up(demo_data, open_page, live_server):
    base = live_server.url
    page, checker = open_page(phone=True)

    find_chapter(page, checker, base, "Torino", label="search")
    assert nearest_chapter_name(page) == "TWC Turin"
    page.get_by_role("link", name="TWC Turin").first.click()
    page.wait_for_url(base + "/chapters/turin/")
    checker.check("chapter")
    page.get_by_role("link", name="Sign up").first.click()
    page.wait_for_url(re.compile(r"/sessions/\d+/"))
    page.get_by_label("Name").fill("Cy")
    page.get_by_label("Email address").fill("cy.worker@example.org")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(re.compile(r"/check-email/"))
    page.goto(harness.emailed_link("cy.worker@example.org", base, contains="/sessions/r/"))
    page.get_by_role("button", name="Confirm my sign-up").click()
    expect(page.get_by_text("Your place is confirmed.")).to_be_visible()
    checker.check("registration-confirmed")


def wait_for_a_fresh_totp_window(since: float) -> None:
    """allauth refuses a TOTP code already used: wait until the 30 s window after `since`."""
    remaining = 30 - (since % 30) if int(time.time() // 30) == int(since // 30) else 0
    if remaining:
        time.sleep(remaining + 0.5)


def test_an_organizer_schedules_a_session_checks_people_in_on_a_phone_and_approves_a_request(
        demo_data, open_page, live_server):
    base = live_server.url
    page, checker = open_page()
    harness.sign_in(page, checker, base, "organizer.berlin@example.org",
                    totp_secret=harness.DEMO_TOTP_SECRET)
    signed_in_at = time.time()
    checker.check("me")

    page.goto(base + "/chapters/berlin/")
    page.get_by_role("link", name="Manage sessions").click()
    page.wait_for_url(base + "/sessions/chapter/berlin/manage/")
    checker.check("sessions")
    page.get_by_role("link", name="Schedule a session").click()
    checker.check("schedule-form")
    # Starting within the hour: check-in opens an hour before a session starts.
    soon = datetime.datetime.now(ZoneInfo("Europe/Berlin")) + datetime.timedelta(minutes=40)
    page.get_by_label("Title").fill("Evening onboarding")
    page.get_by_label("Starts at").fill(f"{soon:%Y-%m-%dT%H:%M}")
    page.get_by_label("Ends at").fill(f"{soon + datetime.timedelta(minutes=90):%Y-%m-%dT%H:%M}")
    page.get_by_label("Format").select_option("online")
    page.locator("#id_language").select_option("en")
    page.get_by_label("Capacity").fill("12")
    page.get_by_label("Call link").fill("https://meet.example.org/berlin-evening")
    page.get_by_role("button", name=re.compile("Save|Schedule")).click()
    page.wait_for_url(re.compile(r"/sessions/manage/\d+/$"))
    session_url = page.url
    checker.check("session-scheduled")

    # A newcomer signs up in their own browser and confirms by the emailed link.
    newcomer, newcomer_checker = open_page(name="newcomer")
    newcomer.goto(base + "/chapters/berlin/")
    newcomer.get_by_role("link", name="Evening onboarding").click()
    newcomer.get_by_label("Name").fill("Dee")
    newcomer.get_by_label("Email address").fill("dee.newcomer@example.org")
    newcomer.get_by_role("button", name="Sign up").click()
    newcomer.wait_for_url(re.compile(r"/check-email/"))
    newcomer.goto(harness.emailed_link("dee.newcomer@example.org", base, "/sessions/r/"))
    newcomer.get_by_role("button", name="Confirm my sign-up").click()
    expect(newcomer.get_by_text("Your place is confirmed.")).to_be_visible()
    newcomer_checker.check("newcomer-confirmed")

    page.reload()
    expect(page.locator(".checkin-name", has_text="Dee")).to_be_visible()
    checker.check("sign-ups")

    # At the door, on a phone.
    phone, phone_checker = open_page(phone=True, name="organizer-phone")
    wait_for_a_fresh_totp_window(signed_in_at)
    harness.sign_in(phone, phone_checker, base, "organizer.berlin@example.org",
                    totp_secret=harness.DEMO_TOTP_SECRET)
    phone.goto(session_url)
    phone_checker.check("check-in")
    row = phone.locator(".checkin-row", has_text="Dee")
    row.get_by_role("button", name="Attended").click()
    expect(row.get_by_role("button", name="Attended")).to_have_attribute("aria-pressed", "true")
    # The follow-up list knows at once, without a reload.
    expect(phone.locator("#follow-up li", has_text="Dee")).to_be_visible()
    phone_checker.check("checked-in")

    page.goto(base + "/chapters/berlin/requests/")
    checker.check("join-requests")
    request = page.locator(".request-list > li").first
    name = request.locator("strong").inner_text()
    request.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text("1 request decided.")).to_be_visible()
    expect(page.locator(".request-list strong", has_text=name)).to_have_count(0)
    checker.check("request-approved")


def test_a_new_chapter_is_applied_for_coached_launched_and_then_found_in_the_directory(
        demo_data, open_page, live_server):
    from chapters.geo import chapters_near, resolve_place

    base = live_server.url
    place = resolve_place("Reykjavik")[0]
    assert not chapters_near(place.latitude, place.longitude, 50)

    applicant, applicant_checker = open_page(name="applicant")
    sign_up(applicant, applicant_checker, base, "founder.reykjavik@example.org")
    applicant.goto(base + "/start-a-chapter/")
    applicant_checker.check("apply-form")
    applicant.get_by_label("Proposed name").fill("TWC Reykjavik")
    applicant.get_by_label("Local").check()
    applicant.get_by_label("City").fill("Reykjavik")
    applicant.get_by_label("People in the core group").fill("4")
    applicant.get_by_label("Why start a chapter").fill("Game studio and support workers.")
    applicant.get_by_role("button", name="Check for chapters nearby").click()
    applicant.wait_for_load_state("load")
    applicant_checker.check("apply-checked")
    applicant.get_by_role("button", name="Submit the application").click()
    applicant.wait_for_url(re.compile(r"/program/applications/\d+/$"))
    application_url = applicant.url
    applicant_checker.check("submitted")

    admin, admin_checker = open_page(name="admin")
    harness.sign_in(admin, admin_checker, base, "admin@example.org",
                    totp_secret=harness.DEMO_TOTP_SECRET)
    admin_signed_in_at = time.time()
    admin.goto(base + "/program/review/")
    admin_checker.check("review-queue")
    admin.get_by_role("link", name="TWC Reykjavik").first.click()
    admin.wait_for_url(application_url)
    admin.get_by_role("button", name="Start the review").click()
    expect(admin.get_by_text("The application is now: In review.")).to_be_visible()
    admin.get_by_role("button", name="Admit to the program").click()
    admin.locator("#id_coach").select_option(index=1)  # the one demo coach
    admin.get_by_role("button", name="Assign").click()
    expect(admin.get_by_text("Coach assigned.")).to_be_visible()
    admin_checker.check("in-program-with-coach")

    applicant.goto(application_url)
    applicant_checker.check("milestones")
    forms = applicant.locator("form", has=applicant.get_by_role("button", name="Mark done"))
    for number in range(forms.count()):
        form = forms.nth(number)
        form.get_by_label("What did you do?").fill("Done together.")
        form.get_by_role("button", name="Mark done").click()
        expect(applicant.get_by_text("Marked done.")).to_be_visible()
    applicant_checker.check("milestones-done")

    coach, coach_checker = open_page(name="coach")
    wait_for_a_fresh_totp_window(admin_signed_in_at)
    harness.sign_in(coach, coach_checker, base, "coach@example.org",
                    totp_secret=harness.DEMO_TOTP_SECRET)
    coach.goto(base + "/program/")
    coach_checker.check("program")
    coach.goto(application_url)
    coach_checker.check("to-verify")
    verify = coach.get_by_role("button", name="Verify")
    while verify.count():
        verify.first.click()
        expect(coach.get_by_text("Milestone verified.")).to_be_visible()
    coach_checker.check("verified")

    admin.goto(application_url)
    expect(admin.get_by_text("Every required milestone is verified.")).to_be_visible()
    admin.get_by_role("button", name="Launch and list in the directory").click()
    expect(admin.get_by_text("TWC Reykjavik is launched and listed.")).to_be_visible()
    admin_checker.check("launched")

    visitor, visitor_checker = open_page(name="visitor")
    find_chapter(visitor, visitor_checker, base, "Reykjavik", label="search")
    assert nearest_chapter_name(visitor) == "TWC Reykjavik"
