"""A person's data at the desk: in their download, and gone when they delete their account."""

from core.personal_data import erase_personal_data, export_personal_data
from network import services
from network.models import HelpMessage, HelpOffer, HelpRequest, Material, Volunteer
from tests import factories
from tests.factories import make_help_request, make_material, make_offer


def test_offers_messages_and_materials_are_exported_and_erased(chapter_a, alice, chapter_b):
    helper = factories.make_user("helper@example.org", display_name="Helper")
    factories.make_membership(helper, chapter_b)
    services.set_volunteer(helper, True)
    help_request = make_help_request(chapter_a, posted_by=alice)
    offer = make_offer(help_request, helper, message="I know Italian.")
    services.accept_offer(offer, actor=alice)
    services.send_message(offer, author=helper, body="Here is my draft.")
    services.send_message(offer, author=alice, body="Thanks!")
    make_material(chapter_a, shared_by=alice, title="Slides")

    data = export_personal_data(helper)["network"]
    assert data["help_offers"][0]["message"] == "I know Italian."
    assert [m["body"] for m in data["help_messages"]] == ["Here is my draft."]
    assert data["volunteer_since"]
    assert export_personal_data(alice)["network"]["materials_shared"][0]["title"] == "Slides"

    erase_personal_data(helper)
    offer.refresh_from_db()
    assert (offer.helper, offer.message) == (None, "")
    assert list(HelpMessage.objects.values_list("body", flat=True)) == ["Thanks!"]
    assert not Volunteer.objects.exists()

    erase_personal_data(alice)
    assert HelpRequest.objects.get().posted_by is None
    assert Material.objects.get().shared_by is None
    assert HelpOffer.objects.count() == 1
