"""Organizers' announcements: preview, the second look, one email per recipient, privacy."""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from outreach.models import Delivery, FollowChoice, Message
from tests.factories import make_registration, make_session
from tests.factories import make_follow


def _draft(client, chapter, **fields):
    data = {"subject": "Assembly on Friday", "body": "Come **all** of you.\n\n- tea\n- talk",
            "text_format": "markdown", "audience": "followers", "is_public": "on", **fields}
    response = client.post(reverse("outreach:compose", args=[chapter.slug]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Message.objects.latest("pk")


def _send(client, message):
    page = client.get(reverse("outreach:draft", args=[message.pk]))
    expected = re.search(r'name="expected" value="(\d+)"', page.content.decode()).group(1)
    return client.post(reverse("outreach:send", args=[message.pk]), {"expected": expected})


def test_an_announcement_goes_to_each_follower_alone_in_their_language(
        chapter_a, alice, as_user, outbox):
    make_follow(chapter_a, "anna@example.org", language="it")
    make_follow(chapter_a, "ben@example.org", language="de")
    make_follow(chapter_a, "unconfirmed@example.org", confirmed=False)
    make_follow(chapter_a, "gone@example.org", choice=FollowChoice.OFF)
    client = as_user(alice)
    message = _draft(client, chapter_a)
    page = client.get(reverse("outreach:draft", args=[message.pk])).content.decode()
    assert "<strong>all</strong>" in page and "<li>tea</li>" in page  # the preview
    assert "Send to 3 people?" in page  # anna, ben, alice (a member follows by default)
    assert outbox() == []  # nothing before the second look
    response = _send(client, message)
    assert response.status_code == 302
    sent = outbox()
    assert sorted(m.to[0] for m in sent) == ["alice@example.org", "anna@example.org",
                                             "ben@example.org"]
    by_address = {m.to[0]: m for m in sent}
    for email in sent:
        assert len(email.to) == 1 and not email.cc and not email.bcc
        assert email.from_email == "TWC Alpha via Tech Workers Coalition <noreply@example.org>"
        assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = email.extra_headers["List-Unsubscribe"].strip("<>")
        assert link in email.body  # the footer link is the header's
        assert "<img" not in email.body
    # The frame around the organizer's text is in each recipient's language.
    assert "La mia pagina:" in by_address["anna@example.org"].body
    assert "Meine Seite:" in by_address["ben@example.org"].body
    assert "My page:" in by_address["alice@example.org"].body
    assert Delivery.objects.filter(message=message, sent_at__isnull=False).count() == 3
    event = AuditEvent.objects.get(action=AuditAction.ANNOUNCEMENT_SENT)
    assert event.actor == alice and event.details["recipients"] == 3


def test_the_send_is_refused_when_the_audience_changed_since_the_second_look(
        chapter_a, alice, as_user, outbox):
    client = as_user(alice)
    message = _draft(client, chapter_a)
    response = client.post(reverse("outreach:send", args=[message.pk]), {"expected": "7"})
    assert response.status_code == 400
    assert "Send to 1 person?" in response.content.decode()
    assert outbox() == []


def test_a_chapter_sends_a_few_announcements_a_day(chapter_a, alice, as_user, settings,
                                                   outbox):
    settings.OUTREACH_DAILY_ANNOUNCEMENTS = 1
    client = as_user(alice)
    assert _send(client, _draft(client, chapter_a)).status_code == 302
    response = _send(client, _draft(client, chapter_a, subject="Again"))
    assert response.status_code == 400
    assert "sent its announcements for today" in response.content.decode()
    assert len(outbox()) == 1


def test_the_members_audience_is_members_only(chapter_a, alice, carol, as_user, outbox):
    make_follow(chapter_a, "follower@example.org")
    client = as_user(alice)
    _send(client, _draft(client, chapter_a, audience="members"))
    assert sorted(m.to[0] for m in outbox()) == ["alice@example.org", "carol@example.org"]


def test_the_registrants_audience_is_that_sessions_people_only(
        chapter_a, alice, as_user, outbox):
    session = make_session(chapter_a)
    other = make_session(chapter_a, days=9)
    make_registration(session, "reg@example.org")
    make_registration(other, "other@example.org")
    make_follow(chapter_a, "follower@example.org")
    client = as_user(alice)
    response = client.post(reverse("outreach:compose", args=[chapter_a.slug]), {
        "subject": "Bring a laptop", "body": "See you", "text_format": "plain",
        "audience": "registrants"})
    assert response.status_code == 400  # a session must be chosen
    message = _draft(client, chapter_a, audience="registrants", session=session.pk)
    _send(client, message)
    assert [m.to for m in outbox()] == [["reg@example.org"]]


def test_an_organizer_cannot_choose_another_chapters_session(
        chapter_a, chapter_b, alice, as_user):
    foreign = make_session(chapter_b)
    response = as_user(alice).post(reverse("outreach:compose", args=[chapter_a.slug]), {
        "subject": "x", "body": "y", "text_format": "plain", "audience": "registrants",
        "session": foreign.pk})
    assert response.status_code == 400


def test_another_organizer_cannot_open_or_send_this_chapters_draft(
        chapter_a, alice, bob, admin_user, as_user, outbox):
    message = _draft(as_user(alice), chapter_a)
    for person in (bob, admin_user):
        assert as_user(person).get(reverse("outreach:draft", args=[message.pk])).status_code == 404
        assert as_user(person).post(reverse("outreach:send", args=[message.pk]),
                                    {"expected": "1"}).status_code == 404
    assert outbox() == []


def test_public_announcements_are_listed_on_the_chapter_page_and_in_the_atom_feed(
        chapter_a, alice, as_user, outbox):
    client = as_user(alice)
    _send(client, _draft(client, chapter_a, subject="Public news"))
    _send(client, _draft(client, chapter_a, subject="Members only news", is_public=""))
    page = Client().get(chapter_a.get_absolute_url()).content.decode()
    assert "Public news" in page and "Members only news" not in page
    feed = Client().get(reverse("outreach:feed", args=[chapter_a.slug]))
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert b"Public news" in feed.content and b"Members only" not in feed.content
    private = Message.objects.get(subject="Members only news")
    assert Client().get(reverse("outreach:announcement",
                                args=[chapter_a.slug, private.pk])).status_code == 404
    public = Message.objects.get(subject="Public news")
    detail = Client().get(reverse("outreach:announcement", args=[chapter_a.slug, public.pk]))
    assert b"<strong>all</strong>" in detail.content


def test_global_admins_send_network_wide_once_per_address(
        chapter_a, chapter_b, alice, bob, admin_user, as_user, outbox):
    make_follow(chapter_a, "both@example.org")
    make_follow(chapter_b, "both@example.org")
    client = as_user(admin_user)
    response = client.post(reverse("outreach:network_compose"), {
        "subject": "Network news", "body": "Hello all", "text_format": "plain",
        "audience": "followers"})
    assert response.status_code == 302
    message = Message.objects.get(subject="Network news")
    assert message.chapter is None
    _send(client, message)
    sent = sorted(m.to[0] for m in outbox())
    assert sent == ["alice@example.org", "bob@example.org", "both@example.org"]
    assert as_user(alice).get(reverse("outreach:network_compose")).status_code == 403


def test_markdown_is_escaped_and_only_the_small_subset_renders():
    from outreach.markup import render_markdown

    html = render_markdown('<script>x</script> **b** [ok](https://e.org/?a=1&b=2) '
                           '[bad](javascript:alert(1)) <img src=x onerror=y>')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "<strong>b</strong>" in html
    assert '<a href="https://e.org/?a=1&amp;b=2" rel="nofollow noopener">ok</a>' in html
    assert "javascript:" not in html.split("[bad]")[0] and 'href="javascript' not in html


def test_nul_bytes_and_huge_input_do_not_fail(chapter_a, alice, as_user):
    response = as_user(alice).post(reverse("outreach:compose", args=[chapter_a.slug]), {
        "subject": "a\x00b", "body": "x" * 30_000, "text_format": "plain",
        "audience": "followers"})
    assert response.status_code == 400
    assert mail.outbox == []
