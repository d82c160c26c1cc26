"""The audit log is not in Django's admin: Global admins read it at /audit/ (audit/views.py),
where it shows what the log page decides, and nobody edits or deletes it anywhere."""
