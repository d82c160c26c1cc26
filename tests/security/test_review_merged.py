"""An outside review of the merged outreach, desk and federation work: each test here
failed before its fix (or pins a refusal the review checked)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from outreach.models import Follow, PlaceWatch

# -- Rate limits count the client, as allauth and the rest of the site do ----------------------


def _follow(client, chapter, email, **extra):
    return client.post(reverse("outreach:follow", args=[chapter.slug]),
                       {"email": email, "choice": "sessions"}, **extra)


def test_follow_limit_behind_the_proxy_counts_each_visitor_not_the_proxy(chapter_a, settings):
    """Behind a reverse proxy every request comes from the proxy's address: counted by it,
    ten follow requests an hour from anyone closed the form for everyone."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.OUTREACH_FOLLOWS_PER_ADDRESS_HOUR = 2
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    noisy = [_follow(proxy, chapter_a, f"n{n}@example.org",
                     HTTP_X_FORWARDED_FOR="203.0.113.7").status_code for n in range(3)]
    assert noisy == [200, 200, 429]
    other = _follow(proxy, chapter_a, "quiet@example.org", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert other.status_code == 200
    assert Follow.objects.filter(email="quiet@example.org").exists()


def test_follow_limit_counts_an_ipv6_client_by_its_network(chapter_a, settings):
    """One IPv6 client holds a /64: a new address per request must not reset its count."""
    settings.OUTREACH_FOLLOWS_PER_ADDRESS_HOUR = 2
    statuses = [_follow(Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1}"), chapter_a,
                        f"v{n}@example.org").status_code for n in range(3)]
    assert statuses == [200, 200, 429]


def test_watch_limit_behind_the_proxy_counts_each_visitor(db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.OUTREACH_FOLLOWS_PER_ADDRESS_HOUR = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    url = reverse("outreach:watch")
    data = {"lat": "52.5", "lon": "13.4"}
    first = proxy.post(url, {**data, "email": "a@example.org"},
                       HTTP_X_FORWARDED_FOR="203.0.113.7")
    again = proxy.post(url, {**data, "email": "b@example.org"},
                       HTTP_X_FORWARDED_FOR="203.0.113.7")
    other = proxy.post(url, {**data, "email": "c@example.org"},
                       HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert (first.status_code, again.status_code, other.status_code) == (200, 429, 200)
    assert PlaceWatch.objects.filter(email="c@example.org").exists()


# -- A revival's invitations are limited per client like any application's -------------------


@pytest.fixture
def two_dormant(db, baseline):
    from tests import factories

    return [factories.make_chapter(f"sleepy-{n}", name=f"TWC Sleepy {n}", status="dormant")
            for n in range(2)]


def test_revival_invitations_count_against_the_client_limit(two_dormant, settings, as_user):
    """Invitations go to addresses that never asked for our mail: the per-client limit of
    the application form must hold on the revival form too."""
    from django.core import mail

    from tests import factories
    from tests.tasks import run_queued_tasks

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation_client": (1, 86400)}
    for n, chapter in enumerate(two_dormant):
        client = as_user(factories.make_user(f"reviver{n}@example.org"))
        client.defaults["REMOTE_ADDR"] = "203.0.113.50"
        response = client.post(reverse("network:revive", args=[chapter.slug]), {
            "why": "We start again.", "core_group_size": 3,
            "invited_emails": f"invitee{n}@example.org"})
        assert response.status_code == 302
    run_queued_tasks()
    invited = sorted(to for m in mail.outbox for to in m.to if to.startswith("invitee"))
    assert invited == ["invitee0@example.org"]


# -- Erasure: nothing of a deleted person is left in any text column ---------------------------

MARK_EMAIL = "zelda.erase@example.org"
MARK_NAME = "Zeldamarker"


def test_deleting_an_account_leaves_nothing_of_it_in_the_new_tables(chapter_a, chapter_b,
                                                                     alice, carol):
    """The person follows, watches a place, signs up, volunteers, offers help, talks in the
    thread, shares a material and receives an announcement; deleted, no column of any table
    (tests/privacy_search.py reads them all) holds their address or their name: not even
    the emails that told the organizers of their offer and message (task rows)."""
    from members.services import delete_account
    from network import services as desk
    from onboarding import services as onboarding
    from outreach import services as outreach
    from outreach.models import Audience, Message, MessageKind
    from tests import factories
    from tests.factories import make_help_request, make_material
    from tests.factories import make_session
    from tests.privacy_search import tables_holding
    from tests.tasks import run_queued_tasks

    person = factories.make_user(MARK_EMAIL, display_name=MARK_NAME)
    factories.make_membership(person, chapter_a)
    factories.make_membership(person, chapter_b, role="organizer")
    outreach.follow_signed_in(chapter_b, person, "digest")
    outreach.unsubscribe(chapter_a, MARK_EMAIL, person)  # an "off" record
    outreach.request_watch(52.52, 13.40, "Berlin", MARK_EMAIL, "en", client="203.0.113.1")
    registration = onboarding.register(make_session(chapter_a), name=MARK_NAME,
                                       email=MARK_EMAIL, client="203.0.113.1")
    onboarding.confirm_email(registration)
    desk.set_volunteer(person, True)
    help_request = make_help_request(chapter_a, posted_by=alice)
    offer = desk.offer_help(help_request, helper=person, message=f"{MARK_NAME} translates.")
    desk.accept_offer(offer, actor=alice)
    desk.send_message(offer, author=person, body=f"Draft by {MARK_NAME}")
    desk.send_message(offer, author=alice, body="Thanks!")
    make_material(chapter_b, shared_by=person, title="Slides")
    announcement = Message.objects.create(
        kind=MessageKind.ANNOUNCEMENT, chapter=chapter_a, audience=Audience.MEMBERS,
        subject="Meeting", body="Thursday.", created_by=alice)
    outreach.send_announcement(announcement, actor=alice,
                               expected=outreach.audiences.count(announcement))
    run_queued_tasks()

    delete_account(person)
    assert tables_holding(MARK_EMAIL) == []
    assert tables_holding(MARK_NAME) == []


def test_the_follow_limits_cache_keys_are_not_a_plain_hash_of_the_address(chapter_a):
    """The database cache keeps its rows (and backups keep them): an unkeyed SHA-256 of
    "scope:address" lets anyone holding a copy test whether an address asked to follow."""
    import hashlib

    from django.db import connection

    _follow(Client(REMOTE_ADDR="203.0.113.9"), chapter_a, "secret.follower@example.org")
    plain = hashlib.sha256(b"follow-recipient:secret.follower@example.org").hexdigest()[:32]
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM twc_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any("follow-recipient" in key for key in keys)
    assert not any(plain in key for key in keys)


def test_an_unsubscribe_token_cannot_be_moved_to_another_delivery(chapter_a, alice):
    """A recipient's own link, its id changed to a neighbour's (the signature kept), and a
    signature made without the unsubscribe salt are refused; the neighbour stays."""
    from django.core import signing
    from django.utils import timezone

    from outreach.models import Delivery, FollowChoice, Message, MessageKind
    from outreach.sending import unsubscribe_token

    message = Message.objects.create(kind=MessageKind.ANNOUNCEMENT, chapter=chapter_a,
                                     subject="S", body="B", sent_at=timezone.now())
    mine = Delivery.objects.create(message=message, email="me@example.org")
    theirs = Delivery.objects.create(message=message, email="neighbour@example.org")
    signature = unsubscribe_token(mine.pk).split(":", 1)[1]
    for token in (f"{theirs.pk}:{signature}", signing.Signer().sign(str(theirs.pk))):
        response = Client().post(reverse("outreach:unsubscribe", args=[token]))
        assert response.status_code == 404
    assert not Follow.objects.filter(email="neighbour@example.org").exists()
    assert Client().post(reverse("outreach:unsubscribe",
                                 args=[unsubscribe_token(mine.pk)])).status_code == 200
    assert Follow.objects.get(email="me@example.org").choice == FollowChoice.OFF


def test_a_help_offer_and_its_thread_reach_only_the_two_sides(chapter_a, chapter_b, alice, bob,
                                                              carol, admin_user, as_user):
    """Other volunteers, another chapter's organizer and a Global admin open the request
    but see neither the offer's words nor who made it; the thread is a 404 to them."""
    from network import services as desk
    from tests import factories
    from tests.factories import make_help_request

    helper = factories.make_user("quiet.helper@example.org", display_name="Quillon Helper")
    factories.make_membership(helper, chapter_b)
    for person in (helper, bob, carol):
        desk.set_volunteer(person, True)
    help_request = make_help_request(chapter_a, posted_by=alice)
    offer = desk.offer_help(help_request, helper=helper, message="Offer words 7f3a")
    detail = reverse("network:help_detail", args=[help_request.pk])
    for viewer in (bob, carol, admin_user):
        page = as_user(viewer).get(detail)
        assert page.status_code == 200
        assert b"Offer words 7f3a" not in page.content and b"Quillon" not in page.content
    own_side = as_user(alice).get(detail)
    assert b"Offer words 7f3a" in own_side.content and b"Quillon" in own_side.content
    desk.accept_offer(offer, actor=alice)
    desk.send_message(offer, author=helper, body="Thread words 9c1d")
    thread = reverse("network:help_thread", args=[help_request.pk, offer.pk])
    for viewer in (bob, carol, admin_user):
        assert as_user(viewer).get(thread).status_code == 404
    assert b"Thread words 9c1d" in as_user(alice).get(thread).content
    assert b"Thread words 9c1d" in as_user(helper).get(thread).content


@pytest.mark.parametrize("status, listed", [("active", True), ("semi_active", True),
                                            ("graduated", True), ("closed", True),
                                            ("dormant", False)])
def test_no_revival_opens_for_a_chapter_that_is_not_a_listed_dormant_one(db, baseline, as_user,
                                                                         status, listed):
    from cdp.models import Application
    from tests import factories

    chapter = factories.make_chapter("not-sleeping", name="TWC Not Sleeping", status=status,
                                     is_listed=listed)
    client = as_user(factories.make_user("eager@example.org"))
    url = reverse("network:revive", args=[chapter.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, {"why": "Now.", "core_group_size": 3}).status_code == 404
    assert not Application.objects.exists()
