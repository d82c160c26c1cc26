"""Writing to the audit log: one call per recorded action, inside the caller's transaction."""

from django.db import models

from .models import AuditAction, AuditEvent


def record(actor, action: AuditAction, target: models.Model | None = None, *, chapter=None,
           summary: str = "", **details) -> AuditEvent:
    """Record that `actor` did `action` to `target`. Details must be JSON-serializable."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        chapter=chapter,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        details=details,
    )
