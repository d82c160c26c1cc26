"""Personas for every role, and clients signed in as them.

alice organizes chapter A, bob organizes chapter B, carol is a member of A, coach coaches,
admin is a Global admin. Everyone with a role has a second factor set up.
"""

import pytest
from django.test import Client

from core import pagecache
from tests import factories
from tests.gazetteer import _gazetteer_once, gazetteer  # noqa: F401


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_fragments(settings):
    """Each test's rolled-back data versions start again from the same numbers: so must
    the cache of rendered pages (in production versions only ever rise). Tests read the
    versions on every request; tests/chapters/test_pagecache.py covers the one-second trust.

    The shared cache of pages is the same memory here (clearing `fragments` clears it), so
    the tests' query counts are the pages' own; tests/chapters/test_pagecache_shared.py
    covers the database one."""
    settings.PAGECACHE_VERSION_SECONDS = 0
    settings.CACHES = {**settings.CACHES, "pages": settings.CACHES["fragments"]}
    pagecache.forget()


@pytest.fixture
def baseline(db):
    return factories.make_policy(None, exclude_owners_executives_investors=True)


@pytest.fixture
def chapter_a(db, baseline):
    return factories.make_chapter("alpha", name="TWC Alpha", city="Berlin")


@pytest.fixture
def chapter_b(db, baseline):
    return factories.make_chapter(
        "beta", name="TWC Beta", city="Milan", country="IT", latitude=45.4643,
        longitude=9.1895, timezone="Europe/Rome",
    )


@pytest.fixture
def alice(chapter_a):
    return factories.make_organizer(chapter_a, "alice@example.org")


@pytest.fixture
def bob(chapter_b):
    return factories.make_organizer(chapter_b, "bob@example.org")


@pytest.fixture
def carol(chapter_a):
    user = factories.make_user("carol@example.org", display_name="Carol")
    factories.make_membership(user, chapter_a)
    return user


@pytest.fixture
def coach(db):
    return factories.make_user("coach@example.org", mfa=True, is_coach=True)


@pytest.fixture
def admin_user(db):
    # Staff too, as Global admins are: Django's admin lets them in (members/admin_site.py).
    return factories.make_user("admin@example.org", mfa=True, is_global_admin=True,
                               is_staff=True)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_user():
    """as_user(person) gives a test client signed in as that person."""
    return signed_in
