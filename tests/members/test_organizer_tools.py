"""Organizers know their room: their tools from the menu and /me/, "You organize this
chapter" on its page, the rules history, and role buttons only where the server agrees."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from members import services
from members.enums import MembershipRole
from members.models import Membership
from tests import factories
from tests.conftest import signed_in


def _menu(html: str) -> str:
    return html[html.index('class="main-nav"'):html.index("</nav>")]


def test_an_organizer_reaches_their_chapters_from_the_menu_and_me(alice, chapter_a, carol):
    factories.make_membership(factories.make_user(), chapter_a, status="pending")
    client = signed_in(alice)
    home = client.get(reverse("chapters:home")).content.decode()
    assert "Your chapters" in _menu(home) and "The program" not in _menu(home)
    me = client.get(reverse("members:me")).content.decode()
    section = me[me.index('id="your-chapters"'):]
    for url in (reverse("members:requests", args=[chapter_a.slug]),
                reverse("members:members", args=[chapter_a.slug]),
                reverse("onboarding:manage", args=[chapter_a.slug]),
                reverse("members:policy", args=[chapter_a.slug]),
                reverse("members:policy_history", args=[chapter_a.slug])):
        assert url in section
    assert "Join requests (1 waiting)" in section


@pytest.mark.parametrize("who", ["coach", "admin_user"])
def test_coaches_and_admins_reach_the_program(who, request):
    client = signed_in(request.getfixturevalue(who))
    home = client.get(reverse("chapters:home")).content.decode()
    assert "The program" in _menu(home) and "Your chapters" not in _menu(home)
    me = client.get(reverse("members:me")).content.decode()
    assert 'id="the-program"' in me and reverse("cdp:resources") in me
    assert (reverse("audit:log") in me) == (who == "admin_user")
    assert (reverse("cdp:review") in me) == (who == "admin_user")


def test_a_member_sees_no_tools(carol):
    client = signed_in(carol)
    home = client.get(reverse("chapters:home")).content.decode()
    assert "Your chapters" not in home and "The program" not in home
    me = client.get(reverse("members:me")).content.decode()
    assert 'id="your-chapters"' not in me and 'id="the-program"' not in me


def test_the_chapter_page_tells_its_organizer_and_nobody_else(alice, bob, carol, chapter_a):
    url = chapter_a.get_absolute_url()
    page = signed_in(alice).get(url).content.decode()
    assert "You organize this chapter" in page
    assert reverse("onboarding:manage", args=[chapter_a.slug]) in page
    assert reverse("members:policy_history", args=[chapter_a.slug]) in page
    for client in (Client(), signed_in(bob), signed_in(carol)):
        assert "You organize this chapter" not in client.get(url).content.decode()


def test_an_anonymous_visit_after_the_organizer_gets_no_organizer_panel(alice, chapter_a):
    signed_in(alice).get(chapter_a.get_absolute_url())
    Client().get(chapter_a.get_absolute_url())  # fills the public cache
    again = Client().get(chapter_a.get_absolute_url()).content.decode()
    assert "You organize this chapter" not in again


# -- The rules history ---------------------------------------------------------------------


def test_the_history_shows_each_change_field_by_field_with_who_and_why(alice, chapter_a):
    alice.display_name = "Alice Organizer"
    alice.save()
    services.change_policy(chapter_a, actor=alice, note="We changed our mind on managers",
                           exclude_hire_fire=True, exclude_owners_executives_investors=True,
                           allow_supporters=True, approval_required=True,
                           questions=[{"text": "Which city do you work in?", "required": False}])
    page = signed_in(alice).get(reverse("members:policy_history", args=[chapter_a.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    start = html.index('<ol class="policy-history"')
    newest = html[start:html.index("</li>", start)]
    assert "Version 2" in newest and "Changed by Alice Organizer" in newest
    assert "We changed our mind on managers" in newest
    assert re.search(r"Exclude people who can hire or fire</th><td>No</td><td>Yes</td>",
                     newest)
    assert "Question added" in newest and "Which city do you work in? (optional)" in newest
    assert "Organizer approval required" not in newest  # unchanged: not listed


def test_the_policy_edit_page_links_to_the_history(alice, chapter_a):
    page = signed_in(alice).get(reverse("members:policy", args=[chapter_a.slug]))
    assert reverse("members:policy_history", args=[chapter_a.slug]).encode() in page.content


@pytest.mark.parametrize("who,status", [("carol", 403), ("bob", 403), ("coach", 403),
                                        ("admin_user", 200)])
def test_only_organizers_and_admins_see_who_changed_the_rules(who, status, request,
                                                               chapter_a):
    client = signed_in(request.getfixturevalue(who))
    url = reverse("members:policy_history", args=[chapter_a.slug])
    assert client.get(url).status_code == status


def test_an_organizer_without_a_second_factor_is_refused_the_history(chapter_a):
    organizer = factories.make_organizer(chapter_a, mfa=False)
    response = signed_in(organizer).get(
        reverse("members:policy_history", args=[chapter_a.slug]))
    assert response.status_code in (302, 403)


# -- Role buttons match what the server accepts --------------------------------------------


def test_the_last_organizer_is_not_offered_make_a_member(alice, chapter_a, carol):
    page = signed_in(alice).get(reverse("members:members", args=[chapter_a.slug]))
    html = page.content.decode()
    assert 'name="role" value="organizer" class' in html  # carol may be made an organizer
    assert 'name="role" value="member" class' not in html  # alice is the only organizer: the server refuses


def test_with_two_organizers_either_may_step_back(alice, chapter_a, carol):
    Membership.objects.filter(user=carol).update(role=MembershipRole.ORGANIZER)
    page = signed_in(alice).get(reverse("members:members", args=[chapter_a.slug]))
    assert page.content.decode().count('name="role" value="member" class') == 2


def test_role_changes_is_what_change_role_accepts(alice, chapter_a, carol):
    mine = Membership.objects.get(user=alice)
    assert services.role_changes(mine, organizers=1) == set()
    with pytest.raises(services.TransitionError):
        services.change_role(mine, MembershipRole.MEMBER, actor=alice)
    carols = Membership.objects.get(user=carol)
    assert services.role_changes(carols, organizers=1) == {MembershipRole.ORGANIZER}
    services.change_role(carols, MembershipRole.ORGANIZER, actor=alice)
    carols.refresh_from_db()
    assert services.role_changes(carols, organizers=2) == {MembershipRole.MEMBER}
    pending = factories.make_membership(factories.make_user(), chapter_a, status="pending")
    assert services.role_changes(pending, organizers=2) == set()
