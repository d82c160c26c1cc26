"""What outreach does when the apps below it say something happened (their signals)."""

from __future__ import annotations

from django.db import transaction

from . import audiences
from .models import MessageKind, PlaceWatch
from .services import notice


def on_session_published(sender, session, **kwargs) -> None:
    """Followers who want every new session hear of it at once; digest readers in the weekly digest."""
    if session.is_cancelled or not session.chapter.is_listed:
        return
    notice(MessageKind.SESSION, f"session:{session.pk}", chapter=session.chapter,
           session=session)


def _point(chapter) -> dict:
    return {"latitude": chapter.latitude, "longitude": chapter.longitude}


def on_chapter_launched(sender, chapter, application=None, revived=False, **kwargs) -> None:
    """People who asked to be told about a chapter within 100 km get one email; a watch
    that was answered is done and is deleted."""
    if chapter.latitude is None:
        return  # an online chapter is near nobody in particular
    key = f"launch:{chapter.pk}:{getattr(application, 'pk', 'none')}"
    with transaction.atomic():
        ids = audiences.watch_ids_near(chapter.latitude, chapter.longitude)
        message = notice(MessageKind.LAUNCH, key, chapter=chapter,
                         details={**_point(chapter), "revived": bool(revived)})
        if message is not None:
            PlaceWatch.objects.filter(pk__in=ids).delete()


def on_revival_requested(sender, application, chapter, **kwargs) -> None:
    """A dormant chapter may come back: its confirmed followers and the people watching a
    place within 100 km are invited to take part, one email each, once per application."""
    notice(MessageKind.REVIVAL, f"revival:{application.pk}", chapter=chapter,
           details={**_point(chapter), "application": application.pk})


