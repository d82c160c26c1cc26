"""The world every URL in the permission table is requested in: two chapters and a person
for each role (the personas of tests/conftest.py), plus the ids views take from the URL."""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import signed_in

# The personas of the permission table, in its column order.
PERSONAS = ("anonymous", "member", "other_organizer", "organizer", "coach", "admin")
# One more person, checked on every row too: an applicant of the Chapter Development Program
# (dana: signed in, no chapter, no role, no MFA: applicants are not elevated). Outside the
# program's pages an entry's `applicant` defaults to the member column's outcome.
ALL_PERSONAS = (*PERSONAS, "applicant")


@dataclass
class World:
    """Objects a URL's kwargs are built from. `chapter_a` is "this chapter": alice organizes
    it and carol is its member; bob organizes chapter_b (the "other" organizer)."""

    chapter_a: Any
    chapter_b: Any
    users: dict[str, Any]
    # Other apps' objects (an onboarding session of chapter A, a CDP application...) go here,
    # keyed by a short name, so their table entries can build kwargs from them.
    extra: dict[str, Any] = field(default_factory=dict)

    def client(self, persona: str):
        from django.test import Client

        user = self.users[persona]
        return Client() if user is None else signed_in(user)


# Builders of other apps' objects for World.extra, run in this order once the personas exist,
# e.g. "session_a": lambda w: make_session(w.chapter_a, created_by=w.users["organizer"]).
def _session_a(w: World):
    from tests.factories import make_session

    return make_session(w.chapter_a)


def _registration_a(w: World):
    from tests.factories import make_registration

    return make_registration(w.extra["session_a"], "newcomer@example.org")


def _membership_a(w: World):
    """carol's membership of chapter A."""
    return w.users["member"].memberships.get(chapter=w.chapter_a)


def _milestone(w: World):
    from tests.factories import make_milestone

    return make_milestone("Core group", required=True)


def _application(state: str):
    def build(w: World):
        from tests.factories import make_application, make_place

        place = w.extra.get("place") or make_place()
        w.extra["place"] = place
        return make_application(w.users["applicant"], place=place, coach=w.users["coach"],
                                state=state)

    return build


def _resource(w: World):
    from django.core.files.base import ContentFile

    from cdp.models import TrainingResource

    resource = TrainingResource(title="Organizing 101", language="en")
    resource.file.save("organizing-101.pdf", ContentFile(b"%PDF-1.4 fictional"), save=True)
    return resource


def _partner(w: World):
    from chapters.models import PartnerOrganization

    return PartnerOrganization.objects.create(
        name="Fictional Union", url="https://union.example.org", countries=["DE"])


def _peer(w: World):
    from chapters.models import PeerNetwork

    return PeerNetwork.objects.create(name="Fictional Allied Network", slug="allied",
                                      base_url="https://allied.example.org",
                                      key_fingerprint="0" * 64)


def _follow(w: World):
    from outreach.models import Follow

    return Follow.objects.create(chapter=w.chapter_a, email="follower@example.org")


def _watch(w: World):
    from outreach.models import PlaceWatch

    return PlaceWatch.objects.create(email="watcher@example.org", latitude=52.5,
                                     longitude=13.4)


def _announcement_draft(w: World):
    from outreach.models import Message, MessageKind

    return Message.objects.create(kind=MessageKind.ANNOUNCEMENT, chapter=w.chapter_a,
                                  subject="Draft", body="Not sent yet",
                                  created_by=w.users["organizer"])


def _announcement_public(w: World):
    from django.utils import timezone

    from outreach.models import Message, MessageKind

    return Message.objects.create(kind=MessageKind.ANNOUNCEMENT, chapter=w.chapter_a,
                                  subject="Public", body="Sent", is_public=True,
                                  sent_at=timezone.now(), finished_at=timezone.now())


def _delivery(w: World):
    from outreach.models import Delivery

    return Delivery.objects.create(message=w.extra["announcement_public"],
                                   email="follower@example.org")
def _dormant_chapter(w: World):
    from tests.factories import make_chapter

    return make_chapter("dormant-town", name="TWC Dormant Town", status="dormant")


def _inactive_flag(w: World):
    from network.models import InactiveChapterFlag

    return InactiveChapterFlag.objects.create(chapter=w.chapter_b)


def _helper(w: World):
    """A volunteer who is none of the personas: offers on chapter A's requests are theirs."""
    from tests.factories import make_user

    return make_user("helper@example.org", display_name="Helper")


def _help_a(w: World):
    from tests.factories import make_help_request

    return make_help_request(w.chapter_a, posted_by=w.users["organizer"])


def _offer_a(w: World):
    from tests.factories import make_offer

    return make_offer(w.extra["help_a"], w.extra["helper"])


def _accepted_offer_a(w: World):
    from network.models import HelpStatus, OfferStatus
    from tests.factories import make_help_request, make_offer

    accepted = make_help_request(w.chapter_a, status=HelpStatus.ACCEPTED, title="A website")
    return make_offer(accepted, w.extra["helper"], status=OfferStatus.ACCEPTED)


def _material_a(w: World):
    from tests.factories import make_material

    return make_material(w.chapter_a, shared_by=w.users["organizer"])


# The in-program application `application` has dana as applicant and the coach persona as its
# assigned coach; `application_changes` is dana's too, waiting for her changes.
EXTRA: dict[str, Callable[[World], Any]] = {
    "session_a": _session_a,
    "registration_a": _registration_a,
    "membership_a": _membership_a,
    "milestone": _milestone,
    "application": _application("in_program"),
    "application_changes": _application("changes_requested"),
    "resource": _resource,
    "partner": _partner,
    "peer": _peer,
    "follow": _follow,
    "watch": _watch,
    "announcement_draft": _announcement_draft,
    "announcement_public": _announcement_public,
    "delivery": _delivery,
    "dormant_chapter": _dormant_chapter,
    "inactive_flag": _inactive_flag,
    "helper": _helper,
    "help_a": _help_a,
    "offer_a": _offer_a,
    "accepted_offer_a": _accepted_offer_a,
    "material_a": _material_a,
}


@pytest.fixture
def world(chapter_a, chapter_b, alice, bob, carol, coach, admin_user) -> World:
    from tests import factories

    users = {
        "anonymous": None, "member": carol, "other_organizer": bob, "organizer": alice,
        "coach": coach, "admin": admin_user,
        "applicant": factories.make_user("dana@example.org", display_name="Dana"),
    }
    built = World(chapter_a=chapter_a, chapter_b=chapter_b, users=users)
    for key, build in EXTRA.items():
        built.extra[key] = build(built)
    return built
