"""Applying: the place is resolved, nearby chapters are shown before submitting."""

import pytest
from django.core import mail
from django.urls import reverse

from cdp.enums import ApplicationState
from cdp.models import Application, ApplicationInvitation
from cdp import permissions
from tests import factories
from tests.factories import make_place
from tests.tasks import run_queued_tasks

URL = reverse("cdp:apply")


@pytest.fixture
def lisbon(db):
    """A place by a name no real city has: the whole gazetteer may be loaded (Lisbon has
    namesakes in it, and so has Atlantis)."""
    return make_place("Zembla")


def _data(**extra):
    data = {"proposed_name": "TWC Lisbon", "kind": "local", "city": "Zembla", "country": "",
            "languages": ["en"], "core_group_size": "3", "why": "Coworkers want it.",
            "sectors": "Support", "how_heard": "A friend", "invited_emails": "",
            "exclude_owners_executives_investors": "on", "approval_required": "on"}
    data.update(extra)
    return data


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_person_without_mfa_may_open_the_form(applicant, as_user):
    assert as_user(applicant).get(URL).status_code == 200


def test_check_shows_listed_chapters_within_50_km_before_submitting(applicant, as_user,
                                                                     lisbon, baseline):
    factories.make_chapter("lisbon-old", name="TWC Lisboa", latitude=38.75, longitude=-9.15,
                           status="dormant")
    factories.make_chapter("porto", name="TWC Porto", latitude=41.15, longitude=-8.61)
    factories.make_chapter("hidden", name="TWC Hidden", latitude=38.72, longitude=-9.14,
                           is_listed=False)
    response = as_user(applicant).post(URL, _data(action="check"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "TWC Lisboa" in html and "Dormant" in html
    assert "TWC Porto" not in html and "TWC Hidden" not in html
    assert "Submit anyway" in html
    assert not Application.objects.exists()


def test_submit_saves_the_application_and_emails_applicant_and_invitees(applicant, as_user,
                                                                       lisbon):
    response = as_user(applicant).post(URL, _data(
        action="submit", invited_emails="Friend@Example.org\nfriend2@example.org"))
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cdp:detail", args=[application.pk])
    assert application.state == ApplicationState.SUBMITTED
    assert application.place == lisbon and application.country == "PT"
    assert list(application.applicants.all()) == [applicant]
    assert set(ApplicationInvitation.objects.values_list("email", flat=True)) == {
        "friend@example.org", "friend2@example.org"}
    run_queued_tasks()
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["applicant@example.org", "friend2@example.org", "friend@example.org"]


def test_an_invited_person_signed_in_with_that_address_is_an_applicant(applicant, as_user,
                                                                      lisbon):
    as_user(applicant).post(URL, _data(action="submit", invited_emails="friend@example.org"))
    application = Application.objects.get()
    friend = factories.make_user("friend@example.org")
    assert permissions.is_applicant(friend, application)
    assert as_user(friend).get(reverse("cdp:detail", args=[application.pk])).status_code == 200


def test_ambiguous_city_asks_which_place(applicant, as_user, lisbon):
    make_place("Zembla", country="US", latitude=44.0, longitude=-70.1, population=9000)
    client = as_user(applicant)
    response = client.post(URL, _data(action="submit"))
    assert response.status_code == 200
    assert "Which place do you mean?" in response.content.decode()
    assert not Application.objects.exists()
    response = client.post(URL, _data(action="submit", place="9" * 40))
    assert response.status_code == 200
    assert not Application.objects.exists()
    response = client.post(URL, _data(action="submit", place=str(lisbon.pk)))
    assert response.status_code == 302
    assert Application.objects.get().place == lisbon


def test_country_code_narrows_the_place(applicant, as_user, lisbon):
    other = make_place("Zembla", country="US", latitude=44.0, longitude=-70.1)
    response = as_user(applicant).post(URL, _data(action="submit", country="US"))
    assert response.status_code == 302
    assert Application.objects.get().place == other


def test_unknown_city_is_a_field_error_keeping_what_was_typed(applicant, as_user, db):
    response = as_user(applicant).post(URL, _data(action="check", city="Ruritania",
                                                  why="Keep me"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "could not find this city" in html
    assert "Keep me" in html


def test_online_application_skips_the_place(applicant, as_user, db):
    response = as_user(applicant).post(URL, _data(action="submit", kind="online", city=""))
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.place is None and application.kind == "online"


@pytest.mark.parametrize("bad", [
    {"core_group_size": "99999999999999999999"}, {"core_group_size": "-3"},
    {"kind": "moon"}, {"country": "Portugal"}, {"invited_emails": "not an email"},
    {"languages": ["xx"]}, {"proposed_name": ""},
    {"city": "x" * 5000},
])
def test_bad_input_is_a_400_never_a_500(bad, applicant, as_user, lisbon):
    response = as_user(applicant).post(URL, _data(action="submit", **bad))
    assert response.status_code in (200, 400)
    assert not Application.objects.exists()
