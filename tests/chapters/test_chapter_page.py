"""The chapter page with the parts other apps fill in: fixed queries, closed chapters."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.services import adopt_policy_version
from onboarding import services as onboarding_services
from onboarding.models import OnboardingSession
from tests.factories import make_chapter, make_membership, make_registration, make_session

pytestmark = pytest.mark.django_db


def _grow(chapter, n: int) -> None:
    """More of everything the page shows: sessions with sign-ups, rule versions, members,
    nearby chapters."""
    from tests.factories import make_user

    for i in range(n):
        session = make_session(chapter, days=i + 1)
        make_registration(session)
        adopt_policy_version(chapter, actor=None, note=f"change {i}")
        make_membership(make_user(), chapter)
        make_chapter(latitude=chapter.latitude + (i + 1) / 100, longitude=chapter.longitude)


@pytest.mark.parametrize("who", [None, "carol", "alice", "admin_user"])
def test_chapter_page_queries_stay_the_same_as_the_chapter_grows(
        who, request, chapter_a, client, as_user, django_assert_num_queries):
    browser = as_user(request.getfixturevalue(who)) if who else client
    url = chapter_a.get_absolute_url()
    # Two versions of the rules: the page then reads their history (a first version alone
    # is its own history, one query fewer: `test_rules_changed_once_need_no_history_query`).
    _grow(chapter_a, 2)
    browser.get(url)
    caches["fragments"].clear()  # the page as rendered, not as cached for visitors
    with CaptureQueriesContext(connection) as small:
        assert browser.get(url).status_code == 200
    expected = len(small)  # now: the capture is a slice of a bounded log
    _grow(chapter_a, 6)
    browser.get(url)  # the baseline's rules, read again after a policy changed
    caches["fragments"].clear()
    caches["pages"].clear()
    with django_assert_num_queries(expected):
        assert browser.get(url).status_code == 200


@pytest.mark.parametrize("status", ["graduated", "closed"])
def test_a_graduated_or_closed_chapter_offers_no_sign_up(status, chapter_a, client, alice,
                                                         as_user):
    session = make_session(chapter_a)
    chapter_a.status = status
    chapter_a.save()
    page = client.get(chapter_a.get_absolute_url()).content.decode()
    assert "#sign-up" not in page and reverse("members:join", args=[chapter_a.slug]) not in page
    response = client.post(reverse("onboarding:detail", args=[session.pk]),
                           {"name": "New", "email": "new@example.org"})
    assert response.status_code == 400
    assert not session.registrations.exists()
    with pytest.raises(onboarding_services.RegistrationClosed):
        onboarding_services.register(session, name="New", email="new@example.org")

    count = OnboardingSession.objects.count()
    response = as_user(alice).post(reverse("onboarding:create", args=[chapter_a.slug]), {})
    assert response.status_code == 302 and OnboardingSession.objects.count() == count


def _visitor_page(client, chapter) -> str:
    caches["fragments"].clear()  # rendered, not served from the cache of public pages
    caches["pages"].clear()
    response = client.get(chapter.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_rules_changed_once_need_no_history_query(chapter_a, client):
    """A chapter's first version of its rules is its whole history: the page reads it with
    the chapter, and the baseline's from this process's memory (9 queries at first, 8 then)."""
    _visitor_page(client, chapter_a)  # the baseline's version, once per process
    with CaptureQueriesContext(connection) as first_version:
        page = _visitor_page(client, chapter_a)
    assert "Version 1," in page and "Version 2," not in page
    assert not any("members_policyversion" in q["sql"] and "members_membershippolicy" not in
                   q["sql"] for q in first_version.captured_queries)
    adopt_policy_version(chapter_a, actor=None, note="second")
    _visitor_page(client, chapter_a)  # the baseline read again: a policy changed
    with CaptureQueriesContext(connection) as second_version:
        page = _visitor_page(client, chapter_a)
    assert "Version 2," in page and "Version 1," in page
    assert len(second_version) == len(first_version) + 1  # the history, read once


def test_a_changed_baseline_reaches_every_chapter_page_at_once(chapter_a, chapter_b, client,
                                                               baseline):
    manager_rule = "Managers may join, including those who can hire or fire."
    for chapter in (chapter_a, chapter_b):
        assert manager_rule in client.get(chapter.get_absolute_url()).content.decode()
    adopt_policy_version(None, actor=None, exclude_hire_fire=True,
                         exclude_owners_executives_investors=True, note="stricter")
    for chapter in (chapter_a, chapter_b):
        page = client.get(chapter.get_absolute_url()).content.decode()
        assert manager_rule not in page
        assert "People who can hire or fire, or decide who is hired or fired, may not" in page


@pytest.mark.parametrize("language", ["en", "de", "fr"])
@pytest.mark.parametrize("versions", [0, 1, 3])
def test_rules_read_with_the_chapter_render_as_read_alone(language, versions, chapter_a):
    """The rules block from the versions the chapter page reads along with the chapter is
    the block the tag renders from its own queries (other pages: the flyer)."""
    from django.template import Context, Template
    from django.utils import translation

    from chapters.models import Chapter
    from members.apps import with_policy
    from members.models import MembershipPolicy, PolicyVersion

    if versions == 0:
        MembershipPolicy.objects.filter(chapter=chapter_a).update(current_version=None)
        PolicyVersion.objects.filter(policy__chapter=chapter_a).delete()
        MembershipPolicy.objects.filter(chapter=chapter_a).delete()
    for i in range(versions - 1):
        adopt_policy_version(chapter_a, actor=None, note=f"change {i}",
                             questions=[{"text": f"Question {i}?", "required": i % 2 == 0}])
    template = Template("{% load membership %}{% chapter_rules chapter %}")
    with translation.override(language):
        alone = template.render(Context({"chapter": Chapter.objects.get(pk=chapter_a.pk)}))
        along = with_policy(Chapter.objects.all()).get(pk=chapter_a.pk)
        with CaptureQueriesContext(connection) as queries:
            read_along = template.render(Context({"chapter": along}))
    assert read_along == alone
    assert ("Version" in alone) == (versions > 0)
    # The data versions (tests read them every time), the baseline's version (the first
    # time in this process), and the history past version 1.
    assert len(queries) <= 2 + (1 if versions > 1 else 0)


def test_nearby_chapters_are_the_nearest_five_at_pythons_distances(chapter_a, client):
    """The page's "Chapters nearby": listed local chapters within 300 km, nearest first, at
    the distances `distance_km` gives (the database computes them in the same order of
    operations), the chapter itself, unlisted, online and far chapters left out."""
    from chapters.enums import ChapterKind
    from chapters.geo import distance_km, nearest_chapters
    from core.locale import format_distance

    offsets = [0.9, 0.05, 1.7, 0.3, 2.2, 0.6, 1.2]  # degrees of latitude north
    near = [make_chapter(f"near-{i}", latitude=chapter_a.latitude + d,
                         longitude=chapter_a.longitude + d / 3) for i, d in enumerate(offsets)]
    make_chapter("hidden", latitude=chapter_a.latitude + 0.01, longitude=chapter_a.longitude,
                 is_listed=False)
    make_chapter("far", latitude=chapter_a.latitude + 4, longitude=chapter_a.longitude)
    make_chapter("remote", kind=ChapterKind.ONLINE)
    expected = sorted((distance_km(chapter_a.latitude, chapter_a.longitude, c.latitude,
                                   c.longitude), c.slug) for c in near)[:5]
    found = nearest_chapters(chapter_a, 300, limit=5)
    assert [c.slug for c, _km in found] == [slug for _km, slug in expected]
    assert [km for _c, km in found] == pytest.approx([km for km, _slug in expected], abs=1e-9)
    page = client.get(chapter_a.get_absolute_url()).content.decode()
    shown = [page.index(f"/chapters/{slug}/") for _km, slug in expected]
    assert shown == sorted(shown)
    assert all(format_distance(km) in page for km, _slug in expected)
    assert "/chapters/hidden/" not in page and "/chapters/far/" not in page
