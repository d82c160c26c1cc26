"""Inactive chapters: a scheduled check flags them to their organizers, then to admins."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from chapters.enums import ChapterStatus
from core import periodic
from core.models import PeriodicJob
from network import services
from network.models import InactiveChapterFlag, InactivityResolution
from tests import factories
from tests.factories import make_session
from tests.tasks import run_queued_tasks

LONG_AGO = timezone.now() - dt.timedelta(days=400)


@pytest.fixture
def quiet(chapter_a, alice):
    """Chapter A, created long ago, with its organizer alice and no activity since."""
    type(chapter_a).objects.filter(pk=chapter_a.pk).update(created_at=LONG_AGO)
    make_session(chapter_a, days=-120)
    return chapter_a


def test_the_check_is_a_daily_periodic_job():
    job = periodic.JOBS["network.flag_inactive_chapters"]
    assert job.interval == dt.timedelta(days=1)
    assert "network.expire_help_requests" in periodic.JOBS


def test_the_scheduled_job_flags_a_quiet_chapter_and_emails_its_organizers(quiet, mailoutbox):
    PeriodicJob.objects.create(name="network.flag_inactive_chapters",
                               next_run_at=timezone.now())
    periodic.run_periodic.enqueue("network.flag_inactive_chapters")
    run_queued_tasks()
    flag = InactiveChapterFlag.objects.get(chapter=quiet)
    assert flag.resolved_at is None and flag.organizers_told_at
    assert [m.to for m in mailoutbox] == [["alice@example.org"]]
    assert "90 days" in mailoutbox[0].body
    assert PeriodicJob.objects.get(name="network.flag_inactive_chapters").last_result == \
        "flagged 1, cleared 0"


def test_a_second_run_does_not_flag_again(quiet):
    services.flag_inactive_chapters()
    assert services.flag_inactive_chapters() == {"flagged": 0, "cleared": 0}
    assert InactiveChapterFlag.objects.filter(chapter=quiet).count() == 1


@pytest.mark.parametrize("activity", ["recent_session", "future_session", "organizer_edit",
                                      "decided_request"])
def test_any_recent_activity_keeps_a_chapter_unflagged(quiet, alice, activity):
    if activity == "recent_session":
        make_session(quiet, days=-30)
    elif activity == "future_session":
        make_session(quiet, days=20)
    elif activity == "organizer_edit":
        from chapters.services import edit_chapter

        edit_chapter(quiet, {"description": "We meet again."}, actor=alice)
    else:
        member = factories.make_user()
        factories.make_membership(member, quiet, decided_at=timezone.now(), decided_by=alice)
    assert services.flag_inactive_chapters()["flagged"] == 0


def test_a_non_organizers_action_is_not_the_chapters_activity(quiet, admin_user):
    from chapters.services import edit_chapter

    edit_chapter(quiet, {"description": "Edited by an admin."}, actor=admin_user)
    assert services.flag_inactive_chapters()["flagged"] == 1


def test_dormant_new_and_unlisted_chapters_are_not_watched(quiet, chapter_b):
    # chapter_b is new (created now); a dormant chapter is already what the flag asks
    dormant = factories.make_chapter("sleepy", status=ChapterStatus.DORMANT)
    type(dormant).objects.filter(pk=dormant.pk).update(created_at=LONG_AGO)
    assert services.flag_inactive_chapters()["flagged"] == 1
    assert list(InactiveChapterFlag.objects.values_list("chapter__slug", flat=True)) == ["alpha"]


def test_activity_after_the_flag_clears_it(quiet):
    services.flag_inactive_chapters()
    make_session(quiet, days=10)
    assert services.flag_inactive_chapters()["cleared"] == 1
    flag = InactiveChapterFlag.objects.get(chapter=quiet)
    assert flag.resolution == InactivityResolution.ACTIVITY_RESUMED


def test_admins_see_a_flag_only_after_the_organizers_had_their_time(quiet, as_user,
                                                                    admin_user):
    services.flag_inactive_chapters()
    client = as_user(admin_user)
    assert "Chapters with no activity" not in client.get(reverse("network:health")).content.decode()
    InactiveChapterFlag.objects.update(
        organizers_told_at=timezone.now() - services.ORGANIZERS_FIRST_FOR - dt.timedelta(hours=1))
    page = client.get(reverse("network:health")).content.decode()
    assert "Chapters with no activity" in page and "TWC Alpha" in page


def test_an_admin_marks_it_dormant_with_a_reason_through_the_status_service(quiet, as_user,
                                                                             admin_user):
    services.flag_inactive_chapters()
    flag = InactiveChapterFlag.objects.get()
    url = reverse("network:review_inactive", args=[flag.pk])
    client = as_user(admin_user)
    response = client.post(url, {"outcome": "dormant", "reason": ""})
    assert response.status_code == 400  # a reason is required
    response = client.post(url, {"outcome": "dormant", "reason": "No answer from anyone."})
    assert response.status_code == 302
    quiet.refresh_from_db()
    flag.refresh_from_db()
    assert quiet.status == ChapterStatus.DORMANT
    assert (flag.resolution, flag.reason, flag.resolved_by) == (
        "dormant", "No answer from anyone.", admin_user)
    status_event = AuditEvent.objects.get(action=AuditAction.CHAPTER_STATUS_CHANGED)
    assert status_event.details["reason"] == "No answer from anyone."
    assert AuditEvent.objects.filter(action=AuditAction.INACTIVITY_REVIEWED).count() == 1
    # reviewed: the flag is gone from the review page
    assert client.get(url).status_code == 404


def test_semi_active_and_kept_as_it_is(quiet, admin_user, chapter_b):
    services.flag_inactive_chapters()
    flag = InactiveChapterFlag.objects.get()
    services.review_inactive_chapter(flag, "semi_active", actor=admin_user, reason="Slow.")
    quiet.refresh_from_db()
    assert quiet.status == ChapterStatus.SEMI_ACTIVE
    other = InactiveChapterFlag.objects.create(chapter=chapter_b)
    services.review_inactive_chapter(other, "still_active", actor=admin_user,
                                     reason="They meet offline.")
    chapter_b.refresh_from_db()
    assert chapter_b.status == ChapterStatus.ACTIVE
    with pytest.raises(services.Refused):
        services.review_inactive_chapter(other, "dormant", actor=admin_user, reason="Again")


def test_an_unknown_outcome_is_refused(quiet, admin_user):
    flag = InactiveChapterFlag.objects.create(chapter=quiet)
    with pytest.raises(services.Refused):
        services.review_inactive_chapter(flag, "closed", actor=admin_user, reason="x")
