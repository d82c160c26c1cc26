"""The onboarding funnel of a chapter for one month: numbers, never names."""

import calendar
import datetime as dt

from django.db.models import Q

from members.enums import MembershipStatus
from members.models import Membership

from .models import Registration, RegistrationStatus


def funnel(chapter, year: int, month: int) -> dict[str, int]:
    """Registered and attended (sessions starting that month), asked to join and became
    members (join requests to the chapter that month by people whose email matches any
    attendee of the chapter's sessions)."""
    start = dt.datetime(year, month, 1, tzinfo=dt.UTC)
    end = start + dt.timedelta(days=calendar.monthrange(year, month)[1])
    registrations = Registration.objects.filter(
        session__chapter=chapter, session__starts_at__gte=start, session__starts_at__lt=end,
        email_confirmed=True,
    )
    attendee_emails = Registration.objects.filter(
        session__chapter=chapter, status=RegistrationStatus.ATTENDED,
    ).values("email")
    asked = Membership.objects.filter(
        chapter=chapter, requested_at__gte=start, requested_at__lt=end,
    ).filter(
        Q(user__email__in=attendee_emails)
        | Q(user__emailaddress__email__in=attendee_emails, user__emailaddress__verified=True)
    ).distinct()
    return {
        "registered": registrations.count(),
        "attended": registrations.filter(status=RegistrationStatus.ATTENDED).count(),
        "asked_to_join": asked.count(),
        "became_members": asked.filter(status=MembershipStatus.ACTIVE).count(),
    }
