"""The front door in a real browser, with and without JavaScript, on a phone."""

import pytest


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_front_door_is_accessible_and_valid(open_page, live_server, javascript, phone):
    page, checker = open_page(javascript=javascript, phone=phone)
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", level=1).is_visible()
    checker.check("home")
    page.get_by_role("link", name="Skip to content").focus()
    assert page.get_by_role("link", name="Skip to content").is_visible()
