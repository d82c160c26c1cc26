"""A person's onboarding data: their registrations, by account or by their email addresses."""

from allauth.account.models import EmailAddress
from django.db.models import Q

from .models import Registration, RegistrationStatus


def _registrations(user):
    """Registrations linked to the person or made with an address they proved is theirs:
    an added but unverified address (anyone's) must not export or erase someone else's."""
    emails = [e.lower() for e in EmailAddress.objects.filter(user=user, verified=True)
              .values_list("email", flat=True)] + [user.email.lower()]
    return Registration.objects.filter(Q(user=user) | Q(email__in=emails))


def export(user) -> dict:
    return {"registrations": [
        {
            "session": r.session.title,
            "chapter": r.session.chapter.name,
            "starts_at": r.session.starts_at.isoformat(),
            "name": r.name,
            "email": r.email,
            "status": r.status,
            "signed_up_at": r.created_at.isoformat(),
            "confirmed_at": r.confirmed_at.isoformat() if r.confirmed_at else None,
            "followed_up_at": r.followed_up_at.isoformat() if r.followed_up_at else None,
        }
        for r in _registrations(user).select_related("session__chapter").order_by("created_at")
    ]}


def erase(user) -> None:
    """Anonymise: the funnel keeps its counts, nothing points to the person any more.

    Live registrations are cancelled first so a held place goes to the waitlist.
    """
    from .services import TransitionError, cancel_registration

    for registration in _registrations(user).filter(status__in=[
        RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED,
    ]):
        try:
            cancel_registration(registration, notify=False)
        except TransitionError:
            pass
    for registration in _registrations(user):
        registration.name = ""
        registration.email = f"erased-{registration.pk}@invalid"
        registration.user = None
        registration.token = f"erased-{registration.pk}-{registration.token[:16]}"
        registration.save(update_fields=["name", "email", "user", "token"])
