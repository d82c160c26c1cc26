"""A person's outreach data: follows, place watches and the emails sent to them.

Found by account or by an address the person proved is theirs (a verified one): an added
but unverified address must not export or erase someone else's follows.
"""

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.db.models.functions import Lower

from .models import Delivery, Follow, PlaceWatch


def _emails(user) -> list[str]:
    return list({e.lower() for e in EmailAddress.objects.filter(user=user, verified=True)
                 .values_list("email", flat=True)} | {user.email.lower()})


def _follows(user):
    return Follow.objects.filter(Q(user=user) | Q(email__in=_emails(user)))


def _watches(user):
    return PlaceWatch.objects.filter(Q(user=user) | Q(email__in=_emails(user)))


def _deliveries(user):
    return Delivery.objects.alias(e=Lower("email")).filter(Q(user=user) | Q(e__in=_emails(user)))


def export(user) -> dict:
    return {
        "follows": [
            {"chapter": f.chapter.name if f.chapter else None, "email": f.email,
             "choice": f.choice, "language": f.language,
             "created_at": f.created_at.isoformat(),
             "confirmed_at": f.confirmed_at.isoformat() if f.confirmed_at else None}
            for f in _follows(user).select_related("chapter").order_by("created_at", "pk")
        ],
        "place_watches": [
            {"place": w.place_name, "latitude": w.latitude, "longitude": w.longitude,
             "email": w.email, "created_at": w.created_at.isoformat(),
             "confirmed_at": w.confirmed_at.isoformat() if w.confirmed_at else None}
            for w in _watches(user).order_by("created_at", "pk")
        ],
        "emails_received": [
            {"kind": d.message.kind, "subject": d.message.subject,
             "chapter": d.message.chapter.name if d.message.chapter else None,
             "email": d.email,
             "sent_at": d.sent_at.isoformat() if d.sent_at else None}
            for d in _deliveries(user).select_related("message__chapter").order_by("pk")
        ],
    }


def erase(user) -> None:
    """Delete follows, watches and delivery rows: nothing here is needed as a count (a sent
    message keeps its recipient count)."""
    _follows(user).delete()
    _watches(user).delete()
    _deliveries(user).delete()
