"""Help between chapters: who sees requests and offers, the private thread, closing."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.enums import MembershipStatus
from members.models import User
from network import permissions, services
from network.models import HelpMessage, HelpOffer, HelpRequest, HelpStatus, OfferStatus
from tests import factories
from tests.conftest import signed_in
from tests.factories import make_help_request, make_offer
from tests.tasks import run_queued_tasks


@pytest.fixture
def global_chapter(db, baseline):
    return factories.make_chapter("global", name="TWC Global", kind="online")


@pytest.fixture
def global_member(global_chapter):
    user = factories.make_user("gina@example.org", display_name="Gina")
    factories.make_membership(user, global_chapter)
    return user


@pytest.fixture
def volunteer(chapter_b):
    """A member of chapter B who chose to help other chapters."""
    user = factories.make_user("vera@example.org", display_name="Vera")
    factories.make_membership(user, chapter_b)
    services.set_volunteer(user, True)
    return user


@pytest.fixture
def help_a(chapter_a, alice):
    return make_help_request(chapter_a, posted_by=alice, title="Translate our flyer")


def _detail(help_request):
    return reverse("network:help_detail", args=[help_request.pk])


# --- privacy per persona -------------------------------------------------------------------

PERSONA_SEES_REQUEST = {
    "anonymous": False, "carol": False, "bob": False, "alice": True, "coach": False,
    "admin_user": True, "global_member": True, "volunteer": True,
}


@pytest.mark.parametrize("persona", sorted(PERSONA_SEES_REQUEST))
def test_who_sees_an_open_request(persona, request, help_a, client, as_user):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = (client if user is None else as_user(user)).get(_detail(help_a))
    if PERSONA_SEES_REQUEST[persona]:
        assert response.status_code == 200 and "Translate our flyer" in response.content.decode()
    else:
        assert response.status_code in (302, 404)
        assert "Translate our flyer" not in response.content.decode()
    listing = (client if user is None else as_user(user)).get(reverse("network:help"))
    assert ("Translate our flyer" in listing.content.decode()) == PERSONA_SEES_REQUEST[persona]


@pytest.mark.parametrize("persona", ["carol", "bob", "coach", "admin_user", "global_member",
                                     "volunteer", "alice"])
def test_nobodys_offer_or_address_is_public(persona, request, help_a, as_user, global_member,
                                            volunteer):
    make_offer(help_a, volunteer, message="Vera offers a hand")
    make_offer(help_a, global_member, message="Gina offers a hand")
    user = request.getfixturevalue(persona)
    page = as_user(user).get(_detail(help_a)).content.decode()
    assert "vera@example.org" not in page and "gina@example.org" not in page
    sees = {"alice": {"Vera", "Gina"}, "volunteer": {"Vera"}, "global_member": {"Gina"}}
    for name in ("Vera", "Gina"):
        assert (f"{name} offers a hand" in page) == (name in sees.get(persona, set())), name


def test_a_member_who_chooses_to_help_then_sees_requests(as_user, carol, help_a, chapter_b):
    other = make_help_request(chapter_b, title="Design a poster")
    client = as_user(carol)
    assert client.get(_detail(other)).status_code == 404
    assert client.post(reverse("network:volunteer"), {"volunteer": "on"}).status_code == 302
    assert client.get(_detail(other)).status_code == 200
    client.post(reverse("network:volunteer"), {"volunteer": "off"})
    assert client.get(_detail(other)).status_code == 404


def test_someone_with_no_chapter_cannot_volunteer(as_user, coach):
    assert as_user(coach).post(reverse("network:volunteer"),
                               {"volunteer": "on"}).status_code == 403


# --- the flow ------------------------------------------------------------------------------


def test_organizers_post_a_request(as_user, alice, chapter_a):
    deadline = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    data = {"kind": "website", "title": "A simple website", "description": "Static pages.",
            "skill": "HTML", "language": "en", "hours": "8", "deadline": deadline}
    client = as_user(alice)
    url = reverse("network:help_new", args=[chapter_a.slug])
    bad = client.post(url, {**data, "deadline": "2001-01-01"})
    assert bad.status_code == 400 and "A simple website" in bad.content.decode()
    response = client.post(url, data)
    help_request = HelpRequest.objects.get()
    assert response["Location"] == _detail(help_request)
    assert (help_request.chapter, help_request.posted_by, help_request.hours) == (
        chapter_a, alice, 8)


def test_offer_accept_thread_and_close(as_user, alice, help_a, volunteer, global_member,
                                       mailoutbox):
    helper = as_user(volunteer)
    assert helper.post(reverse("network:help_offer", args=[help_a.pk]),
                       {"message": "I speak Italian."}).status_code == 302
    make_offer(help_a, global_member)
    run_queued_tasks()
    assert [m.to for m in mailoutbox] == [["alice@example.org"]]
    assert "vera@example.org" not in mailoutbox[0].body
    mailoutbox.clear()

    offer = HelpOffer.objects.get(helper=volunteer)
    organizer = as_user(alice)
    response = organizer.post(reverse("network:help_accept", args=[help_a.pk, offer.pk]))
    thread_url = reverse("network:help_thread", args=[help_a.pk, offer.pk])
    assert response["Location"] == thread_url
    help_a.refresh_from_db()
    assert help_a.status == HelpStatus.ACCEPTED
    assert HelpOffer.objects.get(helper=global_member).status == OfferStatus.NOT_NEEDED
    # the thread is private: the other helper finds nothing
    assert as_user(global_member).get(thread_url).status_code == 404

    organizer.post(thread_url, {"body": "Thank you! Here is the text."})
    helper.post(thread_url, {"body": "Done by Friday."})
    run_queued_tasks()
    by_recipient = {m.to[0]: m.body for m in mailoutbox}
    assert "Thank you! Here is the text." in by_recipient["vera@example.org"]
    assert "Done by Friday." in by_recipient["alice@example.org"]
    assert HelpMessage.objects.count() == 2
    assert "Done by Friday." in helper.get(thread_url).content.decode()

    assert organizer.post(reverse("network:help_close", args=[help_a.pk])).status_code == 302
    help_a.refresh_from_db()
    assert help_a.status == HelpStatus.DONE
    with pytest.raises(services.Refused):
        services.send_message(offer, author=volunteer, body="More?")


def test_organizers_cannot_offer_help_to_their_own_chapter(as_user, alice, help_a):
    assert as_user(alice).post(reverse("network:help_offer", args=[help_a.pk]),
                               {"message": "Me?"}).status_code == 403


def test_one_offer_per_person(help_a, volunteer):
    services.offer_help(help_a, helper=volunteer, message="Once")
    with pytest.raises(services.Refused):
        services.offer_help(help_a, helper=volunteer, message="Twice")


def test_the_scheduled_job_expires_requests_past_their_deadline(chapter_a, volunteer):
    today = timezone.localdate()
    late = make_help_request(chapter_a, deadline=today - dt.timedelta(days=1))
    waiting = make_help_request(chapter_a, deadline=today + dt.timedelta(days=1))
    accepted = make_help_request(chapter_a, status=HelpStatus.ACCEPTED,
                                 deadline=today - dt.timedelta(days=5))
    old_accepted = make_help_request(chapter_a, status=HelpStatus.ACCEPTED,
                                     deadline=today - dt.timedelta(days=40))
    make_offer(late, volunteer)
    from core import periodic

    assert periodic.JOBS["network.expire_help_requests"].function() == "expired 2"
    statuses = dict(HelpRequest.objects.values_list("pk", "status"))
    assert statuses == {late.pk: "expired", waiting.pk: "open", accepted.pk: "accepted",
                        old_accepted.pk: "expired"}
    assert HelpOffer.objects.get(request=late).status == OfferStatus.NOT_NEEDED



def _desk_on_me(user) -> tuple[str, list[str]]:
    client = signed_in(user)
    client.get(reverse("members:me"))  # the session and the person, once
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("members:me")).content.decode()
    return page, [q["sql"] for q in captured]


@pytest.mark.parametrize(("status_at_global", "member_elsewhere", "helps"), [
    (MembershipStatus.ACTIVE, False, True), (None, True, True),
    (MembershipStatus.PENDING, False, False), (MembershipStatus.LEFT, False, False),
    (None, False, False),
])
def test_me_shows_the_help_desk_from_the_memberships_it_loaded(
        global_chapter, chapter_b, status_at_global, member_elsewhere, helps):
    user = factories.make_user("pat@example.org", display_name="Pat")
    if status_at_global:
        factories.make_membership(user, global_chapter, status=status_at_global)
    if member_elsewhere:
        factories.make_membership(user, chapter_b)
    page, queries = _desk_on_me(user)
    assert (reverse("network:help") in page) is helps
    # The person's active chapters come from the page's memberships, not a query of their own
    assert not [sql for sql in queries if '"chapter__slug"' in sql]
    # and give the answer the permission gives from its own query.
    fresh = User.objects.get(pk=user.pk)
    assert (permissions.may_use_help_desk(fresh) or permissions.may_volunteer(fresh)) is helps
