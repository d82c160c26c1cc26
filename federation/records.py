"""Our public chapter records: the allow-list of what crosses to a peer, and the feed.

Only the fields in RECORD_FIELDS ever leave this deployment: a chapter's public page
facts, never a person, a session's venue or call link, a membership or an application.
tests/federation/test_publishing.py fails if a record holds anything else.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from chapters.models import Chapter, DataVersion
from core.pagecache import CHAPTERS, POLICIES
from members.models import MembershipPolicy
from members.rules import describe, effective_rules

from .models import FeedState, PublishedRecord

RECORD_FIELDS = frozenset({
    "id", "network", "name", "kind", "status", "city", "region", "country", "latitude",
    "longitude", "languages", "successor", "who_may_join", "contact", "url", "updated",
})
DELETED_FIELDS = frozenset({"id", "deleted", "updated"})


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def record(chapter: Chapter, who_may_join: list[str], updated) -> dict:
    """One chapter's public record (every key in RECORD_FIELDS, nothing else)."""
    return {
        "id": str(chapter.pk),
        "network": settings.NETWORK_NAME,
        "name": chapter.name,
        "kind": chapter.kind,
        "status": chapter.status,
        "city": chapter.city,
        "region": chapter.region,
        "country": chapter.country,
        "latitude": chapter.latitude,
        "longitude": chapter.longitude,
        "languages": list(chapter.languages or []),
        "successor": ({"name": chapter.successor_name, "url": chapter.successor_url}
                      if chapter.successor_name else None),
        "who_may_join": who_may_join,
        "contact": {"email": chapter.email, "website": chapter.website},
        "url": _site(chapter.get_absolute_url()),
        "updated": updated.isoformat(),
    }


def current_records() -> dict[int, dict]:
    """Every listed chapter's record, in three queries whatever the size of the network."""
    policies = MembershipPolicy.objects.current_versions()
    baseline = policies.get(None)
    records = {}
    # Rules are published in the network's own language: peers show them as given.
    with translation.override(settings.LANGUAGE_CODE):
        for chapter in Chapter.objects.listed().order_by("pk"):
            version = policies.get(chapter.pk)
            updated = max(filter(None, [chapter.updated_at,
                                        getattr(version, "created_at", None),
                                        getattr(baseline, "created_at", None)]))
            rules = [str(line) for line in describe(effective_rules(baseline, version))]
            records[chapter.pk] = record(chapter, rules, updated)
    return records


def digest(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _data_versions() -> list[int]:
    found = dict(DataVersion.objects.filter(name__in=[CHAPTERS, POLICIES])
                 .values_list("name", "version"))
    return [found.get(CHAPTERS, 0), found.get(POLICIES, 0)]


def refresh(*, force: bool = False) -> int:
    """Number every changed record anew since the last build; return the last number.

    Cheap when nothing changed (one query for the data versions); a rebuild after a change
    reads every listed chapter once, under a lock so two requests never number twice.
    """
    versions = _data_versions()
    state = FeedState.objects.filter(pk=1).first()
    if state and state.built_from == versions and not force:
        return state.last_sequence
    with transaction.atomic():
        state, _ = FeedState.objects.select_for_update().get_or_create(pk=1)
        if state.built_from == versions and not force:
            return state.last_sequence
        now = timezone.now()
        sequence = state.last_sequence
        existing = {row[0]: row[1:] for row in
                    PublishedRecord.objects.values_list("chapter_id", "digest", "deleted")}
        changed: list[PublishedRecord] = []
        for pk, data in current_records().items():
            data_digest = digest(data)
            if existing.get(pk) != (data_digest, False):
                sequence += 1
                changed.append(PublishedRecord(chapter_id=pk, sequence=sequence,
                                               digest=data_digest, data=data, deleted=False,
                                               published_at=now))
            existing.pop(pk, None)
        for pk, (_digest, deleted) in existing.items():
            if not deleted:  # no longer listed, or deleted: peers must drop it
                sequence += 1
                data = {"id": str(pk), "deleted": True, "updated": now.isoformat()}
                changed.append(PublishedRecord(chapter_id=pk, sequence=sequence,
                                               digest=digest(data), data=data, deleted=True,
                                               published_at=now))
        # Renumbered rows first move out of the way of the unique sequence numbers.
        PublishedRecord.objects.filter(chapter_id__in=[r.chapter_id for r in changed]).delete()
        PublishedRecord.objects.bulk_create(changed, batch_size=500)
        state.built_from = versions
        state.last_sequence = sequence
        state.save()
    return sequence


def page(after: int, limit: int) -> dict:
    """The feed's payload: the records changed after `after`, at most `limit` of them."""
    last = refresh()
    # A cursor past our last number (say, we were restored from a backup) starts the peer
    # over: it gets everything, told to drop what it held.
    reset = after > last
    if reset:
        after = 0
    rows = list(PublishedRecord.objects.filter(sequence__gt=after)
                .order_by("sequence").values_list("sequence", "data")[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "network": {"name": settings.NETWORK_NAME, "short_name": settings.NETWORK_SHORT_NAME,
                    "site": settings.SITE_URL},
        "after": after,
        "cursor": rows[-1][0] if rows else after,
        "more": more,
        "reset": reset,
        "records": [data for _sequence, data in rows],
        "issued_at": timezone.now().isoformat(),
    }
