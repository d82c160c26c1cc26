"""The organizers' review queue, member list, policy editing, and who is refused."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from members.models import Membership
from members.services import adopt_policy_version
from tests import factories
from tests.conftest import signed_in
from tests.tasks import run_queued_tasks

# ---------------------------------------------------------------------------------------
# Refusals: every view and action on another chapter's members and requests.
# ---------------------------------------------------------------------------------------


def chapter_urls(chapter, membership):
    """(method, url, data) for every members view and action of `chapter`."""
    slug = chapter.slug
    return [
        ("get", reverse("members:requests", args=[slug]), {}),
        ("post", reverse("members:decide", args=[slug]), {"decide": f"approve:{membership.pk}"}),
        ("post", reverse("members:decide", args=[slug]),
         {"decide": "decline", "ids": [membership.pk]}),
        ("get", reverse("members:members", args=[slug]), {}),
        ("post", reverse("members:export_members", args=[slug]), {}),
        ("post", reverse("members:change_role", args=[slug, membership.pk]),
         {"role": "organizer"}),
        ("get", reverse("members:remove", args=[slug, membership.pk]), {}),
        ("post", reverse("members:remove", args=[slug, membership.pk]), {"reason": "x"}),
        ("get", reverse("members:policy", args=[slug]), {}),
        ("post", reverse("members:policy", args=[slug]), {"note": "x"}),
        ("get", reverse("members:policy_review", args=[slug]), {}),
    ]


def test_organizer_of_another_chapter_is_refused_every_view_and_action(alice, chapter_b,
                                                                       pending_b):
    client = signed_in(alice)
    for method, url, data in chapter_urls(chapter_b, pending_b):
        response = getattr(client, method)(url, data)
        assert response.status_code in (403, 404), (method, url)
    pending_b.refresh_from_db()
    assert pending_b.status == "pending"
    assert not AuditEvent.objects.filter(chapter=chapter_b).exists()


def test_a_membership_id_from_another_chapter_is_refused_in_my_chapter_urls(
        alice, chapter_a, pending_b, member_b):
    client = signed_in(alice)
    slug = chapter_a.slug
    client.post(reverse("members:decide", args=[slug]), {"decide": f"approve:{pending_b.pk}"})
    client.post(reverse("members:decide", args=[slug]),
                {"decide": "decline", "ids": [pending_b.pk]})
    assert client.post(reverse("members:change_role", args=[slug, member_b.pk]),
                       {"role": "organizer"}).status_code == 404
    assert client.get(reverse("members:remove", args=[slug, member_b.pk])).status_code == 404
    assert client.post(reverse("members:remove", args=[slug, member_b.pk]),
                       {"reason": "x"}).status_code == 404
    pending_b.refresh_from_db()
    member_b.refresh_from_db()
    assert pending_b.status == "pending"
    assert (member_b.status, member_b.role) == ("active", "member")


@pytest.mark.parametrize("who", ["anonymous", "carol", "coach", "admin_user", "no_mfa"])
def test_people_who_do_not_organize_the_chapter_are_refused(who, request, chapter_a, pending):
    if who == "anonymous":
        from django.test import Client
        client = Client()
    elif who == "no_mfa":
        client = signed_in(factories.make_organizer(chapter_a, mfa=False))
    else:
        client = signed_in(request.getfixturevalue(who))
    for method, url, data in chapter_urls(chapter_a, pending):
        response = getattr(client, method)(url, data)
        assert response.status_code in (302, 403, 404), (who, method, url)
        if response.status_code == 302:
            assert "/accounts/" in response["Location"], (who, url)
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_global_admin_sees_counts_not_names(admin_user, chapter_a, pending, carol):
    client = signed_in(admin_user)
    assert client.get(reverse("members:members", args=[chapter_a.slug])).status_code == 403
    response = client.get(reverse("members:counts", args=[chapter_a.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Carol" not in body and "carol@" not in body and "Dana" not in body


def test_counts_are_refused_to_members(carol, chapter_a):
    assert signed_in(carol).get(
        reverse("members:counts", args=[chapter_a.slug])).status_code == 403


def test_a_member_cannot_see_other_members(carol, chapter_a, pending, client):
    client = signed_in(carol)
    assert client.get(reverse("members:members", args=[chapter_a.slug])).status_code == 403
    assert client.get(reverse("members:requests", args=[chapter_a.slug])).status_code == 403
    assert "Dana" not in client.get(chapter_a.get_absolute_url()).content.decode()


def test_public_chapter_page_never_lists_members(client, chapter_a, carol, alice):
    body = client.get(chapter_a.get_absolute_url()).content.decode()
    assert "carol@example.org" not in body and "Carol" not in body


# ---------------------------------------------------------------------------------------
# The review queue
# ---------------------------------------------------------------------------------------


def test_organizer_sees_requests_with_answers(alice, chapter_a, pending):
    pending.answers = {"owner_executive_investor": "no", "questions": {"Sector?": "logistics"}}
    pending.save()
    body = signed_in(alice).get(reverse("members:requests", args=[chapter_a.slug])).content
    assert b"Dana" in body and b"logistics" in body


def test_approve_one_records_decision_and_emails_the_person(alice, chapter_a, pending):
    response = signed_in(alice).post(reverse("members:decide", args=[chapter_a.slug]),
                                     {"decide": f"approve:{pending.pk}"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "active" and pending.decided_by == alice
    assert AuditEvent.objects.filter(action="join_request.decided").count() == 1
    run_queued_tasks()
    assert mail.outbox[-1].to == ["dana@example.org"]


def test_decline_several_at_once_with_a_message_via_htmx(alice, chapter_a, pending):
    other = factories.make_membership(factories.make_user(), chapter_a, status="pending")
    response = signed_in(alice).post(
        reverse("members:decide", args=[chapter_a.slug]),
        {"decide": "decline", "ids": [pending.pk, other.pk, "99999999999", "x"],
         "message": "Try the Global chapter"},
        headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert set(Membership.objects.filter(chapter=chapter_a, status="declined")
               .values_list("pk", flat=True)) == {pending.pk, other.pk}
    run_queued_tasks()
    assert any("Try the Global chapter" in m.body for m in mail.outbox)


def test_deciding_twice_is_harmless(alice, chapter_a, pending):
    client = signed_in(alice)
    url = reverse("members:decide", args=[chapter_a.slug])
    client.post(url, {"decide": f"approve:{pending.pk}"})
    client.post(url, {"decide": f"decline:{pending.pk}"})
    pending.refresh_from_db()
    assert pending.status == "active"


def test_bad_decide_action_is_400(alice, chapter_a):
    response = signed_in(alice).post(reverse("members:decide", args=[chapter_a.slug]),
                                     {"decide": "explode"})
    assert response.status_code == 400


# ---------------------------------------------------------------------------------------
# Digest
# ---------------------------------------------------------------------------------------


def test_new_requests_reach_organizers_in_at_most_one_digest_a_day(alice, chapter_a):
    for n in range(3):
        user = factories.make_user(display_name=f"Asker {n}", work_kind="qa")
        signed_in(user).post(reverse("members:join", args=[chapter_a.slug]),
                             {"owner_executive_investor": "no"})
    from django_tasks_db.models import DBTaskResult
    digests = DBTaskResult.objects.filter(task_path__endswith="send_join_request_digest")
    assert digests.count() == 1
    run_after = digests.get().run_after
    assert run_after > timezone.now()
    digests.update(run_after=timezone.now() - timedelta(seconds=1))
    run_queued_tasks()
    digest_mails = [m for m in mail.outbox if m.to == ["alice@example.org"]]
    assert len(digest_mails) == 1
    assert "3" in digest_mails[0].subject
    # A new request after the digest schedules the next one, at least a day later.
    user = factories.make_user(display_name="Late", work_kind="qa")
    signed_in(user).post(reverse("members:join", args=[chapter_a.slug]),
                         {"owner_executive_investor": "no"})
    upcoming = digests.filter(status="READY").get()
    assert upcoming.run_after >= timezone.now() + timedelta(hours=23)


# ---------------------------------------------------------------------------------------
# Member list, roles, removal, CSV
# ---------------------------------------------------------------------------------------


def test_member_list_searches_and_filters(alice, chapter_a, carol, pending):
    client = signed_in(alice)
    url = reverse("members:members", args=[chapter_a.slug])
    body = client.get(url, {"q": "carol"}).content.decode()
    assert "carol@example.org" in body and "dana@example.org" not in body
    body = client.get(url, {"status": "pending"}).content.decode()
    assert "dana@example.org" in body and "carol@example.org" not in body
    body = client.get(url, {"role": "organizer"}).content.decode()
    assert "alice@example.org" in body and "carol@example.org" not in body
    assert client.get(url, {"status": "bogus", "page": "zzz"}).status_code == 200


def test_a_long_member_list_says_more_than_and_still_reaches_every_page(
        alice, chapter_a, monkeypatch):
    from members import views

    monkeypatch.setattr(views, "COUNT_AHEAD", 2 * views.PAGE_SIZE)
    for n in range(3 * views.PAGE_SIZE):
        factories.make_membership(factories.make_user(display_name=f"Z {n:03}"), chapter_a,
                                  status="active")
    client = signed_in(alice)  # alice too: 76 members, 4 pages
    url = reverse("members:members", args=[chapter_a.slug])
    body = client.get(url).content.decode()
    assert "Page 1 of more than 2" in body and 'rel="next"' in body
    body = client.get(url, {"page": 2}).content.decode()
    assert "Page 2 of more than 3" in body and 'rel="next"' in body
    body = client.get(url, {"page": 3}).content.decode()
    assert "Page 3 of 4" in body and 'rel="next"' in body
    body = client.get(url, {"page": 4}).content.decode()
    assert "Page 4 of 4" in body and 'rel="next"' not in body and "Z 074" in body
    assert "Page 4 of 4" in client.get(url, {"page": 99}).content.decode()


def test_promote_and_demote(alice, chapter_a, carol):
    client = signed_in(alice)
    membership = Membership.objects.get(user=carol)
    url = reverse("members:change_role", args=[chapter_a.slug, membership.pk])
    client.post(url, {"role": "organizer"})
    membership.refresh_from_db()
    assert membership.role == "organizer"
    client.post(url, {"role": "member"})
    membership.refresh_from_db()
    assert membership.role == "member"
    assert AuditEvent.objects.filter(action="role.changed").count() >= 2


def test_the_last_organizer_cannot_step_back(alice, chapter_a):
    membership = Membership.objects.get(user=alice)
    signed_in(alice).post(reverse("members:change_role", args=[chapter_a.slug, membership.pk]),
                          {"role": "member"})
    membership.refresh_from_db()
    assert membership.role == "organizer"


def test_remove_with_reason_and_optional_email(alice, chapter_a, carol):
    membership = Membership.objects.get(user=carol)
    url = reverse("members:remove", args=[chapter_a.slug, membership.pk])
    assert signed_in(alice).post(url, {"reason": ""}).status_code == 400
    signed_in(alice).post(url, {"reason": "Became a manager", "notify": "on"})
    membership.refresh_from_db()
    assert membership.status == "removed" and membership.reason == "Became a manager"
    assert AuditEvent.objects.filter(action="member.removed").exists()
    run_queued_tasks()
    assert any("Became a manager" in m.body for m in mail.outbox if m.to == [carol.email])


def test_csv_export_is_recorded_and_safe_from_formulas(alice, chapter_a):
    evil = factories.make_user(display_name="=HYPERLINK(\"http://x\")")
    factories.make_membership(evil, chapter_a)
    response = signed_in(alice).post(reverse("members:export_members", args=[chapter_a.slug]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    names = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://x\")" in names
    assert not any(cell[:1] in "=+-@" for row in rows for cell in row if cell)
    event = AuditEvent.objects.get(action="members.exported")
    assert event.actor == alice and event.chapter == chapter_a


def test_csv_export_is_post_only(alice, chapter_a):
    response = signed_in(alice).get(reverse("members:export_members", args=[chapter_a.slug]))
    assert response.status_code == 405


# ---------------------------------------------------------------------------------------
# Policies
# ---------------------------------------------------------------------------------------


def test_organizer_saves_a_new_policy_version_with_a_note(alice, chapter_a):
    before = chapter_a.policy.current_version.number
    response = signed_in(alice).post(reverse("members:policy", args=[chapter_a.slug]), {
        "exclude_hire_fire": "on", "exclude_owners_executives_investors": "on",
        "approval_required": "on", "questions": "* Which sector?\nHow did you hear?",
        "note": "No managers"})
    assert response.status_code == 302
    chapter_a.policy.refresh_from_db()
    version = chapter_a.policy.current_version
    assert version.number == before + 1 and version.note == "No managers"
    assert version.questions == [{"text": "Which sector?", "required": True},
                                 {"text": "How did you hear?", "required": False}]
    assert AuditEvent.objects.filter(action="policy.changed").exists()


def test_a_note_is_required(alice, chapter_a):
    response = signed_in(alice).post(reverse("members:policy", args=[chapter_a.slug]), {
        "exclude_hire_fire": "on", "questions": "Kept text"})
    assert response.status_code == 400
    assert "Kept text" in response.content.decode()


def test_the_form_cannot_loosen_the_baseline(alice, chapter_a, baseline):
    signed_in(alice).post(reverse("members:policy", args=[chapter_a.slug]), {
        "exclude_owners_executives_investors": "", "allow_supporters": "on",
        "note": "let owners in"})
    chapter_a.policy.refresh_from_db()
    assert chapter_a.policy.current_version.exclude_owners_executives_investors


def test_the_service_refuses_to_loosen_the_baseline(alice, chapter_a, baseline):
    from members.services import PolicyError, change_policy

    with pytest.raises(PolicyError):
        change_policy(chapter_a, actor=alice, note="x",
                      exclude_owners_executives_investors=False)


def test_global_admin_edits_the_baseline_and_organizers_cannot(admin_user, alice, baseline):
    url = reverse("members:baseline_policy")
    assert signed_in(alice).get(url).status_code == 403
    response = signed_in(admin_user).post(url, {
        "exclude_owners_executives_investors": "on", "exclude_hire_fire": "on",
        "allow_supporters": "on", "approval_required": "on", "note": "Network decision"})
    assert response.status_code == 302
    baseline.policy.refresh_from_db()
    assert baseline.policy.current_version.exclude_hire_fire


def test_tightening_report_lists_members_who_would_not_meet_the_rules(alice, chapter_a):
    manager = factories.make_user(display_name="Manny")
    factories.make_membership(manager, chapter_a, answers={"hire_fire": "yes"})
    worker = factories.make_user(display_name="Wanda")
    factories.make_membership(worker, chapter_a, answers={
        "hire_fire": "no", "owner_executive_investor": "no"})
    silent = factories.make_user(display_name="Quinn")
    factories.make_membership(silent, chapter_a, answers={})
    adopt_policy_version(chapter_a, actor=alice, note="No managers", exclude_hire_fire=True,
                         exclude_owners_executives_investors=True)
    response = signed_in(alice).get(reverse("members:policy_review", args=[chapter_a.slug]))
    failing, unknown = response.context["failing"], response.context["unknown"]
    assert [m.user for m, _d in failing] == [manager]
    assert silent in [m.user for m, _d in unknown]
    assert worker not in [m.user for m, _d in failing + unknown]
    # Nobody is removed automatically.
    assert Membership.objects.filter(chapter=chapter_a, status="active").count() == 4


# ---------------------------------------------------------------------------------------
# Query counts
# ---------------------------------------------------------------------------------------


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("view,status", [("members:requests", "pending"),
                                         ("members:members", "active")])
def test_lists_keep_a_constant_query_count(view, status, alice, chapter_a):
    client = signed_in(alice)
    url = reverse(view, args=[chapter_a.slug])
    client.get(url)
    for _n in range(3):
        factories.make_membership(factories.make_user(display_name="A"), chapter_a,
                                  status=status, answers={"hire_fire": "no"})
    small = _count_queries(client, url)
    for _n in range(30):
        factories.make_membership(factories.make_user(display_name="B"), chapter_a,
                                  status=status, answers={"hire_fire": "no"})
    large = _count_queries(client, url)
    assert small == large, (small, large)
    print(view, small)
    assert len(client.get(url).context["page"].object_list) == 25


def test_organizer_opens_every_page_of_their_chapter(alice, chapter_a, carol, pending):
    client = signed_in(alice)
    membership = Membership.objects.get(user=carol)
    for url in (reverse("members:requests", args=[chapter_a.slug]),
                reverse("members:members", args=[chapter_a.slug]),
                reverse("members:remove", args=[chapter_a.slug, membership.pk]),
                reverse("members:policy", args=[chapter_a.slug]),
                reverse("members:policy_review", args=[chapter_a.slug]),
                reverse("members:counts", args=[chapter_a.slug])):
        assert client.get(url).status_code == 200, url
    partial = client.get(reverse("members:members", args=[chapter_a.slug]), {"q": "car"},
                         headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"carol@example.org" in partial.content
    body = client.get(chapter_a.get_absolute_url()).content.decode()
    assert reverse("members:requests", args=[chapter_a.slug]) in body


def test_baseline_rules_show_as_fixed_on_the_chapter_policy_form(alice, chapter_a, baseline):
    form = signed_in(alice).get(reverse("members:policy", args=[chapter_a.slug])).context["form"]
    assert form.fields["exclude_owners_executives_investors"].disabled
    assert not form.fields["exclude_hire_fire"].disabled


def test_a_decline_message_typed_to_its_limit_with_line_breaks_is_sent_whole(
        alice, chapter_a, pending):
    # The textarea's maxlength is 2,000; a browser counts each line break as one and sends
    # it as CR LF, so 2,000 typed characters arrive as more than 2,000.
    typed = ("A line of the message.\n" * 87)[:1999] + "!"
    assert len(typed) == 2000
    response = signed_in(alice).post(
        reverse("members:decide", args=[chapter_a.slug]),
        {"decide": f"decline:{pending.pk}", "message": typed.replace("\n", "\r\n")})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "declined"
    assert pending.message == typed


def test_a_decline_message_over_its_limit_is_refused_not_cut(alice, chapter_a, pending):
    response = signed_in(alice).post(
        reverse("members:decide", args=[chapter_a.slug]),
        {"decide": f"decline:{pending.pk}", "message": "x" * 2001})
    assert response.status_code == 400
    assert "2001" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending"
