"""Follows of a chapter, confirmed or not."""

from outreach.models import Follow, FollowChoice


def make_follow(chapter, email, *, choice=FollowChoice.SESSIONS, confirmed=True,
                language="en", user=None) -> Follow:
    from django.utils import timezone

    return Follow.objects.create(chapter=chapter, email=email, choice=choice,
                                 language=language, user=user,
                                 confirmed_at=timezone.now() if confirmed else None)
