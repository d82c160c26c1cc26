"""A person's export and erasure cover their own data across apps, and nobody else's."""

import pytest
from allauth.account.models import EmailAddress

from core.personal_data import export_personal_data, privacy_modules
from members.services import delete_account
from onboarding.models import Registration
from tests.factories import make_chapter, make_user
from tests.factories import make_registration, make_session

pytestmark = pytest.mark.django_db


def test_every_privacy_module_exists_so_none_is_skipped():
    for _app, module in privacy_modules():
        assert callable(module.export) and callable(module.erase)


def test_an_unverified_added_address_does_not_export_or_erase_its_owners_registrations():
    session = make_session(make_chapter())
    victim = make_registration(session, name="Victim", email="victim@example.org")
    intruder = make_user("intruder@example.org")
    EmailAddress.objects.create(user=intruder, email="victim@example.org", verified=False)

    exported = export_personal_data(intruder)["onboarding"]["registrations"]
    assert exported == []

    delete_account(intruder)
    victim.refresh_from_db()
    assert victim.email == "victim@example.org" and victim.name == "Victim"
    assert Registration.objects.filter(pk=victim.pk, status=victim.status).exists()


def test_the_export_holds_every_apps_part():
    person = make_user("someone@example.org")
    assert set(export_personal_data(person)) == {"core", "members", "onboarding", "cdp",
                                                  "outreach", "network"}
