"""Who gets in and who is refused, for every program page."""

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from cdp.enums import ApplicationState as S
from cdp.models import CoachingNote, MilestoneProgress
from tests import factories
from tests.factories import make_application, make_milestone


def detail(application):
    return reverse("cdp:detail", args=[application.pk])


@pytest.fixture
def outsiders(alice, carol, other_coach, other_applicant, lisbon):
    # another applicant has their own application
    make_application(other_applicant, place=lisbon, proposed_name="TWC Other")
    return {"organizer": alice, "member": carol, "other coach": other_coach,
            "other applicant": other_applicant}


def test_applicant_coach_and_admin_see_the_application(application, applicant, coach,
                                                       admin_user, as_user):
    for person in (applicant, coach, admin_user):
        response = as_user(person).get(detail(application))
        assert response.status_code == 200
        assert "TWC Lisbon" in response.content.decode()


def test_everyone_else_gets_a_404(application, outsiders, as_user, client):
    for person in outsiders.values():
        assert as_user(person).get(detail(application)).status_code == 404
    assert client.get(detail(application)).status_code == 302


def test_a_coach_without_mfa_sees_nothing(application, as_user):
    coach = factories.make_user("nomfa.coach@example.org", is_coach=True)
    application.coach = coach
    application.save()
    response = as_user(coach).get(detail(application))
    assert response.status_code in (302, 404)


@pytest.mark.parametrize("path", ["/program/applications/99999999999999999999999/",
                                  "/program/applications/0/",
                                  "/program/resources/99999999999999999999999/file/"])
def test_huge_or_unknown_ids_are_404(path, admin_user, as_user):
    assert as_user(admin_user).get(path).status_code == 404


def test_applicant_withdraws(application, applicant, as_user):
    response = as_user(applicant).post(reverse("cdp:move", args=[application.pk]),
                                       {"to_state": S.WITHDRAWN})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == S.WITHDRAWN


def test_applicant_cannot_make_review_decisions(application, applicant, as_user):
    response = as_user(applicant).post(reverse("cdp:move", args=[application.pk]),
                                       {"to_state": S.IN_REVIEW})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


def test_coach_cannot_change_the_state(application, coach, as_user):
    response = as_user(coach).post(reverse("cdp:move", args=[application.pk]),
                                   {"to_state": S.IN_REVIEW})
    assert response.status_code == 403


def test_admin_moves_and_a_refused_move_is_a_400_with_the_reason(application, admin_user,
                                                                 as_user):
    client = as_user(admin_user)
    url = reverse("cdp:move", args=[application.pk])
    assert client.post(url, {"to_state": S.IN_REVIEW}).status_code == 302
    response = client.post(url, {"to_state": S.DECLINED, "note": ""})
    assert response.status_code == 400
    assert "note is required" in response.content.decode()
    for garbage in ("launched", "bogus", "", "submitted"):
        assert client.post(url, {"to_state": garbage}).status_code == 400
    application.refresh_from_db()
    assert application.state == S.IN_REVIEW


def test_move_needs_post(application, admin_user, as_user):
    assert as_user(admin_user).get(reverse("cdp:move", args=[application.pk])).status_code == 405


def test_applicant_edits_only_while_changes_are_requested_then_resubmits(applicant, lisbon,
                                                                         as_user):
    application = make_application(applicant, place=lisbon, state=S.IN_REVIEW)
    client = as_user(applicant)
    url = reverse("cdp:edit", args=[application.pk])
    assert client.get(url).status_code == 403
    application.state = S.CHANGES_REQUESTED
    application.save()
    assert client.get(url).status_code == 200
    # The place is chosen explicitly: with the whole gazetteer loaded, "Lisbon" has namesakes.
    data = {"proposed_name": "TWC Lisboa", "kind": "local", "city": "Lisbon",
            "place": str(lisbon.pk), "core_group_size": "5", "why": "More detail."}
    assert client.post(url, {**data, "why": ""}).status_code == 400
    assert client.post(url, data).status_code == 302
    application.refresh_from_db()
    assert (application.proposed_name, application.core_group_size) == ("TWC Lisboa", 5)
    client.post(reverse("cdp:move", args=[application.pk]), {"to_state": S.IN_REVIEW})
    application.refresh_from_db()
    assert application.state == S.IN_REVIEW


def test_other_applicant_cannot_edit(applicant, other_applicant, lisbon, as_user):
    application = make_application(applicant, place=lisbon, state=S.CHANGES_REQUESTED)
    assert as_user(other_applicant).get(reverse("cdp:edit", args=[application.pk])
                                        ).status_code == 404


def test_admin_assigns_a_coach_who_gets_an_email(application, admin_user, other_coach,
                                                 as_user):
    from django.core import mail

    from tests.tasks import run_queued_tasks

    response = as_user(admin_user).post(reverse("cdp:assign_coach", args=[application.pk]),
                                        {"coach": other_coach.pk})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.coach == other_coach
    assert AuditEvent.objects.filter(action=AuditAction.APPLICATION_COACH_ASSIGNED).exists()
    run_queued_tasks()
    assert mail.outbox[-1].to == [other_coach.email]


def test_assigning_someone_who_is_not_a_coach_is_refused(application, admin_user, carol,
                                                         as_user):
    response = as_user(admin_user).post(reverse("cdp:assign_coach", args=[application.pk]),
                                        {"coach": carol.pk})
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["applicant", "coach"])
def test_only_admins_assign_coaches(who, application, request, other_coach, as_user):
    person = request.getfixturevalue(who)
    response = as_user(person).post(reverse("cdp:assign_coach", args=[application.pk]),
                                    {"coach": other_coach.pk})
    assert response.status_code == 403


def test_review_queue_is_for_admins_only(application, admin_user, coach, applicant, alice,
                                        as_user, client):
    assert as_user(admin_user).get(reverse("cdp:review")).status_code == 200
    for person in (coach, applicant, alice):
        assert as_user(person).get(reverse("cdp:review")).status_code == 403
    assert client.get(reverse("cdp:review")).status_code == 302


def test_review_queue_filters_by_state_and_shows_stale_applications(applicant, admin_user,
                                                                    lisbon, as_user):
    from datetime import timedelta

    from django.utils import timezone

    make_application(applicant, place=lisbon, proposed_name="TWC Fresh")
    make_application(applicant, place=lisbon, proposed_name="TWC Quiet", state=S.IN_REVIEW,
                     last_activity_at=timezone.now() - timedelta(days=31))
    client = as_user(admin_user)
    html = client.get(reverse("cdp:review"), {"state": "in_review"}).content.decode()
    assert "TWC Quiet" in html
    assert "In review: 1" in html and "Submitted: 1" in html
    queue = html.split('id="queue"')[1]
    assert "TWC Fresh" not in queue
    stale = html.split("No activity for 30 days")[1].split('id="queue"')[0]
    assert "TWC Quiet" in stale and "TWC Fresh" not in stale
    for garbage in ({"state": "x" * 500}, {"page": "-1"}, {"page": "abc"}, {"page": "9" * 30}):
        assert client.get(reverse("cdp:review"), garbage).status_code == 200
    partial = client.get(reverse("cdp:review"), {"state": "in_review"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()


REVIEW_QUERIES = 7  # session, user, counts, page count, page rows, applicants, stale list;
# the second factor and the chapters the admin organizes (the menu's "Your chapters") come
# from the session (members/roles.py)


def test_review_queue_queries_do_not_grow_with_rows(applicant, admin_user, coach, lisbon,
                                                    as_user, django_assert_num_queries):
    client = as_user(admin_user)
    client.get(reverse("cdp:review"))
    for i in range(2):
        make_application(applicant, place=lisbon, proposed_name=f"A{i}", coach=coach)
    with django_assert_num_queries(REVIEW_QUERIES):
        assert client.get(reverse("cdp:review")).status_code == 200
    for i in range(20):
        make_application(factories.make_user(), place=lisbon, proposed_name=f"B{i}",
                         coach=coach)
    with django_assert_num_queries(REVIEW_QUERIES):
        assert client.get(reverse("cdp:review")).status_code == 200


def test_program_page_lists_only_my_applications(application, applicant, other_applicant,
                                                 lisbon, as_user, client):
    make_application(other_applicant, place=lisbon, proposed_name="TWC Secret")
    html = as_user(applicant).get(reverse("cdp:program")).content.decode()
    assert "TWC Lisbon" in html and "TWC Secret" not in html
    assert client.get(reverse("cdp:program")).status_code == 302


def test_coach_sees_only_assigned_applications_in_program(application, coach, other_coach,
                                                          as_user):
    assert "TWC Lisbon" in as_user(coach).get(reverse("cdp:program")).content.decode()
    assert "TWC Lisbon" not in as_user(other_coach).get(reverse("cdp:program")
                                                        ).content.decode()


# --- milestones and the coaching log -------------------------------------------------------

def test_applicant_marks_done_and_assigned_coach_verifies(in_program, applicant, coach,
                                                          other_coach, admin_user, as_user):
    milestone = make_milestone()
    done = reverse("cdp:milestone_done", args=[in_program.pk, milestone.pk])
    verify = reverse("cdp:milestone_verify", args=[in_program.pk, milestone.pk])
    assert as_user(coach).post(verify).status_code == 400  # not done yet
    assert as_user(coach).post(done, {"note": "x"}).status_code == 403
    assert as_user(applicant).post(done, {"note": "We are five."}).status_code == 302
    assert as_user(applicant).post(verify).status_code == 403
    assert as_user(other_coach).post(verify).status_code == 404
    assert as_user(admin_user).post(verify).status_code == 403
    assert as_user(coach).post(verify).status_code == 302
    progress = MilestoneProgress.objects.get()
    assert progress.note == "We are five." and progress.verified_by == coach
    assert AuditEvent.objects.filter(action=AuditAction.MILESTONE_VERIFIED).exists()


def test_milestones_are_not_tracked_before_the_program(application, applicant, as_user):
    milestone = make_milestone()
    response = as_user(applicant).post(
        reverse("cdp:milestone_done", args=[application.pk, milestone.pk]), {"note": "x"})
    assert response.status_code == 403


def test_unknown_milestone_is_404(in_program, applicant, as_user):
    url = reverse("cdp:milestone_done", args=[in_program.pk, 99999999999999999999999])
    assert as_user(applicant).post(url).status_code == 404


def test_coaching_log_is_seen_by_coach_applicants_and_admins_only(
        in_program, applicant, coach, admin_user, outsiders, as_user, client):
    CoachingNote.objects.create(application=in_program, author=coach, text="Private words")
    for person in (applicant, coach, admin_user):
        assert "Private words" in as_user(person).get(detail(in_program)).content.decode()
    for person in outsiders.values():
        response = as_user(person).get(detail(in_program))
        assert response.status_code == 404
        assert "Private words" not in response.content.decode()
    assert "Private words" not in client.get(detail(in_program)).content.decode()


def test_coach_writes_the_log_applicants_do_not(in_program, applicant, coach, other_coach,
                                                as_user):
    url = reverse("cdp:coaching_note", args=[in_program.pk])
    assert as_user(coach).post(url, {"date": "2026-01-05", "text": "Call"}).status_code == 302
    assert as_user(coach).post(url, {"date": "not a date", "text": "x"}).status_code == 400
    assert as_user(applicant).post(url, {"date": "2026-01-05", "text": "x"}).status_code == 403
    assert as_user(other_coach).post(url, {"date": "2026-01-05", "text": "x"}
                                     ).status_code == 404
    assert list(CoachingNote.objects.values_list("text", flat=True)) == ["Call"]


def test_my_applications_tag_on_me_page(application, applicant, as_user):
    html = as_user(applicant).get(reverse("members:me")).content.decode()
    assert "TWC Lisbon" in html and "Submitted" in html


def test_my_applications_tag_is_one_query_whatever_the_count(applicant, lisbon,
                                                             django_assert_num_queries):
    from django.template import Context, Template

    template = Template("{% load cdp %}{% my_applications user %}")
    make_application(applicant, place=lisbon, proposed_name="TWC One")
    with django_assert_num_queries(1):
        template.render(Context({"user": applicant}))
    for i in range(5):
        make_application(applicant, place=lisbon, proposed_name=f"TWC {i}")
    with django_assert_num_queries(1):
        html = template.render(Context({"user": applicant}))
    assert "TWC 4" in html and "TWC One" in html
