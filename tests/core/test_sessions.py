"""The session engine (core.sessions) and the read of the signed-in person
(UserManager.get): the same rows as Django's own, read without building a query, and a
signed-out, expired or deactivated session still refused on the very next request."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.backends import db as django_db_sessions
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models.query import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.sessions import SessionStore
from members.models import User
from tests import factories
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def _fields(user: User) -> dict:
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


def test_a_session_made_by_djangos_engine_reads_the_same_and_back():
    theirs = django_db_sessions.SessionStore()
    theirs.update({"a": 1, "b": ["x"]})
    theirs.create()
    assert dict(SessionStore(theirs.session_key).load()) == {"a": 1, "b": ["x"]}
    ours = SessionStore()
    ours.update({"c": 2})
    ours.create()
    assert dict(django_db_sessions.SessionStore(ours.session_key).load()) == {"c": 2}


def test_an_expired_or_missing_session_reads_as_none():
    store = SessionStore()
    store["a"] = 1
    store.create()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None
    assert SessionStore("x" * 32).load() == {}
    assert SessionStore(None).load() == {}


def test_the_signed_in_person_is_read_in_two_queries_and_signing_out_ends_it():
    user = factories.make_user()
    client = signed_in(user)
    client.get("/bench/ping")  # the first request keeps the roles in the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/me/").status_code == 200
    assert sum('FROM "django_session"' in q["sql"] for q in queries) == 1
    assert sum('FROM "members_user" WHERE' in q["sql"] for q in queries) == 1
    client.post("/accounts/logout/")
    assert client.get("/me/").status_code == 302  # to sign in


def test_a_deactivated_person_or_a_changed_password_is_signed_out_on_the_next_request():
    user = factories.make_user()
    client = signed_in(user)
    assert client.get("/me/").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/me/").status_code == 302
    other = factories.make_user()
    client = signed_in(other)
    assert client.get("/me/").status_code == 200
    other.set_password("a new one, long enough")
    User.objects.filter(pk=other.pk).update(password=other.password)
    assert client.get("/me/").status_code == 302


def test_the_person_read_by_key_is_the_orms_row():
    user = factories.make_user()
    User.objects.filter(pk=user.pk).update(last_login=timezone.now(), preferred_language="de")
    ours, theirs = User.objects.get(pk=user.pk), QuerySet(User).get(pk=user.pk)
    assert _fields(ours) == _fields(theirs) and ours._state.adding is False
    assert type(ours.last_login) is type(theirs.last_login) is dt.datetime
    assert User.objects.get(pk=str(user.pk)).pk == user.pk
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=user.pk + 1000)
    with pytest.raises(ValueError):
        User.objects.get(pk="not a number")


def test_other_lookups_and_related_managers_are_the_orms():
    user, other = factories.make_user(), factories.make_user()
    group = Group.objects.create(name="g")
    group.user_set.add(user)
    assert group.user_set.get(pk=user.pk) == user
    with pytest.raises(User.DoesNotExist):
        group.user_set.get(pk=other.pk)  # not in the group: the relation still filters
    assert User.objects.get(email=other.email) == other
