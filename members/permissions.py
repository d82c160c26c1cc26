"""Who may do what: the one place that decides. Views and templates ask these predicates.

Each predicate takes the acting user first and the object second, and answers a plain bool.
Roles: a Global admin and a coach are network-level (flags on the person); an organizer is
an active membership with the organizer role in one chapter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator

from .enums import MembershipRole, MembershipStatus

if TYPE_CHECKING:
    from chapters.models import Chapter

    from .models import User


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def has_mfa(user: User) -> bool:
    """Whether the person has a second factor (TOTP) set up."""
    if not _signed_in(user):
        return False
    cached = getattr(user, "_has_mfa", None)
    if cached is None:
        cached = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists()
        user._has_mfa = cached
    return cached


def is_global_admin(user: User) -> bool:
    return _signed_in(user) and user.is_global_admin


def is_coach(user: User) -> bool:
    return _signed_in(user) and user.is_coach


def organizer_chapter_ids(user: User) -> frozenset[int]:
    """The chapters this person organizes, read once per request."""
    if not _signed_in(user):
        return frozenset()
    cached = getattr(user, "_organizer_chapter_ids", None)
    if cached is None:
        from .models import Membership

        cached = frozenset(
            Membership.objects.filter(
                user=user, status=MembershipStatus.ACTIVE, role=MembershipRole.ORGANIZER
            ).values_list("chapter_id", flat=True)
        )
        user._organizer_chapter_ids = cached
    return cached


def has_elevated_role(user: User) -> bool:
    """Organizers, coaches and Global admins must use a second factor."""
    return is_global_admin(user) or is_coach(user) or bool(organizer_chapter_ids(user))


def is_organizer(user: User, chapter: Chapter) -> bool:
    return chapter.pk in organizer_chapter_ids(user)


# ---------------------------------------------------------------------------------------
# Directory: chapter pages, status, partners.
# (Each section below belongs to one part of the product; add a predicate inside its own
# section so that parallel work on other parts does not touch the same lines.)
# ---------------------------------------------------------------------------------------


def may_edit_chapter(user: User, chapter: Chapter) -> bool:
    """The chapter's page: its organizers and Global admins."""
    return has_mfa(user) and (is_organizer(user, chapter) or is_global_admin(user))


# ---------------------------------------------------------------------------------------
# Membership: policies, join requests, member lists.
# ---------------------------------------------------------------------------------------


def may_manage_members(user: User, chapter: Chapter) -> bool:
    """See and decide on members and join requests: only that chapter's organizers."""
    return has_mfa(user) and is_organizer(user, chapter)


def may_see_member_counts(user: User, chapter: Chapter) -> bool:
    """Counts, never names: organizers of the chapter and Global admins."""
    return has_mfa(user) and (is_organizer(user, chapter) or is_global_admin(user))


def may_see_policy_history(user: User, chapter: Chapter) -> bool:
    """Who changed a chapter's rules, version by version: its organizers and Global
    admins (the public chapter page tells only what changed and when)."""
    return has_mfa(user) and (is_organizer(user, chapter) or is_global_admin(user))


def may_edit_policy(user: User, chapter: Chapter | None) -> bool:
    """A chapter's policy: its organizers. The network baseline: Global admins."""
    if chapter is None:
        return has_mfa(user) and is_global_admin(user)
    return has_mfa(user) and is_organizer(user, chapter)


# ---------------------------------------------------------------------------------------
# Onboarding: sessions and registrations.
# ---------------------------------------------------------------------------------------


def may_manage_sessions(user: User, chapter: Chapter) -> bool:
    """Schedule, edit, cancel onboarding sessions, see sign-ups, check people in."""
    return has_mfa(user) and is_organizer(user, chapter)


def may_see_session_funnel(user: User, chapter: Chapter) -> bool:
    """The onboarding funnel (numbers only): the chapter's organizers and Global admins."""
    return has_mfa(user) and (is_organizer(user, chapter) or is_global_admin(user))


# ---------------------------------------------------------------------------------------
# Directory, network level: the directory's truth and the partner list.
# ---------------------------------------------------------------------------------------


def may_change_chapter_status(user: User) -> bool:
    """Dormant, graduated, closed: the directory's truth is kept by Global admins."""
    return has_mfa(user) and is_global_admin(user)


def may_manage_partners(user: User) -> bool:
    return has_mfa(user) and is_global_admin(user)


# ---------------------------------------------------------------------------------------
# Chapter Development Program: applications, coaching, launch.
# ---------------------------------------------------------------------------------------


def may_review_applications(user: User) -> bool:
    """The Chapter Development Program queue, coach assignment, launch."""
    return has_mfa(user) and is_global_admin(user)


def may_coach(user: User) -> bool:
    return has_mfa(user) and is_coach(user)


if TYPE_CHECKING:
    from cdp.models import Application


def is_applicant(user: User, application: Application) -> bool:
    """One of the group applying, or invited by email and signed in with that address."""
    if not _signed_in(user):
        return False
    cache = getattr(user, "_applicant_of", None)
    if cache is None:
        from cdp.models import ApplicationApplicant, ApplicationInvitation

        cache = set(ApplicationApplicant.objects.filter(user=user)
                    .values_list("application_id", flat=True))
        cache |= set(ApplicationInvitation.objects.filter(email=user.email.lower())
                     .values_list("application_id", flat=True))
        user._applicant_of = cache
    return application.pk in cache


def is_assigned_coach(user: User, application: Application) -> bool:
    return may_coach(user) and application.coach_id == user.pk


def may_view_application(user: User, application: Application) -> bool:
    """Status, history, milestones: applicants, the assigned coach, Global admins."""
    return (is_applicant(user, application) or is_assigned_coach(user, application)
            or may_review_applications(user))


def may_edit_application(user: User, application: Application) -> bool:
    """Applicants edit their application only while changes are requested."""
    return application.state == "changes_requested" and is_applicant(user, application)


def may_act_as(user: User, application: Application, role: str) -> bool:
    """Whether `user` holds the role a transition table entry names ("admin"/"applicant")."""
    if role == "admin":
        return may_review_applications(user)
    if role == "applicant":
        return is_applicant(user, application)
    return False


def may_mark_milestones(user: User, application: Application) -> bool:
    return application.state == "in_program" and is_applicant(user, application)


def may_verify_milestones(user: User, application: Application) -> bool:
    """Only the coach assigned to this application (with a second factor)."""
    return application.state == "in_program" and is_assigned_coach(user, application)


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
    return application.state == "in_program" and may_review_applications(user)


def may_see_training_resources(user: User) -> bool:
    """Program participants: anyone who applied or was invited, coaches, Global admins."""
    if may_coach(user) or may_review_applications(user):
        return True
    if not _signed_in(user):
        return False
    from cdp.models import ApplicationApplicant, ApplicationInvitation

    return (ApplicationApplicant.objects.filter(user=user).exists()
            or ApplicationInvitation.objects.filter(email=user.email.lower()).exists())


# ---------------------------------------------------------------------------------------
# Outreach: followers, announcements.
# ---------------------------------------------------------------------------------------


def may_send_announcements(user: User, chapter: Chapter) -> bool:
    """Write and send a chapter's announcements: its organizers."""
    return has_mfa(user) and is_organizer(user, chapter)


def may_see_follower_count(user: User, chapter: Chapter) -> bool:
    """A count of followers, never the list: the chapter's organizers and Global admins."""
    return has_mfa(user) and (is_organizer(user, chapter) or is_global_admin(user))


def may_send_network_announcements(user: User) -> bool:
    """Announcements to every chapter's people at once: Global admins."""
    return has_mfa(user) and is_global_admin(user)


# ---------------------------------------------------------------------------------------
# Django's admin (members/admin_site.py): a Global admin's tool for the program's content.
# ---------------------------------------------------------------------------------------


def may_use_admin(user: User) -> bool:
    """Django's admin at all: staff who are Global admins, with a second factor. Being a
    Django superuser adds nothing; each model there asks its own predicate too."""
    return has_mfa(user) and is_global_admin(user) and user.is_staff


def may_configure_program(user: User) -> bool:
    """The program's milestones and training resources (content, no one's personal data)."""
    return has_mfa(user) and is_global_admin(user)


# ---------------------------------------------------------------------------------------
# Audit log.
# ---------------------------------------------------------------------------------------


def may_read_audit_log(user: User) -> bool:
    return has_mfa(user) and is_global_admin(user)
