"""The program page lists each application once."""

import pytest
from django.urls import reverse

from cdp.models import ApplicationApplicant
from tests.factories import make_application
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_an_admin_who_coaches_sees_each_application_once(admin_user, as_user):
    admin_user.is_coach = True
    admin_user.save()
    application = make_application(make_user(), coach=admin_user, proposed_name="TWC Porto")
    ApplicationApplicant.objects.create(application=application, user=make_user())
    html = as_user(admin_user).get(reverse("cdp:program")).content.decode()
    assert html.count("TWC Porto") == 1
