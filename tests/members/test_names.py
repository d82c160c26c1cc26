import pytest

from tests import factories


@pytest.mark.django_db
def test_a_person_without_a_display_name_is_never_named_by_their_email():
    person = factories.make_user("jane.doe.at.acme@example.org")
    assert "jane" not in str(person)
    assert str(person) == f"Member #{person.pk}"


@pytest.mark.django_db
def test_a_display_name_is_what_others_see():
    assert str(factories.make_user(display_name="Rosa")) == "Rosa"
