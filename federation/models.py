"""What we publish: one row per chapter record, numbered so peers fetch only what changed."""

from django.db import models


class PublishedRecord(models.Model):
    """The last published form of one chapter's public record.

    `sequence` grows with every change (a deletion included), so a peer asking for
    everything after its cursor gets each change once, in order. No foreign key: the record
    of a deleted chapter must outlive it as a deletion.
    """

    chapter_id = models.BigIntegerField(unique=True)
    sequence = models.BigIntegerField(unique=True)
    digest = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    deleted = models.BooleanField(default=False)
    published_at = models.DateTimeField()


class FeedState(models.Model):
    """One row: the data versions the published records were last built from."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    built_from = models.JSONField(default=list)
    last_sequence = models.BigIntegerField(default=0)
