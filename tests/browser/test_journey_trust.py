"""What the pages say is what happens, in a real browser, every page checked (axe, HTML,
console), at desktop and phone widths.

1. A misspelt city ("Berln") is answered with "Did you mean Berlin, Germany?", whose link
   finds TWC Berlin; London finds the chapter that graduated into a union.
2. A manager who can hire or fire is refused by Milan and offered the nearest Italian
   chapters that would accept them, with their distances, then Global and starting one.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import conftest as harness


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_misspelt_city_is_answered_and_london_tells_its_story(demo_data, open_page,
                                                                live_server, phone):
    base = live_server.url
    page, checker = open_page(phone=phone)
    page.goto(base + "/chapters/?q=Berln")
    expect(page.get_by_text("Did you mean:")).to_be_visible()
    checker.check("did-you-mean")
    checker.screenshot("did-you-mean")
    page.get_by_role("link", name="Berlin, Germany").click()
    page.wait_for_url(re.compile(r"q=Berlin"))
    expect(page.get_by_role("link", name="TWC Berlin").first).to_be_visible()
    checker.check("did-you-mean-followed")

    page.goto(base + "/chapters/?q=London")
    expect(page.get_by_role("link", name="TWC London")).to_be_visible()
    # The union, as the chapter's successor (and among the unions here).
    expect(page.get_by_role("link", name="United Tech and Allied Workers").first).to_be_visible()
    assert "No chapter within 100 km" not in page.content()
    checker.check("london")
    checker.screenshot("london-graduated")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_refusal_offers_chapters_within_reach_with_distances(demo_data, open_page,
                                                               live_server, phone):
    base = live_server.url
    page, checker = open_page(phone=phone)
    harness.sign_in(page, checker, base, "member@example.org", check=False)
    page.goto(base + "/chapters/milan/join/")
    checker.check("milan-join")
    page.get_by_role("group", name=re.compile("hire or fire")).get_by_label("Yes").check()
    page.get_by_role("group", name=re.compile("owner, executive")).get_by_label("No").check()
    page.get_by_role("group", name=re.compile("work in tech")).get_by_label("Yes").check()
    page.get_by_label("Which sector do you work in?").fill("QA")
    page.get_by_role("button", name="Ask to join").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("What you can do instead")).to_be_visible()
    offered = page.locator(".card-list .card")
    expect(offered.first).to_contain_text("TWC Turin")
    expect(offered.first).to_contain_text("125 km")
    expect(offered.first).to_contain_text("Turin, Piedmont, Italy")
    assert "TWC Boston" not in page.content() and "TWC New York" not in page.content()
    expect(page.get_by_role("link", name="TWC Global")).to_be_visible()
    expect(page.get_by_role("link", name="Start a chapter").last).to_be_visible()
    checker.check("milan-refusal")
    checker.screenshot("milan-refusal")
