"""Django's database sessions, read without building a query on every signed-in request.

`SESSION_ENGINE = "core.sessions"`: the same table, rows, cookie and encoding as
`django.contrib.sessions.backends.db` (the class keeps its name, `SessionStore`, which salts
the encoding), so sessions made by either are read by both. Only the read by session key
differs: the ORM built and compiled a queryset for it on every request with a session
cookie (about 0.4 ms of CPU, more than the rest of the read); here a plain statement runs
with its two values. It still asks for a row that has not expired, so a signed-out
(deleted) or expired session reads as none on the very next request, as before.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The session row by key if it has not expired (None otherwise), as the base
        class reads it; its `expire_date` is left deferred (read on access): `load()`
        needs only the data."""
        model = self.model
        alias = router.db_for_read(model)
        connection = connections[alias]
        meta = model._meta
        key, data, expiry = (meta.get_field(name) for name in (
            "session_key", "session_data", "expire_date"))
        quote = connection.ops.quote_name
        sql = (f"SELECT {quote(key.column)}, {quote(data.column)} FROM {quote(meta.db_table)} "
               f"WHERE {quote(key.column)} = %s AND {quote(expiry.column)} > %s")
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key,
                                 expiry.get_db_prep_value(timezone.now(), connection)])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model.from_db(alias, [key.attname, data.attname], row)
