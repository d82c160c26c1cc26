"""Changes to chapters: editing a page, changing a status. Each records who, when and why."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from audit.log import record
from audit.models import AuditAction

from .enums import ChapterStatus as S
from .models import Chapter, ChapterDescription, ChapterRevision, PartnerOrganization

# Which status a chapter may move to from each status. Closing is final.
ALLOWED_STATUS_CHANGES: dict[str, frozenset[str]] = {
    S.ACTIVE: frozenset({S.SEMI_ACTIVE, S.DORMANT, S.GRADUATED, S.CLOSED}),
    S.SEMI_ACTIVE: frozenset({S.ACTIVE, S.DORMANT, S.GRADUATED, S.CLOSED}),
    S.DORMANT: frozenset({S.ACTIVE, S.SEMI_ACTIVE, S.GRADUATED, S.CLOSED}),
    S.GRADUATED: frozenset({S.ACTIVE, S.CLOSED}),
    S.CLOSED: frozenset(),
}


class TransitionNotAllowed(Exception):
    pass


def allowed_statuses(chapter: Chapter) -> frozenset[str]:
    """The statuses this chapter may move to now."""
    return ALLOWED_STATUS_CHANGES.get(chapter.status, frozenset())


def edit_chapter(chapter: Chapter, changes: dict, *, actor) -> ChapterRevision | None:
    """Apply page changes; record a revision and an audit event when something changed."""
    changed = sorted(name for name, value in changes.items()
                     if getattr(chapter, name) != value)
    if not changed:
        return None
    with transaction.atomic():
        for name in changed:
            setattr(chapter, name, changes[name])
        chapter.updated_by = actor
        chapter.save(update_fields=[*changed, "updated_by", "updated_at"])
        revision = ChapterRevision.objects.create(chapter=chapter, changed_by=actor,
                                                  fields=changed)
        record(actor, AuditAction.CHAPTER_EDITED, chapter, chapter=chapter,
               summary=f"Edited {', '.join(changed)}", fields=changed)
    return revision


def set_descriptions(chapter: Chapter, texts: dict[str, str], *,
                     actor) -> ChapterRevision | None:
    """Write the chapter's description in other languages (an empty text removes one);
    record a revision and an audit event when something changed."""
    with transaction.atomic():
        existing = {d.language: d for d in chapter.descriptions.select_for_update()}
        changed = []
        for language, text in sorted(texts.items()):
            current = existing.get(language)
            if not text and current is not None:
                current.delete()
            elif text and current is None:
                ChapterDescription.objects.create(chapter=chapter, language=language, text=text)
            elif text and current.text != text:
                current.text = text
                current.save(update_fields=["text"])
            else:
                continue
            changed.append(f"description_{language}")
        if not changed:
            return None
        chapter.updated_by = actor
        chapter.save(update_fields=["updated_by", "updated_at"])
        revision = ChapterRevision.objects.create(chapter=chapter, changed_by=actor,
                                                  fields=changed)
        record(actor, AuditAction.CHAPTER_EDITED, chapter, chapter=chapter,
               summary=f"Edited {', '.join(changed)}", fields=changed)
    return revision


def change_status(chapter: Chapter, status: str, *, actor, reason: str,
                  successor_name: str = "", successor_url: str = "",
                  graduated_on: datetime.date | None = None) -> Chapter:
    """Move a chapter to `status` if the table allows it; a graduation names its successor."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A status change needs a reason.")
    with transaction.atomic():
        chapter = Chapter.objects.select_for_update().get(pk=chapter.pk)
        if status not in allowed_statuses(chapter):
            raise TransitionNotAllowed(f"{chapter.status} -> {status}")
        if status == S.GRADUATED and not (successor_name and successor_url):
            raise ValueError("A graduated chapter names its successor and links to it.")
        previous = chapter.status
        chapter.status = status
        if status == S.GRADUATED:
            chapter.successor_name = successor_name
            chapter.successor_url = successor_url
            chapter.graduated_on = graduated_on or timezone.localdate()
        chapter.updated_by = actor
        chapter.save()
        ChapterRevision.objects.create(chapter=chapter, changed_by=actor, fields=["status"])
        record(actor, AuditAction.CHAPTER_STATUS_CHANGED, chapter, chapter=chapter,
               summary=f"{previous} -> {status}: {reason}", previous=previous, status=status,
               reason=reason)
    return chapter


def save_partner(form, *, actor) -> PartnerOrganization:
    """Create or change a partner organization, and record it."""
    with transaction.atomic():
        created = form.instance.pk is None
        partner = form.save()
        record(actor, AuditAction.PARTNER_CHANGED, partner,
               summary=f"{'Added' if created else 'Changed'} {partner.name}")
    return partner


def delete_partner(partner: PartnerOrganization, *, actor) -> None:
    with transaction.atomic():
        record(actor, AuditAction.PARTNER_CHANGED, partner, summary=f"Removed {partner.name}")
        partner.delete()
