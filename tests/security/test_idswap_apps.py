"""Ids from the request are never trusted: another chapter's (or application's) id put in
URLs and forms of one's own is refused, and nothing changes."""

import pytest

from cdp.models import CoachingNote, MilestoneProgress
from members.models import Membership
from onboarding.models import OnboardingSession, Registration
from tests import factories
from tests.factories import make_application, make_milestone
from tests.factories import make_registration, make_session
from tests.security.idswap import assert_id_swap_refused


def _row(obj):
    return lambda: type(obj).objects.filter(pk=obj.pk).values().get()


@pytest.fixture
def membership_b(chapter_b):
    dave = factories.make_user("dave@example.org", display_name="Dave")
    return factories.make_membership(dave, chapter_b)


@pytest.fixture
def request_b(chapter_b):
    erin = factories.make_user("erin@example.org")
    return factories.make_membership(erin, chapter_b, status="pending")


# -- Members ---------------------------------------------------------------------------------


def test_organizer_cannot_change_the_role_of_another_chapters_member(
        alice, as_user, chapter_a, carol, membership_b):
    own = carol.memberships.get(chapter=chapter_a)
    assert_id_swap_refused(
        as_user(alice), "members:change_role", method="post", data={"role": "organizer"},
        own={"slug": chapter_a.slug, "pk": own.pk},
        foreign={"slug": chapter_a.slug, "pk": membership_b.pk}, unchanged=_row(membership_b))


def test_organizer_cannot_remove_another_chapters_member(alice, as_user, chapter_a, carol,
                                                         membership_b):
    own = carol.memberships.get(chapter=chapter_a)
    client = as_user(alice)
    assert_id_swap_refused(client, "members:remove",
                           own={"slug": chapter_a.slug, "pk": own.pk},
                           foreign={"slug": chapter_a.slug, "pk": membership_b.pk})
    assert_id_swap_refused(
        client, "members:remove", method="post", data={"reason": "Swapped id"},
        own={"slug": chapter_a.slug, "pk": own.pk},
        foreign={"slug": chapter_a.slug, "pk": membership_b.pk}, unchanged=_row(membership_b))


def test_organizer_cannot_decide_another_chapters_request_from_their_own_queue(
        alice, as_user, chapter_a, request_b):
    from django.urls import reverse

    client = as_user(alice)
    url = reverse("members:decide", kwargs={"slug": chapter_a.slug})
    for data in ({"decide": f"approve:{request_b.pk}"},
                 {"decide": "decline", "ids": [str(request_b.pk)]}):
        client.post(url, data)
        assert Membership.objects.get(pk=request_b.pk).status == "pending"


def test_organizer_cannot_open_another_chapters_queue_or_list(alice, as_user, chapter_a,
                                                              chapter_b):
    for name in ("members:requests", "members:members", "members:policy",
                 "members:policy_review", "members:counts"):
        assert_id_swap_refused(as_user(alice), name, own={"slug": chapter_a.slug},
                               foreign={"slug": chapter_b.slug})


def test_a_member_cannot_leave_for_someone_else(carol, as_user, chapter_a, membership_b):
    own = carol.memberships.get(chapter=chapter_a)
    assert_id_swap_refused(as_user(carol), "members:leave", own={"pk": own.pk},
                           foreign={"pk": membership_b.pk})
    assert_id_swap_refused(as_user(carol), "members:leave", method="post",
                           own={"pk": own.pk}, foreign={"pk": membership_b.pk},
                           unchanged=_row(membership_b))


# -- Onboarding ------------------------------------------------------------------------------


@pytest.fixture
def sessions(chapter_a, chapter_b):
    session_a, session_b = make_session(chapter_a), make_session(chapter_b)
    return (session_a, make_registration(session_a, "a@example.org"),
            session_b, make_registration(session_b, "b@example.org"))


@pytest.mark.parametrize("name", ["onboarding:attendees", "onboarding:edit",
                                  "onboarding:cancel"])
def test_organizer_cannot_open_another_chapters_session(name, alice, as_user, sessions):
    session_a, _, session_b, _ = sessions
    assert_id_swap_refused(as_user(alice), name, own={"pk": session_a.pk},
                           foreign={"pk": session_b.pk})


@pytest.mark.parametrize("name, data", [
    ("onboarding:edit", {"title": "Taken over"}),
    ("onboarding:cancel", {"reason": "Swapped id"}),
    ("onboarding:follow_up", {}),
])
def test_organizer_cannot_change_another_chapters_session(name, data, alice, as_user,
                                                          sessions):
    session_a, _, session_b, _ = sessions
    assert_id_swap_refused(as_user(alice), name, method="post", data=data,
                           own={"pk": session_a.pk}, foreign={"pk": session_b.pk},
                           unchanged=_row(session_b))


def test_organizer_cannot_check_in_another_chapters_registration(alice, as_user, sessions):
    session_a, registration_a, session_b, registration_b = sessions
    client = as_user(alice)
    for foreign in ({"pk": session_a.pk, "registration_pk": registration_b.pk},
                    {"pk": session_b.pk, "registration_pk": registration_b.pk}):
        assert_id_swap_refused(
            client, "onboarding:check_in", method="post", data={"attended": "1"},
            own={"pk": session_a.pk, "registration_pk": registration_a.pk}, foreign=foreign,
            unchanged=_row(registration_b))
    assert Registration.objects.get(pk=registration_b.pk).status == "confirmed"
    assert OnboardingSession.objects.get(pk=session_b.pk).status == session_b.status


def test_organizer_cannot_schedule_or_manage_for_another_chapter(alice, as_user, chapter_a,
                                                                 chapter_b):
    for name in ("onboarding:manage", "onboarding:create", "onboarding:funnel"):
        assert_id_swap_refused(as_user(alice), name, own={"slug": chapter_a.slug},
                               foreign={"slug": chapter_b.slug})
    assert_id_swap_refused(as_user(alice), "onboarding:create", method="post",
                           data={"title": "Smuggled"}, own={"slug": chapter_a.slug},
                           foreign={"slug": chapter_b.slug},
                           unchanged=lambda: OnboardingSession.objects.count())


# -- Chapter Development Program -------------------------------------------------------------


@pytest.fixture
def programs(coach):
    """The coach's application (dana's) and another coach's (finn's), both in the program."""
    other_coach = factories.make_user("coach3@example.org", mfa=True, is_coach=True)
    dana, finn = factories.make_user("dana@example.org"), factories.make_user("finn@example.org")
    mine = make_application(dana, state="in_program", coach=coach)
    theirs = make_application(finn, state="in_program", coach=other_coach)
    return dana, mine, theirs, make_milestone()


def test_coach_cannot_open_an_application_not_assigned_to_them(coach, as_user, programs):
    _, mine, theirs, _ = programs
    assert_id_swap_refused(as_user(coach), "cdp:detail", own={"pk": mine.pk},
                           foreign={"pk": theirs.pk})


def test_coach_cannot_write_in_an_unassigned_coaching_log(coach, as_user, programs):
    _, mine, theirs, _ = programs
    assert_id_swap_refused(as_user(coach), "cdp:coaching_note", method="post",
                           data={"date": "2026-01-05", "text": "Smuggled note"},
                           own={"pk": mine.pk}, foreign={"pk": theirs.pk},
                           unchanged=lambda: CoachingNote.objects.filter(
                               application=theirs).count())


def test_coach_cannot_verify_a_milestone_of_an_unassigned_application(coach, as_user,
                                                                      programs):
    from django.utils import timezone

    _, mine, theirs, milestone = programs
    MilestoneProgress.objects.create(application=theirs, milestone=milestone,
                                     done_at=timezone.now())
    assert_id_swap_refused(
        as_user(coach), "cdp:milestone_verify", method="post",
        own={"pk": mine.pk, "milestone_pk": milestone.pk},
        foreign={"pk": theirs.pk, "milestone_pk": milestone.pk},
        unchanged=lambda: list(MilestoneProgress.objects.filter(application=theirs).values()))


def test_applicant_cannot_mark_another_applications_milestone(as_user, programs):
    dana, mine, theirs, milestone = programs
    assert_id_swap_refused(
        as_user(dana), "cdp:milestone_done", method="post", data={"note": "Smuggled"},
        own={"pk": mine.pk, "milestone_pk": milestone.pk},
        foreign={"pk": theirs.pk, "milestone_pk": milestone.pk},
        unchanged=lambda: list(MilestoneProgress.objects.filter(application=theirs).values()))


@pytest.mark.parametrize("name, data", [
    ("cdp:move", {"to_state": "withdrawn", "note": "Smuggled"}),
    ("cdp:edit", {"proposed_name": "Smuggled"}),
])
def test_applicant_cannot_act_on_another_application(name, data, as_user, programs):
    dana, mine, theirs, _ = programs
    assert_id_swap_refused(as_user(dana), name, method="post", data=data,
                           own={"pk": mine.pk}, foreign={"pk": theirs.pk},
                           unchanged=_row(theirs))


# -- Directory -------------------------------------------------------------------------------


def test_organizer_cannot_edit_another_chapters_page(alice, as_user, chapter_a, chapter_b):
    from chapters.models import Chapter

    client = as_user(alice)
    assert_id_swap_refused(client, "chapters:edit", own={"slug": chapter_a.slug},
                           foreign={"slug": chapter_b.slug})
    assert_id_swap_refused(client, "chapters:edit", method="post",
                           data={"description": "Taken over", "languages": ["en"]},
                           own={"slug": chapter_a.slug}, foreign={"slug": chapter_b.slug},
                           unchanged=lambda: Chapter.objects.filter(
                               pk=chapter_b.pk).values().get())
