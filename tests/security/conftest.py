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
EXTRA: dict[str, Callable[[World], Any]] = {}


@pytest.fixture
def world(chapter_a, chapter_b, alice, bob, carol, coach, admin_user) -> World:
    users = {
        "anonymous": None, "member": carol, "other_organizer": bob, "organizer": alice,
        "coach": coach, "admin": admin_user,
    }
    built = World(chapter_a=chapter_a, chapter_b=chapter_b, users=users)
    for key, build in EXTRA.items():
        built.extra[key] = build(built)
    return built
