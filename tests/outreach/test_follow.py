"""Following a chapter: double opt-in by email, one tap when signed in, members by default."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from outreach.models import Follow, FollowChoice
from outreach.services import follower_count
from tests import factories
from tests.factories import make_follow


def _link(email_body: str) -> str:
    return re.search(r"https?://\S+/follow/(\S+)/", email_body).group(1)


def test_anyone_follows_with_an_email_address_confirmed_by_the_emailed_link(
        chapter_a, outbox):
    client = Client(HTTP_ACCEPT_LANGUAGE="it")
    response = client.post(reverse("outreach:follow", args=[chapter_a.slug]),
                           {"email": "Newcomer@Example.org", "choice": "digest"})
    assert response.status_code == 200
    follow = Follow.objects.get()
    assert follow.email == "newcomer@example.org" and follow.confirmed_at is None
    assert follow.language == "it"
    [email] = outbox()
    assert email.to == ["newcomer@example.org"]
    # Mail-relay rule: no text anyone typed goes to an unconfirmed address (not the name).
    assert chapter_a.name not in email.body and chapter_a.name not in email.subject
    token = _link(email.body)
    # Opening the link (a mail scanner does) confirms nothing; the button does.
    assert client.get(reverse("outreach:follow_confirm", args=[token])).status_code == 200
    follow.refresh_from_db()
    assert follow.confirmed_at is None
    response = client.post(reverse("outreach:follow_confirm", args=[token]))
    assert response.status_code == 200
    follow.refresh_from_db()
    assert follow.confirmed_at is not None and follow.choice == FollowChoice.DIGEST


def test_an_unknown_confirmation_token_is_a_404(db):
    assert Client().get(reverse("outreach:follow_confirm", args=["nope"])).status_code == 404


def test_the_answer_is_the_same_whether_or_not_the_address_follows(chapter_a, outbox):
    make_follow(chapter_a, "known@example.org")
    url = reverse("outreach:follow", args=[chapter_a.slug])
    known = Client().post(url, {"email": "known@example.org", "choice": "sessions"})
    unknown = Client().post(url, {"email": "unknown@example.org", "choice": "sessions"})
    assert known.status_code == unknown.status_code == 200

    def page(response):
        return re.sub(r'value="[^"]{32,}"', "", response.content.decode())

    assert page(known) == page(unknown)
    assert "Check your inbox" in page(known)


def test_a_request_cannot_undo_someones_unsubscribe_without_their_click(chapter_a, outbox):
    make_follow(chapter_a, "quiet@example.org", choice=FollowChoice.OFF)
    Client().post(reverse("outreach:follow", args=[chapter_a.slug]),
                  {"email": "quiet@example.org", "choice": "sessions"})
    follow = Follow.objects.get(email="quiet@example.org")
    assert follow.choice == FollowChoice.OFF and follow.pending_choice == "sessions"
    token = _link(outbox()[0].body)
    Client().post(reverse("outreach:follow_confirm", args=[token]))
    follow.refresh_from_db()
    assert follow.choice == FollowChoice.SESSIONS


def test_follow_requests_are_rate_limited_per_recipient(chapter_a, settings, outbox):
    settings.OUTREACH_FOLLOWS_PER_RECIPIENT_DAY = 2
    url = reverse("outreach:follow", args=[chapter_a.slug])
    statuses = [Client(REMOTE_ADDR=f"10.0.0.{n}").post(
        url, {"email": "target@example.org", "choice": "sessions"}).status_code
        for n in range(4)]
    assert statuses == [200, 200, 429, 429]
    assert len(outbox()) == 2


def test_follow_requests_are_rate_limited_per_client_address(chapter_a, settings, outbox):
    settings.OUTREACH_FOLLOWS_PER_ADDRESS_HOUR = 3
    url = reverse("outreach:follow", args=[chapter_a.slug])
    client = Client(REMOTE_ADDR="10.9.9.9")
    statuses = [client.post(url, {"email": f"p{n}@example.org", "choice": "sessions"})
                .status_code for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert Follow.objects.count() == 3


def test_a_bad_address_keeps_what_was_typed(chapter_a):
    response = Client().post(reverse("outreach:follow", args=[chapter_a.slug]),
                             {"email": "not-an-address", "choice": "digest"})
    assert response.status_code == 400
    assert b"not-an-address" in response.content
    assert not Follow.objects.exists()


def test_a_signed_in_person_follows_in_one_tap_with_their_verified_address(
        chapter_b, carol, as_user, outbox):
    response = as_user(carol).post(reverse("outreach:follow", args=[chapter_b.slug]),
                                   {"choice": "sessions"})
    assert response.status_code == 302
    follow = Follow.objects.get()
    assert follow.user == carol and follow.email == "carol@example.org"
    assert follow.confirmed_at is not None
    assert outbox() == []  # nothing to confirm


def test_a_signed_in_person_without_a_verified_address_cannot_follow_in_one_tap(
        chapter_b, as_user):
    from allauth.account.models import EmailAddress

    person = factories.make_user("unverified@example.org")
    EmailAddress.objects.filter(user=person).update(verified=False)
    response = as_user(person).post(reverse("outreach:follow", args=[chapter_b.slug]),
                                    {"choice": "sessions"})
    assert response.status_code == 400
    assert not Follow.objects.exists()


def test_members_follow_their_chapter_unless_they_opt_out(chapter_a, carol, as_user):
    assert follower_count(chapter_a) == 1  # carol, as a member, by default
    as_user(carol).post(reverse("outreach:follow", args=[chapter_a.slug]),
                        {"choice": "off", "back": "me"})
    assert follower_count(chapter_a) == 0
    assert Follow.objects.get().choice == FollowChoice.OFF


def test_organizers_see_a_count_and_never_the_list(chapter_a, alice, bob, as_user):
    make_follow(chapter_a, "secret.follower@example.org")
    page = as_user(alice).get(reverse("outreach:manage", args=[chapter_a.slug]))
    assert page.status_code == 200
    assert b"secret.follower" not in page.content
    assert "2 people follow" in page.content.decode()  # the follower and alice (a member)
    chapter_page = as_user(alice).get(chapter_a.get_absolute_url()).content.decode()
    assert "2 followers" in chapter_page and "secret.follower" not in chapter_page
    # Another chapter's organizer sees no count of this chapter.
    assert "followers (members" not in as_user(bob).get(chapter_a.get_absolute_url()).content.decode()
    assert as_user(bob).get(reverse("outreach:manage", args=[chapter_a.slug])).status_code == 403


def test_me_lists_follows_with_a_choice_each(chapter_a, chapter_b, carol, as_user,
                                             django_assert_num_queries):
    client = as_user(carol)
    client.get(reverse("members:me"))  # warm the session
    make_follow(chapter_b, "carol@example.org", choice=FollowChoice.DIGEST)
    page = client.get(reverse("members:me")).content.decode()
    assert "TWC Beta" in page and "TWC Alpha" in page  # Alpha as a member, by default
    assert re.search(r'value="digest"[^>]*checked', page)
    response = client.post(reverse("outreach:follow", args=[chapter_b.slug]),
                           {"choice": "announcements", "back": "me"})
    assert response["Location"] == reverse("members:me")
    assert Follow.objects.get(chapter=chapter_b).choice == "announcements"


def test_the_me_block_costs_the_same_queries_with_more_follows(
        chapter_a, carol, django_assert_max_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    template = Template("{% load outreach %}{% my_follows user %}")

    def render():
        request = RequestFactory().get("/me/")
        request.user = carol
        return template.render(Context({"user": carol, "request": request}))

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    render()  # the person's roles are read once per request and kept on them
    with CaptureQueriesContext(connection) as few:
        render()
    for n in range(6):
        chapter = factories.make_chapter(f"more-{n}")
        make_follow(chapter, "carol@example.org")
    with CaptureQueriesContext(connection) as many:
        html = render()
    assert html.count("<li>") == 7
    assert len(many) == len(few) <= 4


def test_me_finds_follows_and_watches_by_account_and_by_each_verified_address(
        chapter_a, chapter_b, carol, as_user):
    from allauth.account.models import EmailAddress

    from django.utils import timezone

    from outreach.models import PlaceWatch

    EmailAddress.objects.create(user=carol, email="Carol.Work@Example.org", verified=True)
    EmailAddress.objects.create(user=carol, email="unproved@example.org", verified=False)
    third = factories.make_chapter("gamma", name="TWC Gamma")
    fourth = factories.make_chapter("delta", name="TWC Delta")
    make_follow(chapter_b, "someone@example.org", user=carol)  # by account
    make_follow(third, "carol.work@example.org")  # by a second verified address
    make_follow(fourth, "unproved@example.org")  # an address she has not proved
    PlaceWatch.objects.create(email="carol@example.org", latitude=1.5, longitude=2.5,
                              confirmed_at=timezone.now())
    PlaceWatch.objects.create(email="unproved@example.org", latitude=3.5, longitude=4.5,
                              confirmed_at=timezone.now())
    page = as_user(carol).get(reverse("members:me")).content.decode()
    assert "TWC Beta" in page and "TWC Gamma" in page
    assert "TWC Delta" not in page
    from outreach.templatetags.outreach import _of_person

    assert [(w.latitude, w.longitude) for w in _of_person(PlaceWatch, carol)] == [(1.5, 2.5)]


def test_unconfirmed_follows_expire_after_a_week(chapter_a):
    import datetime as dt

    from django.utils import timezone

    from outreach.jobs import expire_unconfirmed

    old = make_follow(chapter_a, "old@example.org", confirmed=False)
    Follow.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    make_follow(chapter_a, "fresh@example.org", confirmed=False)
    make_follow(chapter_a, "confirmed@example.org")
    Follow.objects.filter(email="confirmed@example.org").update(
        created_at=timezone.now() - dt.timedelta(days=30))
    expire_unconfirmed()
    assert sorted(Follow.objects.values_list("email", flat=True)) == [
        "confirmed@example.org", "fresh@example.org"]


def test_the_periodic_jobs_are_registered():
    from core.periodic import JOBS

    assert {"outreach.weekly_digest", "outreach.expire_unconfirmed",
            "outreach.resume_stalled"} <= set(JOBS)
    assert mail.outbox == []


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_me_blocks_choice_forms_are_the_forms_own_rendering(language):
    """/me/'s choice forms are rendered once per language and choice (for a stand-in id):
    each must be exactly what the form renders for that chapter."""
    from django.utils import translation

    from outreach.forms import ChoiceForm
    from outreach.models import FollowChoice
    from outreach.templatetags.outreach import choice_form

    with translation.override(language):
        for choice in FollowChoice.values:
            for pk in (1, 42, 10**12):
                expected = str(ChoiceForm(initial={"choice": choice},
                                          auto_id=f"id_follow_{pk}_%s"))
                assert choice_form(pk, choice) == expected
                assert choice_form(str(pk), choice) == expected
    with pytest.raises(ValueError):
        choice_form('1"><script>', FollowChoice.SESSIONS)


def test_the_me_block_from_the_pages_memberships_is_the_block_it_queries(chapter_a, carol):
    """/me/ hands the tag the memberships it loaded: the block is the same as asked alone
    (active ones only, a followed chapter once, names in order)."""
    from django.template import Context, Template
    from django.test import RequestFactory

    from members.models import Membership

    for slug, name, status in [("zeta", "TWC Zeta", "active"), ("eta", "TWC Eta", "pending"),
                               ("iota", "TWC Iota", "left"), ("kappa", "TWC Kappa", "active")]:
        factories.make_membership(carol, factories.make_chapter(slug, name=name), status=status)
    make_follow(factories.make_chapter("kappa-2", name="TWC Kappa 2"), "carol@example.org")
    make_follow(Membership.objects.get(user=carol, chapter__slug="zeta").chapter,
                "carol@example.org")
    other = factories.make_user("dave@example.org")
    foreign = factories.make_membership(other, factories.make_chapter("mu", name="TWC Mu"))
    request = RequestFactory().get("/me/")
    request.user = carol

    def render(source: str, **extra) -> str:
        return Template("{% load outreach %}" + source).render(
            Context({"user": carol, "request": request, **extra}))

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    render("{% my_follows user %}")  # the person's roles are read once and kept on them
    with CaptureQueriesContext(connection) as asked:
        alone = render("{% my_follows user %}")
    mine = list(carol.memberships.select_related("chapter").order_by("chapter__name"))
    with CaptureQueriesContext(connection) as handed:
        given = render("{% my_follows user memberships %}", memberships=[*mine, foreign])
    assert given == alone
    assert len(handed) == len(asked) - 1
    assert "TWC Kappa" in alone and "TWC Eta" not in alone and "TWC Mu" not in alone
    assert alone.count(">TWC Zeta<") == 1
