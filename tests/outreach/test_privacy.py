"""Erasure and export cover follows, place watches and deliveries."""

import json

from django.urls import reverse
from django.utils import timezone

from core.personal_data import erase_personal_data, export_personal_data
from outreach.models import Delivery, Follow, Message, MessageKind, PlaceWatch
from tests import factories
from tests.factories import make_follow


def _world(chapter_a, chapter_b, person):
    make_follow(chapter_b, person.email, language="de")
    make_follow(chapter_b, "someone.else@example.org")
    PlaceWatch.objects.create(email=person.email, latitude=1.0, longitude=2.0,
                              place_name="Somewhere", confirmed_at=timezone.now())
    message = Message.objects.create(kind=MessageKind.ANNOUNCEMENT, chapter=chapter_b,
                                     subject="Hello", body="x", sent_at=timezone.now())
    Delivery.objects.create(message=message, email=person.email, user=person)
    Delivery.objects.create(message=message, email="someone.else@example.org")


def test_export_holds_the_persons_follows_watches_and_emails_only(
        chapter_a, chapter_b, carol, as_user):
    _world(chapter_a, chapter_b, carol)
    response = as_user(carol).get(reverse("members:export_data"))
    data = json.loads(b"".join(response.streaming_content) if response.streaming
                      else response.content)["outreach"]
    assert [f["chapter"] for f in data["follows"]] == ["TWC Beta"]
    assert [w["place"] for w in data["place_watches"]] == ["Somewhere"]
    assert [e["subject"] for e in data["emails_received"]] == ["Hello"]
    assert "someone.else" not in json.dumps(data)


def test_erasure_removes_follows_watches_and_deliveries_and_keeps_others(
        chapter_a, chapter_b, carol):
    _world(chapter_a, chapter_b, carol)
    erase_personal_data(carol)
    assert not Follow.objects.filter(email=carol.email).exists()
    assert not PlaceWatch.objects.filter(email=carol.email).exists()
    assert not Delivery.objects.filter(email=carol.email).exists()
    assert Follow.objects.filter(email="someone.else@example.org").exists()
    assert Delivery.objects.filter(email="someone.else@example.org").exists()


def test_an_unverified_added_address_does_not_reach_someone_elses_follows(chapter_b):
    from allauth.account.models import EmailAddress

    make_follow(chapter_b, "victim@example.org")
    person = factories.make_user("mallory@example.org")
    EmailAddress.objects.create(user=person, email="victim@example.org", verified=False)
    erase_personal_data(person)
    assert Follow.objects.filter(email="victim@example.org").exists()
    assert export_personal_data(person)["outreach"]["follows"] == []
