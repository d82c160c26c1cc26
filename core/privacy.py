"""The platform's share of a person's data: the email ledger (`core.delivery`).

The ledger holds keyed hashes of addresses, not addresses; still, a hash of someone's
address tells whoever holds the key that they were written to, so erasure deletes the rows.
Core comes first in INSTALLED_APPS, so `core.personal_data` asks it first: it reads the
person's addresses before the members app removes them.
"""

from allauth.account.models import EmailAddress

from .delivery import deliveries_of


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
