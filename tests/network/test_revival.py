"""Revival: a dormant chapter's page offers it; the request is a pre-filled CDP application;
launched, the SAME chapter is active again and the apps above hear of it."""

import pytest
from django.urls import reverse

from cdp import services as cdp_services
from cdp import signals
from cdp.enums import ApplicationState as S
from cdp.models import Application
from chapters.enums import ChapterStatus
from chapters.models import Chapter, ChapterRevision
from members.enums import MembershipRole, MembershipStatus
from members.models import Membership
from tests import factories
from tests.factories import make_milestone, make_place


@pytest.fixture
def boston(db, baseline):
    place = make_place("Boston", "US", 42.3584, -71.0598, "America/New_York")
    chapter = factories.make_chapter(
        "boston", name="TWC Boston", city="Boston", country="US", place=place,
        latitude=place.latitude, longitude=place.longitude, timezone="America/New_York",
        status=ChapterStatus.DORMANT, languages=["en"], description="Since 2017.")
    factories.make_policy(chapter, exclude_hire_fire=True, approval_required=True)
    ChapterRevision.objects.create(chapter=chapter, fields=["description"])
    return chapter


@pytest.fixture
def reviver(db):
    return factories.make_user("reviver@example.org", display_name="Rosa")


def _revive(client, chapter, **data):
    return client.post(reverse("network:revive", args=[chapter.slug]),
                       {"why": "Six of us want to start again.", "core_group_size": 6, **data})


def test_a_dormant_chapters_page_and_search_results_offer_revival(client, boston):
    url = reverse("network:revive", args=["boston"])
    assert url in client.get(reverse("chapters:detail", args=["boston"])).content.decode()
    # (a search by place depends on the gazetteer loaded; the browser journey searches)
    results = client.get(reverse("chapters:directory"), {"status": "dormant"}).content.decode()
    assert "TWC Boston" in results and url in results


def test_an_active_chapter_offers_no_revival(client, chapter_a, as_user, carol):
    assert "/network/revive/" not in client.get(chapter_a.get_absolute_url()).content.decode()
    assert as_user(carol).get(reverse("network:revive", args=[chapter_a.slug])).status_code == 404


def test_the_request_becomes_an_application_prefilled_with_the_old_chapter(
        as_user, reviver, boston, django_capture_on_commit_callbacks):
    heard = []

    def receiver(sender, application, chapter, **kwargs):
        heard.append((application.pk, chapter.pk))

    signals.revival_requested.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = _revive(as_user(reviver), boston)
    finally:
        signals.revival_requested.disconnect(receiver)
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cdp:detail", args=[application.pk])
    assert application.revives == boston and application.state == S.SUBMITTED
    assert (application.proposed_name, application.city, application.country,
            application.place, application.languages) == (
        "TWC Boston", "Boston", "US", boston.place, ["en"])
    assert application.exclude_hire_fire is True  # the chapter's current rules
    assert heard == [(application.pk, boston.pk)]


def test_a_second_revival_while_one_is_under_way_is_refused(as_user, reviver, boston):
    _revive(as_user(reviver), boston)
    other = factories.make_user("other@example.org")
    response = _revive(as_user(other), boston)
    assert response.status_code == 400
    assert "already reviving" in response.content.decode()
    assert "Six of us" in response.content.decode()  # what was typed is kept
    assert Application.objects.count() == 1


def test_launched_the_same_chapter_comes_back_active(as_user, reviver, boston, admin_user,
                                                     coach, django_capture_on_commit_callbacks):
    make_milestone("Core group")
    _revive(as_user(reviver), boston)
    application = Application.objects.get()
    cdp_services.start_review(application, actor=admin_user)
    cdp_services.admit_to_program(application, actor=admin_user)
    launched = []

    def receiver(sender, chapter, application, revived, **kwargs):
        launched.append((chapter.pk, revived))

    signals.chapter_launched.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            chapter = cdp_services.launch(application, actor=admin_user,
                                          override_reason="They already ran it for years.")
    finally:
        signals.chapter_launched.disconnect(receiver)
    assert chapter.pk == boston.pk and Chapter.objects.count() == 1
    boston.refresh_from_db()
    assert (boston.slug, boston.status, boston.description) == ("boston", "active",
                                                                 "Since 2017.")
    assert launched == [(boston.pk, True)]
    application.refresh_from_db()
    assert application.state == S.LAUNCHED and application.launched_chapter == boston
    # history kept: the old revision and policy versions are still there, with new ones
    assert boston.revisions.count() >= 2
    assert boston.policy.versions.count() == 3
    assert Membership.objects.get(chapter=boston, user=reviver).role == MembershipRole.ORGANIZER
    assert Membership.objects.get(chapter=boston, user=reviver).status == MembershipStatus.ACTIVE
    page = as_user(reviver).get(reverse("chapters:detail", args=["boston"])).content.decode()
    assert "This chapter is dormant." not in page


def test_a_chapter_woken_meanwhile_is_not_relaunched(as_user, reviver, boston, admin_user):
    _revive(as_user(reviver), boston)
    application = Application.objects.get()
    cdp_services.start_review(application, actor=admin_user)
    cdp_services.admit_to_program(application, actor=admin_user)
    Chapter.objects.filter(pk=boston.pk).update(status=ChapterStatus.ACTIVE)
    with pytest.raises(cdp_services.TransitionRefused):
        cdp_services.launch(application, actor=admin_user, override_reason="x")
    application.refresh_from_db()
    assert application.state == S.IN_PROGRAM


def test_a_revival_of_a_chapter_first_launched_through_the_program(as_user, reviver, boston,
                                                                   admin_user, applicant_app):
    """The old application keeps its chapter; the revival's is on `revives`."""
    _revive(as_user(reviver), boston)
    application = Application.objects.exclude(pk=applicant_app.pk).get()
    cdp_services.start_review(application, actor=admin_user)
    cdp_services.admit_to_program(application, actor=admin_user)
    cdp_services.launch(application, actor=admin_user, override_reason="Back.")
    applicant_app.refresh_from_db()
    assert applicant_app.chapter == boston


@pytest.fixture
def applicant_app(boston):
    from tests.factories import make_application

    return make_application(factories.make_user("founder@example.org"), state=S.LAUNCHED,
                            chapter=boston)
