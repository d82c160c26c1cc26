"""Who may do what in the Chapter Development Program, beside the querysets scoped to it.

Each predicate takes the acting person first and the application second and answers a bool;
`visible_applications(user)` holds only what the person may open, so a foreign id is a 404.
The roles they build on (Global admin, coach, a second factor) are members.permissions'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from core.roles import has_mfa, is_coach, is_global_admin, signed_in

from .enums import ApplicationState
from .models import Application

if TYPE_CHECKING:
    from members.models import User


def _of(user: User) -> Q:
    # An applicant is one of the group, or invited by email and signed in with that address.
    return Q(applicationapplicant__user=user) | Q(invitations__email=user.email.lower())


def applications_of(user: User) -> QuerySet[Application]:
    """The applications this person is one of the group of, or was invited to."""
    return Application.objects.filter(_of(user)).distinct()


def visible_applications(user: User) -> QuerySet[Application]:
    """Applications this person may open at all: their own, the ones they coach, and every
    one for Global admins."""
    if may_review_applications(user):
        return Application.objects.all()
    visible = _of(user)
    if may_coach(user):
        visible |= Q(coach=user)
    return Application.objects.filter(visible).distinct()


def _applicant_of(user: User) -> frozenset[int]:
    """The ids of `applications_of(user)`, read once per request."""
    if not signed_in(user):
        return frozenset()
    cached = getattr(user, "_applicant_of", None)
    if cached is None:
        cached = frozenset(applications_of(user).values_list("pk", flat=True))
        user._applicant_of = cached
    return cached


def may_review_applications(user: User) -> bool:
    """The Chapter Development Program queue, coach assignment, launch."""
    return has_mfa(user) and is_global_admin(user)


def may_coach(user: User) -> bool:
    return has_mfa(user) and is_coach(user)


def may_configure_program(user: User) -> bool:
    """The program's milestones and training resources (content, no one's personal data),
    in Django's admin."""
    return has_mfa(user) and is_global_admin(user)


def is_applicant(user: User, application: Application) -> bool:
    """One of the group applying, or invited by email and signed in with that address."""
    return application.pk in _applicant_of(user)


def is_assigned_coach(user: User, application: Application) -> bool:
    return may_coach(user) and application.coach_id == user.pk


def may_view_application(user: User, application: Application) -> bool:
    """Status, history, milestones: applicants, the assigned coach, Global admins."""
    return (is_applicant(user, application) or is_assigned_coach(user, application)
            or may_review_applications(user))


def may_edit_application(user: User, application: Application) -> bool:
    """Applicants edit their application only while changes are requested."""
    return (application.state == ApplicationState.CHANGES_REQUESTED
            and is_applicant(user, application))


def may_act_as(user: User, application: Application, role: str) -> bool:
    """Whether `user` holds the role a transition table entry names ("admin"/"applicant")."""
    if role == "admin":
        return may_review_applications(user)
    if role == "applicant":
        return is_applicant(user, application)
    return False


def may_mark_milestones(user: User, application: Application) -> bool:
    return application.state == ApplicationState.IN_PROGRAM and is_applicant(user, application)


def may_verify_milestones(user: User, application: Application) -> bool:
    """Only the coach assigned to this application (with a second factor)."""
    return (application.state == ApplicationState.IN_PROGRAM
            and is_assigned_coach(user, application))


def may_read_coaching_log(user: User, application: Application) -> bool:
    """The private coaching log: the assigned coach, the applicants, Global admins."""
    return may_view_application(user, application)


def may_write_coaching_note(user: User, application: Application) -> bool:
    return is_assigned_coach(user, application) or may_review_applications(user)


def may_see_applicant_contacts(user: User, application: Application) -> bool:
    """Who applied and their email addresses: the assigned coach and Global admins only."""
    return is_assigned_coach(user, application) or may_review_applications(user)


def may_edit_page_details(user: User, application: Application) -> bool:
    """What the launched chapter's page will say: the applicants and Global admins, while
    the application is open."""
    return not application.is_final and (is_applicant(user, application)
                                         or may_review_applications(user))


def may_launch(user: User, application: Application) -> bool:
    return application.state == ApplicationState.IN_PROGRAM and may_review_applications(user)


def may_see_training_resources(user: User) -> bool:
    """Program participants: anyone who applied or was invited, coaches, Global admins."""
    return may_coach(user) or may_review_applications(user) or bool(_applicant_of(user))
