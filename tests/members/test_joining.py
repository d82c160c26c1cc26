"""Asking to join a chapter: questions asked, outcome, version recorded."""

from django.urls import reverse

from chapters.models import PartnerOrganization
from members.models import Membership
from members.services import adopt_policy_version
from tests import factories
from tests.conftest import signed_in


def join_url(chapter):
    return reverse("members:join", args=[chapter.slug])


def newcomer(**fields):
    fields.setdefault("display_name", "Nina")
    fields.setdefault("work_kind", "programming")
    return factories.make_user(**fields)


def test_joining_requires_sign_in(client, chapter_a):
    response = client.get(join_url(chapter_a))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_join_asks_only_the_questions_the_rules_need(chapter_a, baseline):
    client = signed_in(newcomer())
    body = client.get(join_url(chapter_a)).content.decode()
    assert "owner, executive or investor" in body
    assert "hire or fire people" not in body
    assert "Do you work in tech?" not in body
    assert "employer" not in body.lower().replace("we never ask for your employer", "")


def test_join_asks_the_chapter_questions_and_the_manager_question_when_needed(chapter_a):
    adopt_policy_version(chapter_a, actor=None, note="tighter", exclude_hire_fire=True,
                         allow_supporters=False,
                         questions=[{"text": "Which sector?", "required": True}])
    body = signed_in(newcomer()).get(join_url(chapter_a)).content.decode()
    assert "Can you hire or fire people" in body
    assert "Do you work in tech?" in body
    assert "Which sector?" in body


def test_profile_fields_are_asked_only_when_empty(chapter_a):
    body = signed_in(factories.make_user()).get(join_url(chapter_a)).content.decode()
    assert 'name="profile-display_name"' in body
    body = signed_in(newcomer()).get(join_url(chapter_a)).content.decode()
    assert 'name="profile-display_name"' not in body


def test_eligible_request_is_pending_and_records_the_versions(chapter_a, baseline):
    user = newcomer()
    response = signed_in(user).post(join_url(chapter_a), {"owner_executive_investor": "no"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=user, chapter=chapter_a)
    assert membership.status == "pending"
    assert membership.policy_version == chapter_a.policy.current_version
    assert membership.baseline_version == baseline
    assert membership.answers["owner_executive_investor"] == "no"


def test_accepted_at_once_when_approval_is_not_required(chapter_a, baseline):
    baseline.policy.current_version = adopt_policy_version(
        None, actor=None, note="open", exclude_owners_executives_investors=True,
        approval_required=False)
    adopt_policy_version(chapter_a, actor=None, note="open", approval_required=False)
    user = newcomer()
    signed_in(user).post(join_url(chapter_a), {"owner_executive_investor": "no"})
    assert Membership.objects.get(user=user).status == "active"


def test_not_eligible_says_which_rule_and_offers_alternatives(chapter_a, chapter_b):
    global_chapter = factories.make_chapter("global", name="TWC Global", kind="online")
    PartnerOrganization.objects.create(name="IWW", url="https://example.org/iww",
                                       countries=["DE"])
    user = newcomer()
    response = signed_in(user).post(join_url(chapter_a), {"owner_executive_investor": "yes"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "owners, executives or investors" in body
    assert "IWW" in body
    assert not Membership.objects.filter(user=user).exists()
    # The baseline excludes owners everywhere: no chapter fits, not even Global.
    assert global_chapter.name not in body


def test_alternatives_list_chapters_whose_rules_fit(chapter_a, chapter_b):
    adopt_policy_version(chapter_a, actor=None, note="no managers", exclude_hire_fire=True)
    factories.make_chapter("potsdam", name="TWC Potsdam", latitude=52.39, longitude=13.06)
    factories.make_chapter("global", name="TWC Global", kind="online")
    response = signed_in(newcomer()).post(join_url(chapter_a), {
        "owner_executive_investor": "no", "hire_fire": "yes"})
    body = response.content.decode()
    assert "TWC Potsdam" in body and "TWC Global" in body
    # Milan is 840 km from Berlin and in another country: not within reach.
    assert "TWC Beta" not in body


def test_missing_answer_re_renders_with_400_and_keeps_input(chapter_a):
    adopt_policy_version(chapter_a, actor=None, note="q", questions=[
        {"text": "Which sector?", "required": True}, {"text": "Hear?", "required": False}])
    response = signed_in(newcomer()).post(join_url(chapter_a), {
        "owner_executive_investor": "no", "question_1": "from a friend"})
    assert response.status_code == 400
    assert "from a friend" in response.content.decode()


def test_asking_twice_shows_the_status(chapter_a, pending):
    response = signed_in(pending.user).post(join_url(chapter_a), {
        "owner_executive_investor": "no"})
    assert response.status_code == 200
    assert "waiting" in response.content.decode()
    assert Membership.objects.filter(user=pending.user).count() == 1


def test_a_declined_person_may_ask_again(chapter_a, pending):
    pending.status = "declined"
    pending.save()
    signed_in(pending.user).post(join_url(chapter_a), {"owner_executive_investor": "no"})
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_a_removed_person_cannot_rejoin_alone(chapter_a, pending):
    pending.status = "removed"
    pending.save()
    response = signed_in(pending.user).post(join_url(chapter_a), {
        "owner_executive_investor": "no"})
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == "removed"


def test_joining_an_unknown_chapter_is_404(chapter_a):
    assert signed_in(newcomer()).get("/chapters/nope/join/").status_code == 404


def test_chapter_page_shows_rules_history_and_ask_to_join(client, chapter_a,
                                                          django_assert_max_num_queries):
    adopt_policy_version(chapter_a, actor=None, note="Managers without firing power may join")
    response = client.get(chapter_a.get_absolute_url())
    body = response.content.decode()
    assert "Ask to join" in body
    assert "Managers without firing power may join" in body
    assert "Owners, executives and investors" in body


def test_chapter_rules_tag_adds_constant_queries(client, chapter_a, django_assert_num_queries):
    url = chapter_a.get_absolute_url()
    # A second version: a first one alone is its own history (no query for it).
    adopt_policy_version(chapter_a, actor=None, note="second")
    client.get(url)  # and the baseline's version, kept until a policy changes
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    caches["fragments"].clear()  # the page as rendered, not as cached
    caches["pages"].clear()
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    few_count = len(few)
    for n in range(5):
        adopt_policy_version(chapter_a, actor=None, note=f"change {n}")
    client.get(url)
    caches["fragments"].clear()
    caches["pages"].clear()
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert few_count == len(many) > 0


def test_a_graduated_chapter_takes_no_new_members(chapter_a):
    chapter_a.status = "graduated"
    chapter_a.save()
    user = newcomer()
    response = signed_in(user).post(join_url(chapter_a), {"owner_executive_investor": "no"})
    assert response.status_code == 200
    assert not Membership.objects.filter(user=user).exists()
    assert "Ask to join" not in signed_in(user).get(chapter_a.get_absolute_url()).content.decode()


def test_joining_remembers_the_language_for_emails(chapter_a):
    user = newcomer()
    signed_in(user).post(join_url(chapter_a), {"owner_executive_investor": "no"},
                         headers={"Accept-Language": "de"})
    user.refresh_from_db()
    assert user.preferred_language == "de"
