"""Help requests, offers and materials for the desk's tests."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from network.models import HelpOffer, HelpRequest, HelpStatus, Material, OfferStatus


def make_help_request(chapter, *, posted_by=None, status=HelpStatus.OPEN, **fields):
    defaults = {"kind": "translation", "title": "Translate our flyer into Italian",
                "description": "One page.", "skill": "Italian", "language": "it", "hours": 3,
                "deadline": timezone.localdate() + dt.timedelta(days=14)}
    defaults.update(fields)
    return HelpRequest.objects.create(chapter=chapter, posted_by=posted_by, status=status,
                                      **defaults)


def make_offer(help_request, helper, *, status=OfferStatus.OFFERED, message="I can help."):
    return HelpOffer.objects.create(request=help_request, helper=helper, status=status,
                                    message=message)


def make_material(chapter, *, shared_by=None, file: bool = True, **fields):
    material = Material(chapter=chapter, shared_by=shared_by,
                        title=fields.pop("title", "Onboarding slides"),
                        languages=fields.pop("languages", ["en"]),
                        tags=fields.pop("tags", ["slides"]), **fields)
    if file:
        material.file.save("slides.pdf", ContentFile(b"%PDF-1.4 fictional"), save=False)
    elif not material.url:
        material.url = "https://example.org/slides"
    material.save()
    return material
