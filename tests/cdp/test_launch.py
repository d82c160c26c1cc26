"""Launch: a listed chapter with its organizers and first policy, in one transaction."""

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from cdp import services
from cdp.enums import ApplicationState as S
from cdp.models import ApplicationInvitation
from chapters.models import Chapter
from members.enums import MembershipRole, MembershipStatus
from members.models import Membership
from tests import factories
from tests.factories import make_application, make_milestone, verify_all


@pytest.fixture
def milestones(db):
    return [make_milestone("Core group", order=1),
            make_milestone("Optional", required=False, order=2)]


def test_launch_creates_a_listed_chapter_with_organizers_and_policy(in_program, applicant,
                                                                    coach, admin_user,
                                                                    milestones, lisbon):
    in_program.exclude_hire_fire = True
    in_program.languages = ["pt", "en"]
    in_program.save()
    ApplicationInvitation.objects.create(application=in_program, email="co@example.org")
    co = factories.make_user("co@example.org")
    verify_all(in_program, coach)
    chapter = services.launch(in_program, actor=admin_user)
    in_program.refresh_from_db()
    assert in_program.state == S.LAUNCHED and in_program.chapter == chapter
    assert chapter in Chapter.objects.listed()
    assert (chapter.slug, chapter.status, chapter.kind) == ("lisbon", "active", "local")
    assert (chapter.city, chapter.country, chapter.timezone) == ("Lisbon", "PT", "Europe/Lisbon")
    assert (chapter.latitude, chapter.longitude) == (lisbon.latitude, lisbon.longitude)
    assert chapter.languages == ["pt", "en"]
    version = chapter.policy.current_version
    assert version.number == 1 and version.exclude_hire_fire is True
    organizers = set(Membership.objects.filter(
        chapter=chapter, role=MembershipRole.ORGANIZER, status=MembershipStatus.ACTIVE,
    ).values_list("user", flat=True))
    assert organizers == {applicant.pk, co.pk}
    assert AuditEvent.objects.filter(action=AuditAction.CHAPTER_LAUNCHED,
                                     chapter=chapter).exists()


def test_launch_is_refused_without_verified_required_milestones(in_program, admin_user,
                                                                milestones):
    with pytest.raises(services.TransitionRefused):
        services.launch(in_program, actor=admin_user, override_reason="   ")
    in_program.refresh_from_db()
    assert in_program.state == S.IN_PROGRAM and not Chapter.objects.exists()


def test_launch_with_a_written_override_reason(in_program, admin_user, milestones):
    chapter = services.launch(in_program, actor=admin_user,
                              override_reason="The group already meets weekly.")
    event = in_program.events.get()
    assert "The group already meets weekly." in event.note
    assert chapter.is_listed


def test_slug_is_unique(in_program, admin_user, baseline):
    factories.make_chapter("lisbon")
    chapter = services.launch(in_program, actor=admin_user)
    assert chapter.slug == "lisbon-2"


def test_online_chapter_launches_without_a_place(applicant, admin_user, baseline):
    application = make_application(applicant, state=S.IN_PROGRAM, kind="online",
                                   proposed_name="TWC Remote")
    chapter = services.launch(application, actor=admin_user)
    assert chapter.kind == "online" and chapter.latitude is None


@pytest.mark.parametrize("state", [S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED,
                                   S.DECLINED, S.WITHDRAWN, S.LAUNCHED])
def test_only_applications_in_the_program_launch(state, applicant, admin_user, lisbon):
    application = make_application(applicant, state=state, place=lisbon)
    with pytest.raises(services.TransitionRefused):
        services.launch(application, actor=admin_user, override_reason="x")


def test_launch_view_is_admin_only(in_program, applicant, coach, alice, admin_user, as_user,
                                   milestones):
    url = reverse("cdp:launch", args=[in_program.pk])
    assert as_user(applicant).post(url, {"override_reason": "x"}).status_code == 403
    assert as_user(coach).post(url, {"override_reason": "x"}).status_code == 403
    assert as_user(alice).post(url, {"override_reason": "x"}).status_code == 404
    assert as_user(admin_user).post(url, {"override_reason": ""}).status_code == 400
    response = as_user(admin_user).post(url, {"override_reason": "Ready in practice."})
    assert response.status_code == 302
    assert response["Location"] == Chapter.objects.get(slug="lisbon").get_absolute_url()
