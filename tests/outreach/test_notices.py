"""Unsubscribing (RFC 8058), session notices, the weekly digest, launches and revivals."""

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cdp import signals as cdp_signals
from onboarding import services as onboarding_services
from outreach.models import Delivery, Follow, FollowChoice, Message, MessageKind, PlaceWatch
from outreach.jobs import send_weekly_digests
from tests import factories
from tests.factories import CALL, VENUE
from tests.factories import make_follow


def _schedule(chapter, organizer, **fields):
    start = timezone.now() + dt.timedelta(days=5)
    values = {"title": "Welcome evening", "description": "Meet us.", "starts_at": start,
              "ends_at": start + dt.timedelta(hours=2), "format": "hybrid", "language": "en",
              "capacity": 20, "venue_address": VENUE, "call_link": CALL}
    values.update(fields)
    session = onboarding_services.create_session(chapter, actor=organizer, **values)
    # The signal is sent after the commit; tests run inside one transaction, so send it here.
    from onboarding.signals import session_published

    session_published.send(sender=type(session), session=session)
    return session


def test_one_click_unsubscribe_is_a_post_without_token_or_sign_in(chapter_a, alice, outbox):
    make_follow(chapter_a, "anna@example.org")
    _schedule(chapter_a, alice)
    email = next(m for m in outbox() if m.to == ["anna@example.org"])
    link = email.extra_headers["List-Unsubscribe"].strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]
    client = Client(enforce_csrf_checks=True)
    # A GET only asks (a mail scanner opening links must not unsubscribe anyone).
    page = client.get("/" + path)
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    assert Follow.objects.get(email="anna@example.org").choice == FollowChoice.SESSIONS
    response = client.post("/" + path, "List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert Follow.objects.get(email="anna@example.org").choice == FollowChoice.OFF
    assert b"anna@example.org" not in path.encode()  # no address in the link


def test_a_forged_unsubscribe_token_is_a_404(db):
    assert Client().post(reverse("outreach:unsubscribe", args=["12:forged"])).status_code == 404
    assert Client().get(reverse("outreach:unsubscribe", args=["x"])).status_code == 404


def test_a_member_who_unsubscribes_gets_no_more_from_the_chapter(
        chapter_a, alice, carol, outbox):
    _schedule(chapter_a, alice)
    email = next(m for m in outbox() if m.to == ["carol@example.org"])
    link = email.extra_headers["List-Unsubscribe"].strip("<>")
    Client().post("/" + link.split("://", 1)[1].split("/", 1)[1])
    before = len(outbox())
    _schedule(chapter_a, alice, title="Second evening")
    assert "carol@example.org" not in [m.to[0] for m in outbox()[before:]]


def test_followers_hear_of_a_new_session_in_their_language_with_the_ics_and_no_venue(
        chapter_a, alice, outbox):
    make_follow(chapter_a, "anna@example.org", language="it")
    make_follow(chapter_a, "digest@example.org", choice=FollowChoice.DIGEST)
    make_follow(chapter_a, "quiet@example.org", choice=FollowChoice.ANNOUNCEMENTS)
    _schedule(chapter_a, alice)
    sent = outbox()
    assert sorted(m.to[0] for m in sent) == ["alice@example.org", "anna@example.org"]
    anna = next(m for m in sent if m.to == ["anna@example.org"])
    assert "La mia pagina:" in anna.body
    [(name, ics, mimetype)] = anna.attachments
    ics = ics if isinstance(ics, str) else ics.decode()
    assert mimetype == "text/calendar" and "Welcome evening" in ics and name.endswith(".ics")
    for text in (anna.body, ics):
        assert VENUE not in text and CALL not in text
    assert "Welcome evening" in anna.subject


def test_a_signal_heard_twice_sends_nothing_twice(chapter_a, alice, outbox):
    make_follow(chapter_a, "anna@example.org")
    session = _schedule(chapter_a, alice)
    from onboarding.signals import session_published

    session_published.send(sender=type(session), session=session)
    assert [m.to[0] for m in outbox()].count("anna@example.org") == 1


def test_the_weekly_digest_lists_the_weeks_new_sessions_for_digest_readers_only(
        chapter_a, chapter_b, alice, bob, outbox):
    make_follow(chapter_a, "digest@example.org", choice=FollowChoice.DIGEST, language="de")
    make_follow(chapter_b, "digest-b@example.org", choice=FollowChoice.DIGEST)
    _schedule(chapter_a, alice, title="First evening")
    _schedule(chapter_a, alice, title="Second evening",
              starts_at=timezone.now() + dt.timedelta(days=8),
              ends_at=timezone.now() + dt.timedelta(days=8, hours=2))
    old = _schedule(chapter_a, alice, title="Old news")
    type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=9))
    before = len(outbox())
    assert send_weekly_digests() == "1 digests"  # chapter B published nothing
    [digest] = outbox()[before:]
    assert digest.to == ["digest@example.org"]
    assert "First evening" in digest.body and "Second evening" in digest.body
    assert "Old news" not in digest.body
    assert digest.body.index("First evening") < digest.body.index("Second evening")
    assert "Meine Seite:" in digest.body
    assert send_weekly_digests() == "0 digests"  # the same week again: nothing twice
    assert len(outbox()) == before + 1


def test_a_launch_near_a_watched_place_sends_one_email_and_forgets_the_place(
        chapter_a, baseline, outbox):
    near = PlaceWatch.objects.create(email="near@example.org", latitude=52.4,
                                     longitude=13.1, confirmed_at=timezone.now())
    PlaceWatch.objects.create(email="far@example.org", latitude=48.1, longitude=11.6,
                              confirmed_at=timezone.now())
    PlaceWatch.objects.create(email="unconfirmed@example.org", latitude=52.5, longitude=13.4)
    chapter = factories.make_chapter("potsdam", name="TWC Potsdam", latitude=52.39,
                                     longitude=13.06)
    cdp_signals.chapter_launched.send(sender=None, chapter=chapter, application=None,
                                      revived=False)
    cdp_signals.chapter_launched.send(sender=None, chapter=chapter, application=None,
                                      revived=False)
    sent = outbox()
    assert [m.to for m in sent] == [["near@example.org"]]
    assert "TWC Potsdam" in sent[0].body
    assert not PlaceWatch.objects.filter(pk=near.pk).exists()
    assert PlaceWatch.objects.filter(email="far@example.org").exists()


def test_a_revival_invites_followers_and_watchers_near_once_each(chapter_a, outbox):
    from tests.factories import make_application

    chapter_a.status = "dormant"
    chapter_a.save()
    make_follow(chapter_a, "fan@example.org")
    make_follow(chapter_a, "both@example.org")
    PlaceWatch.objects.create(email="both@example.org", latitude=52.5, longitude=13.4,
                              confirmed_at=timezone.now())
    PlaceWatch.objects.create(email="watcher@example.org", latitude=52.6, longitude=13.3,
                              confirmed_at=timezone.now())
    make_follow(chapter_a, "quiet@example.org", choice=FollowChoice.OFF)
    application = make_application(factories.make_user("reviver@example.org"))
    for _ in range(2):
        cdp_signals.revival_requested.send(sender=None, application=application,
                                           chapter=chapter_a)
    sent = sorted(m.to[0] for m in outbox())
    assert sent == ["both@example.org", "fan@example.org", "watcher@example.org"]
    assert Message.objects.filter(kind=MessageKind.REVIVAL).count() == 1


def test_watching_a_place_from_the_directory_is_confirmed_by_link(db, gazetteer, outbox):
    from chapters.models import Place

    place = Place.objects.order_by("-population").first()
    page = Client().get(reverse("outreach:watch") + f"?place={place.pk}")
    assert page.status_code == 200 and place.name in page.content.decode()
    response = Client().post(reverse("outreach:watch"), {
        "place": place.pk, "email": "w@example.org", "lat": "0", "lon": "0"})
    assert response.status_code == 200
    watch = PlaceWatch.objects.get()
    assert (watch.latitude, watch.longitude) == (round(place.latitude, 2),
                                                 round(place.longitude, 2))
    [email] = outbox()
    token = email.body.split("/watch/")[1].split("/")[0]
    Client().post(reverse("outreach:watch_confirm", args=[token]))
    watch.refresh_from_db()
    assert watch.confirmed_at is not None


def test_a_watch_without_a_place_is_a_400(db):
    assert Client().get(reverse("outreach:watch")).status_code == 400
    assert Client().get(reverse("outreach:watch") + "?lat=999&lon=x").status_code == 400


def test_a_stalled_message_is_queued_again(chapter_a, alice, outbox):
    from outreach import jobs

    make_follow(chapter_a, "anna@example.org")
    session = _schedule(chapter_a, alice)
    message = Message.objects.get(session=session)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # the worker that had it died with its task row
    assert jobs.resume_stalled() == 0  # not stalled yet
    assert jobs.resume_stalled(timezone.now() + dt.timedelta(minutes=11)) == 1
    assert sorted(m.to[0] for m in outbox()) == ["alice@example.org", "anna@example.org"]
    assert Delivery.objects.filter(message=message, sent_at__isnull=True).count() == 0


def test_an_address_the_server_refuses_does_not_hold_up_the_others(
        chapter_a, alice, settings, outbox):
    settings.MAILERS = {"default": {"BACKEND": "tests.outreach.slowmail.RefusingBackend"}}
    make_follow(chapter_a, "refused@example.org")
    make_follow(chapter_a, "zoe@example.org")
    session = _schedule(chapter_a, alice)
    assert sorted(m.to[0] for m in outbox()) == ["alice@example.org", "zoe@example.org"]
    message = Message.objects.get(session=session)
    refused = Delivery.objects.get(message=message, email="refused@example.org")
    assert refused.refused and refused.sent_at is not None
    assert message.deliveries.filter(sent_at__isnull=True).count() == 0


def test_a_huge_or_odd_place_id_is_a_400_not_an_error(db):
    for place in ("9" * 5000, "²", "99999999999999999999", "-1"):
        assert Client().get(reverse("outreach:watch"), {"place": place}).status_code == 400


def test_a_malformed_token_is_a_4xx_never_a_500(db):
    for prefix in ("/follow/", "/watch/", "/unsubscribe/"):
        # A NUL byte is refused before any view (RefuseNulBytesMiddleware); garbage is a 404.
        assert Client().get(prefix + "abc%00def/").status_code == 400
        assert Client().get(prefix + "abc'def/").status_code == 404


def test_a_search_by_coordinates_with_nothing_near_offers_a_watch_that_works(
        db, chapter_a, outbox):
    import html
    import re

    # The middle of the Atlantic: the directory says nothing is near, and offers the watch.
    page = Client().get(reverse("chapters:directory") + "?lat=40.123&lon=-30.456")
    assert page.status_code == 200
    [link] = re.findall(r'href="([^"]*/watch/[^"]*)"', page.content.decode())
    link = html.unescape(link)
    assert "lat=40.12" in link and "lon=-30.46" in link
    assert Client().get(link).status_code == 200
    query = dict(pair.split("=") for pair in link.split("?")[1].split("&"))
    response = Client().post(reverse("outreach:watch"), {**query, "email": "w@example.org"})
    assert response.status_code == 200
    watch = PlaceWatch.objects.get()
    assert (watch.latitude, watch.longitude) == (40.12, -30.46)
