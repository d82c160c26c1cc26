"""From a search with no chapter near to a living chapter, in a real browser.

Someone searches the directory for a city with no chapter and follows "start a chapter"
on a phone: the form knows the city, offers the languages as a list to filter, shows the
network's rules as fixed. After applying, the page says what happens next. A Global admin
admits the group and assigns a coach (and sees how to reach the applicants); the coach
records the intro call she ran and verifies the rest; the admin launches; the chapter's
page is complete, at /chapters/<city>/, and the directory finds it. Every page is checked
with axe and the HTML checker, at desktop and phone widths.
"""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser import conftest as harness
from tests.browser.test_journeys import (
    find_chapter,
    nearest_chapter_name,
    sign_up,
    wait_for_a_fresh_totp_window,
)

FOUNDER = "founder.reykjavik@example.org"


@pytest.mark.timeout(300)
def test_from_a_search_with_no_chapter_to_a_launched_chapter_found_in_the_directory(
        demo_data, open_page, live_server):
    from chapters.geo import chapters_near, resolve_place

    base = live_server.url
    place = resolve_place("Reykjavik")[0]
    assert not chapters_near(place.latitude, place.longitude, 50)

    # On a phone: an account, then the search that finds no chapter, then "start a chapter".
    founder, founder_checker = open_page(phone=True, name="launch-founder-phone")
    sign_up(founder, founder_checker, base, FOUNDER)
    founder.goto(base + "/chapters/?q=Reykjavik")
    expect(founder.get_by_role("heading", name="No chapter within 100 km")).to_be_visible()
    founder_checker.check("nothing-near")
    founder.locator(".nothing-near").get_by_role("link", name="start a chapter").click()
    founder.wait_for_url(re.compile(r"/start-a-chapter/\?city="))
    expect(founder.get_by_label("City")).to_have_value(place.name)
    expect(founder.locator("#id_country")).to_have_value(place.country_code)
    # The network's baseline is stated, not offered as a box to untick.
    expect(founder.locator(".cdp-fixed-rules")).to_contain_text(
        "Exclude owners, executives and investors")
    expect(founder.locator("input[name=exclude_owners_executives_investors]")).to_have_count(0)
    founder_checker.check("apply-form")

    founder.get_by_label("Proposed name").fill("TWC Reykjavik")
    founder.get_by_label("Local").check()
    founder.get_by_label("Your name as others see it").fill("Sigrún")
    founder.get_by_label("People in the core group").fill("4")
    founder.get_by_label("Why start a chapter").fill("Game studio and support workers.")
    founder.get_by_label("What the chapter is about").fill(
        "Game studio and support workers in Reykjavik, organizing together.")
    founder.get_by_label("The chapter's contact email").fill("reykjavik@example.org")
    founder.get_by_label("How often the chapter will meet").fill("Every other Wednesday")
    # The languages: a list to filter as you type (the filter box comes from app.js).
    founder.get_by_label("Find a language").fill("engl")
    expect(founder.get_by_label("German", exact=True)).to_be_hidden()
    founder.get_by_label("English", exact=True).check()
    founder.get_by_label("Find a language").fill("")
    founder_checker.check("apply-filled")
    founder.get_by_role("button", name="Check for chapters nearby").click()
    founder.wait_for_load_state("load")
    founder_checker.check("apply-checked")
    founder.get_by_role("button", name="Submit the application").click()
    founder.wait_for_url(re.compile(r"/program/applications/\d+/$"))
    application_url = founder.url
    # The page leads with what happens next; withdrawing is folded away at the bottom.
    expect(founder.get_by_role("heading", name="What happens next")).to_be_visible()
    expect(founder.locator("main .cdp-next")).to_contain_text("A Global admin")
    expect(founder.get_by_role("button", name="Withdraw the application")).to_be_hidden()
    founder_checker.check("submitted")

    # A Global admin reviews, admits, assigns the coach, and sees how to reach the group.
    admin, admin_checker = open_page(name="launch-admin")
    harness.sign_in(admin, admin_checker, base, "admin@example.org",
                    totp_secret=harness.DEMO_TOTP_SECRET, check=False)
    admin_signed_in_at = time.time()
    admin.goto(application_url)
    admin.get_by_role("button", name="Start the review").click()
    expect(admin.get_by_text("The application is now: In review.")).to_be_visible()
    decline = admin.get_by_role("button", name="Decline")
    expect(decline).to_have_class("button-danger")
    expect(admin.get_by_role("button", name="Admit to the program")).not_to_have_class(
        "button-danger")
    admin_checker.check("in-review")
    admin.get_by_role("button", name="Admit to the program").click()
    admin.locator("#id_coach").select_option(index=1)  # the one demo coach
    admin.get_by_role("button", name="Assign").click()
    expect(admin.get_by_text("Coach assigned.")).to_be_visible()
    contacts = admin.locator(".cdp-applicants")
    expect(contacts.get_by_role("link", name=FOUNDER)).to_be_visible()
    expect(admin.locator(".cdp-history")).to_contain_text("Coach assigned:")
    admin_checker.check("in-program-with-coach")

    # The group marks its milestones done (the intro call is the coach's to record).
    founder.goto(application_url)
    expect(founder.locator("main .cdp-next")).to_contain_text("Your coach")
    forms = founder.locator("form", has=founder.get_by_role("button", name="Mark done"))
    for number in range(forms.count()):
        form = forms.nth(number)
        form.get_by_label("What did you do?").fill("Done together.")
        form.get_by_role("button", name="Mark done").click()
        expect(founder.get_by_text("Marked done.")).to_be_visible()
    founder_checker.check("milestones-done")
    harness.emailed_link("coach@example.org", base, contains="/program/applications/")
    assert "please verify" in harness.last_email_to("coach@example.org").subject

    # The coach records the intro call she ran and verifies the rest.
    coach, coach_checker = open_page(phone=True, name="launch-coach-phone")
    wait_for_a_fresh_totp_window(admin_signed_in_at)
    harness.sign_in(coach, coach_checker, base, "coach@example.org",
                    totp_secret=harness.DEMO_TOTP_SECRET, check=False)
    coach.goto(application_url)
    expect(coach.locator(".cdp-applicants").get_by_role("link", name=FOUNDER)).to_be_visible()
    coach_checker.check("to-verify")
    intro_call = coach.locator(".cdp-milestones > li", has_text="Intro call with a coach")
    intro_call.get_by_role("button", name="Verify").click()
    expect(coach.get_by_text("Milestone verified.")).to_be_visible()
    verify = coach.get_by_role("button", name="Verify")
    while verify.count():
        verify.first.click()
        expect(coach.get_by_text("Milestone verified.")).to_be_visible()
    coach_checker.check("verified")

    # The launch: a complete page at /chapters/reykjavik/.
    admin.goto(application_url)
    expect(admin.get_by_text("Every required milestone is verified.")).to_be_visible()
    admin.get_by_role("button", name="Launch and list in the directory").click()
    admin.wait_for_url(base + "/chapters/reykjavik/")
    expect(admin.get_by_text("TWC Reykjavik is launched and listed.")).to_be_visible()
    admin_checker.check("launched")

    visitor, visitor_checker = open_page(phone=True, name="launch-visitor-phone")
    visitor.goto(base + "/chapters/reykjavik/")
    page = visitor.locator("main")
    expect(page).to_contain_text("Game studio and support workers in Reykjavik")
    expect(page.get_by_role("link", name="reykjavik@example.org")).to_be_visible()
    expect(page).to_contain_text("Every other Wednesday")
    expect(page.locator(".chapter-facts")).to_contain_text("English")
    expect(page.locator(".chapter-organizers")).to_have_text("Organizer: Sigrún")
    expect(page).not_to_contain_text(FOUNDER)
    expect(page).not_to_contain_text("Your page still needs")
    visitor_checker.check("chapter-page")

    finder, finder_checker = open_page(name="launch-finder")
    find_chapter(finder, finder_checker, base, "Reykjavik", label="search")
    assert nearest_chapter_name(finder) == "TWC Reykjavik"
