"""Chapters, each with its own (empty) policy on top of the baseline."""

from __future__ import annotations

from chapters.enums import ChapterKind, ChapterStatus
from chapters.models import Chapter

from .members import make_policy, numbers


def make_chapter(slug: str | None = None, **fields) -> Chapter:
    slug = slug or f"chapter-{next(numbers)}"
    defaults = {
        "name": f"TWC {slug.replace('-', ' ').title()}",
        "kind": ChapterKind.LOCAL,
        "city": slug.title(),
        "country": "DE",
        "latitude": 52.52,
        "longitude": 13.405,
        "timezone": "Europe/Berlin",
        "status": ChapterStatus.ACTIVE,
        "languages": ["en"],
    }
    defaults.update(fields)
    if defaults["kind"] == ChapterKind.ONLINE:
        defaults.update(latitude=None, longitude=None)
    chapter = Chapter.objects.create(slug=slug, **defaults)
    make_policy(chapter)
    return chapter
