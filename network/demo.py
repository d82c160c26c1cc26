"""Demo desk: a request for help from Milan, an offer-free open request from New York, and
two shared materials. Idempotent: keyed by title."""

import datetime as dt

from django.utils import timezone

from chapters.models import Chapter
from members.models import User

from .models import HelpRequest, Material

REQUESTS = [
    ("milan", "organizer.milan@example.org", {
        "kind": "translation", "title": "Translate our onboarding flyer into English",
        "description": "One page, for the English-speaking tech workers in Milan.",
        "skill": "Italian to English", "language": "en", "hours": 2, "days": 21}),
    ("new-york", "organizer.newyork@example.org", {
        "kind": "legal", "title": "Legal basics for a first workplace meeting",
        "description": "A short talk on what the law protects when coworkers meet.",
        "skill": "US labour law", "language": "en", "hours": 3, "days": 30}),
]
MATERIALS = [
    ("berlin", "organizer.berlin@example.org", {
        "title": "Onboarding session slides (template)",
        "url": "https://example.org/berlin-onboarding-slides", "languages": ["en", "de"],
        "tags": ["slides", "onboarding"]}),
    ("milan", "organizer.milan@example.org", {
        "title": "Volantino: perché organizzarsi", "url": "https://example.org/volantino",
        "languages": ["it"], "tags": ["flyer"]}),
]


def load() -> None:
    chapters = {c.slug: c for c in Chapter.objects.filter(
        slug__in={slug for slug, *_ in REQUESTS + MATERIALS})}
    people = {u.email: u for u in User.objects.filter(
        email__in={email for _, email, _ in REQUESTS + MATERIALS})}
    today = timezone.localdate()
    for slug, email, fields in REQUESTS:
        if slug in chapters and not HelpRequest.objects.filter(title=fields["title"]).exists():
            fields = dict(fields)
            HelpRequest.objects.create(
                chapter=chapters[slug], posted_by=people.get(email),
                deadline=today + dt.timedelta(days=fields.pop("days")), **fields)
    for slug, email, fields in MATERIALS:
        if slug in chapters and not Material.objects.filter(title=fields["title"]).exists():
            Material(chapter=chapters[slug], shared_by=people.get(email), **fields).save()
