"""A proposed chapter name holds letters, digits, spaces and a few marks: never markup
(it becomes the chapter's name on the map, in emails and in other networks' directories)."""

import pytest

from tests.factories import make_place
from tests.cdp.test_apply import URL, _data

pytestmark = pytest.mark.django_db


def test_an_application_with_markup_in_its_proposed_name_is_refused_with_all_kept(
        applicant, as_user, db):
    from cdp.models import Application

    make_place("Zembla")
    name = 'TWC Graz<meta http-equiv="refresh" content="0;url=/">'
    response = as_user(applicant).post(URL, _data(action="submit", proposed_name=name))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Use letters, digits, spaces and" in html
    assert "Coworkers want it." in html  # everything else typed is kept
    assert not Application.objects.exists()


def test_an_application_with_a_name_in_another_script_is_accepted(applicant, as_user, db):
    from cdp.models import Application

    make_place("Zembla")
    response = as_user(applicant).post(URL, _data(action="submit", proposed_name="TWC Zembla–Ost"))
    assert response.status_code == 400  # an en dash is not in the list
    response = as_user(applicant).post(URL, _data(action="submit", proposed_name="TWC Zëmbla"))
    assert response.status_code == 302
    assert Application.objects.get().proposed_name == "TWC Zëmbla"
