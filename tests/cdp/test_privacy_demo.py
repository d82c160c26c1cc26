"""A person's program data: export and erase. Demo data: idempotent, one ready to launch."""

import pytest
from django.core.management import call_command

from cdp import privacy, services
from cdp.enums import ApplicationState as S
from cdp.models import (
    Application,
    ApplicationEvent,
    ApplicationInvitation,
    CoachingNote,
    Milestone,
    MilestoneProgress,
    TrainingResource,
)
from members.models import User
from tests.factories import make_milestone


def test_export_holds_my_applications_events_and_notes(in_program, applicant, other_applicant):
    milestone = make_milestone()
    services.mark_done(in_program, milestone, actor=applicant, note="We met.")
    data = privacy.export(applicant)
    assert [a["proposed_name"] for a in data["applications"]] == ["TWC Lisbon"]
    assert data["milestone_notes"][0]["note"] == "We met."
    assert privacy.export(other_applicant) == {"applications": [], "milestone_notes": [],
                                               "coaching_notes_written": []}


def test_erase_removes_the_applicant_and_blanks_their_notes(in_program, applicant, coach):
    milestone = make_milestone()
    services.mark_done(in_program, milestone, actor=applicant, note="Private detail")
    ApplicationInvitation.objects.create(application=in_program, email=applicant.email)
    privacy.erase(applicant)
    assert not in_program.applicants.exists()
    assert not ApplicationInvitation.objects.exists()
    progress = MilestoneProgress.objects.get()
    assert progress.note == "" and progress.done_by is None
    assert Application.objects.count() == 1  # program counts stay


@pytest.fixture
def small_gazetteer(db):
    """The demo needs a gazetteer; the largest cities are enough here, and they stay inside
    this test's transaction, so the other program tests keep a database without one."""
    from chapters.gazetteer import is_loaded, load_places

    if not is_loaded():
        load_places(min_population=1_000_000)


@pytest.mark.django_db
def test_demo_is_idempotent_and_has_an_application_ready_to_launch(small_gazetteer):
    call_command("load_demo")
    models = (Application, ApplicationEvent, Milestone, MilestoneProgress, TrainingResource,
              CoachingNote, User)
    counts = {m.__name__: m.objects.count() for m in models}
    call_command("load_demo")
    assert counts == {m.__name__: m.objects.count() for m in models}
    states = dict(Application.objects.values_list("proposed_name", "state"))
    assert states == {"TWC Lisbon": S.SUBMITTED, "TWC Nairobi": S.IN_REVIEW,
                      "TWC Dublin": S.CHANGES_REQUESTED, "TWC Toronto": S.IN_PROGRAM}
    toronto = Application.objects.get(proposed_name="TWC Toronto")
    assert toronto.coach.email == "coach@example.org"
    assert services.missing_required_milestones(toronto) == []
    chapter = services.launch(toronto, actor=User.objects.get(email="admin@example.org"))
    assert chapter.is_listed and chapter.timezone == "America/Toronto"
