"""The platform's share of a person's data: the email ledger (`core.delivery`).

The ledger holds keyed hashes of addresses, not addresses; still, a hash of someone's
address tells whoever holds the key that they were written to, so erasure deletes the rows.
Core comes first in INSTALLED_APPS, so `core.personal_data` asks it first: it reads the
person's addresses before the members app removes them.
"""

from allauth.account.models import EmailAddress
from django.db import connection

from .delivery import deliveries_of


def verified_addresses_sql(user) -> tuple[str, list]:
    """A SELECT of the person's verified addresses, lower-cased, and its parameters: for
    `IN (...)` inside a lookup written as SQL (the same as a queryset costs more to compile
    than it takes to run on /me/)."""
    quote = connection.ops.quote_name
    return (f"SELECT LOWER({quote('email')}) FROM {quote(EmailAddress._meta.db_table)}"
            f" WHERE {quote('user_id')} = %s AND {quote('verified')} = %s", [user.pk, True])


def _addresses(user) -> set[str]:
    addresses = {user.email.lower()} if user.email else set()
    # Only verified ones: anybody can add someone else's address to their account unverified.
    addresses |= {e.lower() for e in EmailAddress.objects.filter(user=user, verified=True)
                  .values_list("email", flat=True)}
    return addresses


def export(user) -> dict:
    return {"emails_sent": [
        {"template": d.template, "about": d.object_key, "status": d.status,
         "sent_at": d.sent_at.isoformat() if d.sent_at else None}
        for d in deliveries_of(_addresses(user)).order_by("created_at")]}


def erase(user) -> None:
    deliveries_of(_addresses(user)).delete()
