"""The platform's share of a person's data: the email ledger (`core.delivery`).

Also the finished rows of the task queue that name the person (an email task keeps its
recipient's address and context after it ran).

The ledger holds keyed hashes of addresses, not addresses; still, a hash of someone's
address tells whoever holds the key that they were written to, so erasure deletes the rows.
Listed first in `members.privacy.PRIVACY_MODULES`: it reads the person's addresses before
the members app removes them.
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


def _finished_tasks_naming(needles: set[str]):
    """Task rows already run whose arguments hold one of the needles (an email task keeps
    its recipient's address and its context, e.g. the person's name, after it ran). Only
    finished rows: a waiting one may be another person's email too. JSON may hold a
    non-ASCII character as an escape, so both spellings are looked for."""
    import json

    from django.db.models import Q, TextField
    from django.db.models.functions import Cast
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    match = Q()
    for needle in needles:
        for spelling in {needle, json.dumps(needle)[1:-1]}:
            match |= Q(_args__icontains=spelling)
    if not match:
        return DBTaskResult.objects.none()
    return (DBTaskResult.objects
            .filter(status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED])
            .annotate(_args=Cast("args_kwargs", TextField())).filter(match))


def erase(user) -> None:
    addresses = _addresses(user)
    deliveries_of(addresses).delete()
    # Left to the daily prune, the finished email tasks would keep the address for a week
    # (and in every backup of it).
    names = {user.display_name} if len(user.display_name or "") >= 3 else set()
    ids = list(_finished_tasks_naming(addresses | names).values_list("pk", flat=True))
    if ids:
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(pk__in=ids).delete()
