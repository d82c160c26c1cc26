"""The new-chapter journey, revival edition: Boston's chapter has gone dormant; a worker there
finds it, asks to revive it, the Global chapter takes the group through the program, and
the SAME chapter (its address, page and history) is back in the directory, active."""

import re
import time

from playwright.sync_api import expect

from tests.browser import conftest as harness
from tests.browser.test_journeys import (
    find_chapter,
    nearest_chapter_name,
    sign_up,
    wait_for_a_fresh_totp_window,
)

REVIVER = "rosa.boston@example.org"


def test_a_dormant_chapter_is_revived_through_the_program_and_back_in_the_directory(
        demo_data, open_page, live_server):
    from chapters.models import Chapter

    base = live_server.url
    # The demo has Boston semi-active; it has since gone quiet.
    Chapter.objects.filter(slug="boston").update(status="dormant")
    boston_id = Chapter.objects.get(slug="boston").pk
    revisions_before = Chapter.objects.get(slug="boston").revisions.count()

    reviver, reviver_checker = open_page(name="reviver")
    sign_up(reviver, reviver_checker, base, REVIVER)
    find_chapter(reviver, reviver_checker, base, "Boston", label="search-dormant")
    expect(reviver.get_by_role("heading", name="A dormant chapter near you")).to_be_visible()
    reviver.get_by_role("link", name="Revive this chapter").first.click()
    reviver.wait_for_url(base + "/network/revive/boston/")
    reviver_checker.check("revive-form")
    reviver.get_by_label("Why bring it back now").fill("Five of us at two hospitals' IT.")
    reviver.get_by_label("People in the core group").fill("5")
    reviver.get_by_role("button", name="Ask to revive this chapter").click()
    reviver.wait_for_url(re.compile(r"/program/applications/\d+/$"))
    application_url = reviver.url
    expect(reviver.get_by_text("This application brings back TWC Boston")).to_be_visible()
    reviver_checker.check("revival-submitted")

    admin, admin_checker = open_page(name="admin")
    harness.sign_in(admin, admin_checker, base, "admin@example.org",
                    totp_secret=harness.DEMO_TOTP_SECRET)
    admin_signed_in_at = time.time()
    admin.goto(base + "/program/review/")
    admin.get_by_role("link", name="TWC Boston").first.click()
    admin.wait_for_url(application_url)
    admin_checker.check("revival-application")
    admin.get_by_role("button", name="Start the review").click()
    expect(admin.get_by_text("The application is now: In review.")).to_be_visible()
    admin.get_by_role("button", name="Admit to the program").click()
    admin.locator("#id_coach").select_option(index=1)  # the one demo coach
    admin.get_by_role("button", name="Assign").click()
    expect(admin.get_by_text("Coach assigned.")).to_be_visible()

    reviver.goto(application_url)
    forms = reviver.locator("form", has=reviver.get_by_role("button", name="Mark done"))
    for number in range(forms.count()):
        form = forms.nth(number)
        form.get_by_label("What did you do?").fill("Done together.")
        form.get_by_role("button", name="Mark done").click()
        expect(reviver.get_by_text("Marked done.")).to_be_visible()
    reviver_checker.check("revival-milestones-done")

    coach, coach_checker = open_page(name="coach")
    wait_for_a_fresh_totp_window(admin_signed_in_at)
    harness.sign_in(coach, coach_checker, base, "coach@example.org",
                    totp_secret=harness.DEMO_TOTP_SECRET, check=False)
    coach.goto(application_url)
    verify = coach.get_by_role("button", name="Verify")
    while verify.count():
        verify.first.click()
        expect(coach.get_by_text("Milestone verified.")).to_be_visible()
    coach_checker.check("revival-verified")

    admin.goto(application_url)
    expect(admin.get_by_text("Every required milestone is verified.")).to_be_visible()
    admin.get_by_role("button", name="Launch and list in the directory").click()
    expect(admin.get_by_text("TWC Boston is launched and listed.")).to_be_visible()
    admin.wait_for_url(base + "/chapters/boston/")  # the same address
    expect(admin.get_by_text("This chapter is dormant.")).to_have_count(0)
    admin_checker.check("revived")

    # The desk's own pages pass the same checks (axe, the HTML checker, the CSP).
    for path, label in (("/network/health/", "health"), ("/network/help/", "help"),
                        ("/network/library/", "library")):
        admin.goto(base + path)
        admin_checker.check(label)
        if label == "health":
            expect(admin.locator("svg.sparkline").first).to_be_visible()

    boston = Chapter.objects.get(slug="boston")
    assert (boston.pk, boston.status) == (boston_id, "active")
    assert boston.revisions.count() > revisions_before  # its history, one step longer

    visitor, visitor_checker = open_page(name="visitor")
    find_chapter(visitor, visitor_checker, base, "Boston", label="search-revived")
    assert nearest_chapter_name(visitor) == "TWC Boston"
    expect(visitor.get_by_role("link", name="Revive this chapter")).to_have_count(0)
