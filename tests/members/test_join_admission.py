"""request_to_join owns every admission check; the join page translates its refusals."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from members.models import Membership
from members.services import JoinRefusal, join_refusal, request_to_join
from tests import factories
from tests.conftest import signed_in

ANSWERS = {"owner_executive_investor": "no"}


def newcomer():
    return factories.make_user(display_name="Nina", work_kind="programming")


@pytest.mark.parametrize("status", ["closed", "graduated"])
def test_a_chapter_that_takes_no_newcomers_refuses_through_the_service(chapter_a, status):
    chapter_a.status = status
    chapter_a.save()
    user = newcomer()
    outcome = request_to_join(chapter_a, user, ANSWERS)
    assert outcome.refusal == JoinRefusal.NO_NEWCOMERS
    assert outcome.decision is None and outcome.membership is None
    assert not Membership.objects.filter(user=user).exists()


def test_an_unlisted_chapter_refuses_through_the_service(chapter_a):
    chapter_a.is_listed = False
    chapter_a.save()
    user = newcomer()
    outcome = request_to_join(chapter_a, user, ANSWERS)
    assert outcome.refusal == JoinRefusal.NOT_LISTED
    assert not Membership.objects.filter(user=user).exists()


def test_a_removed_person_is_refused_by_the_service(chapter_a, pending):
    pending.status = "removed"
    pending.save()
    outcome = request_to_join(chapter_a, pending.user, ANSWERS)
    assert outcome.refusal == JoinRefusal.REMOVED and outcome.membership == pending
    pending.refresh_from_db()
    assert pending.status == "removed"


def test_asking_again_while_pending_changes_nothing_in_the_service(chapter_a, pending):
    outcome = request_to_join(chapter_a, pending.user, ANSWERS)
    assert outcome.refusal is None and outcome.membership == pending
    assert outcome.decision.eligible


def test_a_member_of_a_closed_chapter_still_sees_their_membership(chapter_a, pending):
    chapter_a.status = "closed"
    chapter_a.save()
    assert join_refusal(chapter_a, pending) == JoinRefusal.ASKED
    response = signed_in(pending.user).get(reverse("members:join", args=[chapter_a.slug]))
    assert response.status_code == 200 and "waiting" in response.content.decode()


def test_the_join_page_of_an_unlisted_chapter_is_404(chapter_a):
    chapter_a.is_listed = False
    chapter_a.save()
    client = signed_in(newcomer())
    url = reverse("members:join", args=[chapter_a.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, ANSWERS).status_code == 404


def test_the_join_page_of_a_closed_chapter_says_so(chapter_a):
    chapter_a.status = "closed"
    chapter_a.save()
    response = signed_in(newcomer()).get(reverse("members:join", args=[chapter_a.slug]))
    assert response.status_code == 200
    assert "no longer takes new members" in response.content.decode()


def test_a_chapter_closed_while_the_form_was_open_is_a_message_not_a_membership(
        chapter_a, monkeypatch):
    from members import services

    real = services.join_refusal
    calls = []

    def closes_after_the_page_asked(chapter, membership):
        calls.append(chapter)
        if len(calls) == 1:
            return real(chapter, membership)
        chapter.status = "closed"
        chapter.save()
        return real(chapter, membership)

    monkeypatch.setattr(services, "join_refusal", closes_after_the_page_asked)
    user = newcomer()
    response = signed_in(user).post(reverse("members:join", args=[chapter_a.slug]), ANSWERS)
    assert response.status_code == 302 and len(calls) == 2
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "This chapter no longer takes new members."]
    assert not Membership.objects.filter(user=user).exists()
