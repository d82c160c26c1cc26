"""The email task's old home: task rows queued before it moved to core.emails name
`members.emails.send_email`, and a worker imports them by that path. Send nothing new
through here; remove once no task row names it."""

from core.emails import send_email  # noqa: F401
