"""The demo data loads, and loading it again changes nothing."""

import pytest
from django.core.management import call_command

from chapters.models import Chapter, PartnerOrganization
from members.models import Membership, PolicyVersion, User


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing(gazetteer):
    call_command("load_demo")
    counts = {
        model.__name__: model.objects.count()
        for model in (Chapter, User, Membership, PolicyVersion, PartnerOrganization)
    }
    snapshot = sorted(Chapter.objects.values_list("slug", "status", "latitude", "longitude"))
    call_command("load_demo")
    assert counts == {
        model.__name__: model.objects.count()
        for model in (Chapter, User, Membership, PolicyVersion, PartnerOrganization)
    }
    assert snapshot == sorted(Chapter.objects.values_list("slug", "status", "latitude", "longitude"))
    slugs = set(Chapter.objects.values_list("slug", flat=True))
    assert {"berlin", "bologna", "milan", "rome", "turin", "new-york", "san-diego", "bay-area",
            "seattle", "washington-dc", "boston", "london", "global"} <= slugs
    london = Chapter.objects.get(slug="london")
    assert london.status == "graduated" and london.successor_url
    assert Chapter.objects.get(slug="global").kind == "online"
