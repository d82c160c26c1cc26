"""After a person deletes their account (and after a restored backup is erased again), no
row of any table still holds their email address: task rows (queued and finished emails)
included. The search reads every column of every table (tests/privacy_search.py)."""

import io

from django.core import serializers
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from allauth.account.models import EmailAddress
from members.models import User
from onboarding.models import Registration
from tests import factories
from tests.factories import CALL, make_session
from tests.privacy_search import tables_holding
from tests.tasks import run_queued_tasks

ADDRESS = "zoraida.vex@example.org"
NAME = "Zoraida Vex"


def _a_person_with_queued_and_finished_emails(chapter):
    person = factories.make_user(ADDRESS, display_name=NAME)
    client = Client()
    client.force_login(person)
    first, second = make_session(chapter, days=5), make_session(chapter, days=9)
    # Signed in with the verified address: confirmed at once, the email carries the call
    # link; the worker sends it (a finished row) and the reminders wait (pending rows).
    client.post(reverse("onboarding:detail", args=[first.pk]),
                {"name": NAME, "email": ADDRESS})
    run_queued_tasks()
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").exists()
    # Another session, another confirmed place: its email is still waiting.
    client.post(reverse("onboarding:detail", args=[second.pk]),
                {"name": NAME, "email": ADDRESS})
    assert DBTaskResult.objects.filter(status="READY").exists()
    assert any(CALL in str(t.args_kwargs) for t in DBTaskResult.objects.all())
    assert ("django_tasks_database_dbtaskresult", "args_kwargs") in tables_holding(ADDRESS)
    return person, client


def _task_rows_mentioning(text: str) -> list:
    return [t for t in DBTaskResult.objects.all()
            if text.lower() in (str(t.args_kwargs) + str(t.return_value) + t.traceback).lower()]


def test_deleting_my_account_leaves_my_address_in_no_table(chapter_a):
    _person, client = _a_person_with_queued_and_finished_emails(chapter_a)
    response = client.post(reverse("members:delete_account"), {"confirm": "on"})
    assert response.status_code == 302
    assert tables_holding(ADDRESS) == []
    assert _task_rows_mentioning(NAME) == []
    assert _task_rows_mentioning(CALL) == []


def test_someone_elses_emails_stay_queued(chapter_a):
    _person, client = _a_person_with_queued_and_finished_emails(chapter_a)
    other = factories.make_user("other.person@example.org", display_name="Other")
    other_client = Client()
    other_client.force_login(other)
    session = make_session(chapter_a, days=12)
    other_client.post(reverse("onboarding:detail", args=[session.pk]),
                      {"name": "Other", "email": "other.person@example.org"})
    theirs = len(_task_rows_mentioning("other.person@example.org"))
    assert theirs >= 1
    client.post(reverse("members:delete_account"), {"confirm": "on"})
    assert len(_task_rows_mentioning("other.person@example.org")) == theirs


# The rows a backup taken before the deletion holds about the person.
RESTORED = (User, EmailAddress, Registration, DBTaskResult)


def test_a_restored_backup_is_erased_again_task_rows_included(chapter_a):
    person, client = _a_person_with_queued_and_finished_emails(chapter_a)
    backup = {model: serializers.serialize("json", model.objects.all()) for model in RESTORED}
    client.post(reverse("members:delete_account"), {"confirm": "on"})
    assert tables_holding(ADDRESS) == []

    for model in RESTORED:  # the restore brings the old rows back, erasure records stay
        for obj in serializers.deserialize("json", backup[model]):
            obj.save()
    assert User.objects.filter(pk=person.pk).exists()
    assert ("django_tasks_database_dbtaskresult", "args_kwargs") in tables_holding(ADDRESS)

    out = io.StringIO()
    call_command("reapply_erasures", stdout=out)
    assert "1 account(s)" in out.getvalue()
    assert tables_holding(ADDRESS) == []
    assert _task_rows_mentioning(CALL) == []


def test_organizers_digests_forget_the_name_of_an_erased_person(alice, chapter_a):
    from datetime import timedelta

    from django.utils import timezone

    asker = factories.make_user(ADDRESS, display_name=NAME, work_kind="qa")
    other = factories.make_user("other.asker@example.org", display_name="Ottilie Other",
                                work_kind="qa")
    for person in (asker, other):
        client = Client()
        client.force_login(person)
        client.post(reverse("members:join", args=[chapter_a.slug]),
                    {"owner_executive_investor": "no"})
    DBTaskResult.objects.filter(task_path__endswith="send_join_request_digest").update(
        run_after=timezone.now() - timedelta(seconds=1))
    run_queued_tasks()
    assert _task_rows_mentioning(NAME)  # the digest sent to alice lists both
    client = Client()
    client.force_login(asker)
    client.post(reverse("members:delete_account"), {"confirm": "on"})
    assert _task_rows_mentioning(NAME) == []
    assert tables_holding(NAME) == []
    assert _task_rows_mentioning("Ottilie Other")
