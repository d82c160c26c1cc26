"""An organizer's announcement reaches a follower, in the follower's language.

A newcomer who reads the site in Italian follows TWC Berlin with only an email address and
confirms by the emailed link; Berlin's organizer writes an announcement, looks at the
preview, confirms "send to N people?"; the follower's inbox (the test outbox) receives it
with its frame in Italian. Every page on the way is checked (axe, HTML, console).
"""

import re

from playwright.sync_api import expect

from tests.browser import conftest as harness

FOLLOWER = "bea.follower@example.org"


def test_an_organizer_sends_an_announcement_and_a_follower_receives_it_in_their_language(
        demo_data, open_page, live_server):
    from django.core import mail
    from django.db import transaction

    from tests.tasks import run_queued_tasks

    base = live_server.url
    follower, follower_checker = open_page(name="follower")
    follower.goto(base + "/chapters/berlin/")
    with follower.expect_navigation():  # the switcher submits itself (data-autosubmit)
        follower.locator("#language-select").select_option("it")
    expect(follower.locator("html")).to_have_attribute("lang", "it")
    follower_checker.check("chapter-in-italian")
    follower.locator(".chapter-follow").get_by_role("link").first.click()
    follower.wait_for_url(base + "/chapters/berlin/follow/")
    follower_checker.check("follow-form")
    follower.locator("#id_email").fill(FOLLOWER)
    follower.locator("input[name=choice][value=announcements]").check()
    follower.locator("main form button[type=submit]").click()
    follower.wait_for_load_state("load")
    follower_checker.check("follow-check-inbox")
    follower.goto(harness.emailed_link(FOLLOWER, base, "/follow/"))
    follower_checker.check("follow-confirm")
    follower.locator("main form button[type=submit]").click()
    follower.wait_for_load_state("load")
    follower_checker.check("follow-confirmed")

    page, checker = open_page(name="organizer")
    harness.sign_in(page, checker, base, "organizer.berlin@example.org",
                    totp_secret=harness.DEMO_TOTP_SECRET)
    page.goto(base + "/chapters/berlin/")
    page.locator(".chapter-follow").get_by_role("link", name="Announcements", exact=True).click()
    page.wait_for_url(base + "/chapters/berlin/announcements/manage/")
    checker.check("announcements")
    page.get_by_role("link", name="Write an announcement").click()
    checker.check("compose")
    page.get_by_label("Subject").fill("Assembly on Friday")
    page.locator("#id_body").fill("Come **all** of you: we vote on the strike fund.")
    page.get_by_label("Markdown (bold, italics, links, lists)").check()
    page.get_by_role("button", name="Preview").click()
    page.wait_for_url(re.compile(r"/announcements/\d+/$"))
    expect(page.locator(".announcement-preview strong")).to_have_text("all")
    heading = page.get_by_role("heading", name=re.compile(r"Send to \d+ (person|people)\?"))
    expect(heading).to_be_visible()
    checker.check("preview")
    count = int(re.search(r"\d+", heading.inner_text()).group())
    assert count >= 2  # the follower and Berlin's members
    page.get_by_role("button", name=re.compile(r"Yes, send to")).click()
    page.wait_for_url(base + "/chapters/berlin/announcements/manage/")
    expect(page.get_by_text(f"Sending to {count} people.")).to_be_visible()
    checker.check("sent")

    with transaction.atomic():  # the worker locks rows; with transactional_db none is open
        run_queued_tasks()
    received = [m for m in mail.outbox if m.to == [FOLLOWER] and
                m.subject == "Assembly on Friday"]
    assert len(received) == 1
    email = received[0]
    assert "Come **all** of you" in email.body
    assert "La mia pagina:" in email.body  # the frame in the follower's language
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len([m for m in mail.outbox if m.subject == "Assembly on Friday"]) == count
