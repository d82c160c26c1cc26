"""Who may do what at the Global chapter's desk, beside the querysets scoped to it.

Predicates take the acting person first and answer a bool; the querysets give only what the
person may see, so a foreign id is a 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from cdp import permissions as program
from chapters import permissions as chapter_permissions
from members import permissions as can
from members.enums import MembershipStatus
from members.models import Membership

from .models import HelpOffer, HelpRequest, HelpStatus, Material, OfferStatus, Volunteer

if TYPE_CHECKING:
    from chapters.models import Chapter
    from members.models import User

# The online chapter that runs the network's shared work.
GLOBAL_CHAPTER_SLUG = "global"


def _active_chapter_slugs(user: User) -> frozenset[str]:
    if not can.signed_in(user):
        return frozenset()
    cached = getattr(user, "_active_chapter_slugs", None)
    if cached is None:
        cached = frozenset(Membership.objects.filter(
            user=user, status=MembershipStatus.ACTIVE).values_list("chapter__slug", flat=True))
        user._active_chapter_slugs = cached
    return cached


def know_memberships(user: User, memberships) -> None:
    """Take the person's active chapters from every one of their memberships (with their
    chapters) that a page has loaded already (/me/), instead of a query of their own."""
    if can.signed_in(user) and getattr(user, "_active_chapter_slugs", None) is None:
        user._active_chapter_slugs = frozenset(
            m.chapter.slug for m in memberships
            if m.user_id == user.pk and m.status == MembershipStatus.ACTIVE)


# ---------------------------------------------------------------------------------------
# Network health and inactive chapters.
# ---------------------------------------------------------------------------------------


def may_see_network_health(user: User) -> bool:
    """Figures across chapters (numbers, never names): Global admins."""
    return can.has_mfa(user) and can.is_global_admin(user)


def may_review_inactive_chapters(user: User) -> bool:
    return chapter_permissions.may_change_chapter_status(user)


def may_request_revival(user: User, chapter: Chapter) -> bool:
    """Anyone signed in may ask to bring a dormant chapter back."""
    return can.signed_in(user) and chapter.status == "dormant" and chapter.is_listed


# ---------------------------------------------------------------------------------------
# Help between chapters.
# ---------------------------------------------------------------------------------------


def is_global_member(user: User) -> bool:
    return GLOBAL_CHAPTER_SLUG in _active_chapter_slugs(user)


def is_member_somewhere(user: User) -> bool:
    return bool(_active_chapter_slugs(user))


def is_volunteer(user: User) -> bool:
    if not can.signed_in(user):
        return False
    cached = getattr(user, "_is_volunteer", None)
    if cached is None:
        cached = Volunteer.objects.filter(user=user).exists()
        user._is_volunteer = cached
    return cached


def may_volunteer(user: User) -> bool:
    """Choosing to see other chapters' requests: a member of any chapter."""
    return is_member_somewhere(user)


def may_see_open_requests(user: User) -> bool:
    """The open requests of every chapter: members of the Global chapter, members of any
    chapter who chose to help (volunteers), Global admins."""
    if not can.signed_in(user):
        return False
    return (is_global_member(user) or (is_volunteer(user) and is_member_somewhere(user))
            or can.is_global_admin(user))


def may_use_help_desk(user: User) -> bool:
    """The help page at all: helpers, and organizers (who post their chapter's requests)."""
    return may_see_open_requests(user) or bool(can.organizer_chapter_ids(user))


def may_post_help_request(user: User, chapter: Chapter) -> bool:
    return can.has_mfa(user) and can.is_organizer(user, chapter)


def may_manage_help_request(user: User, help_request: HelpRequest) -> bool:
    """Offers, acceptance, closing: the organizers of the chapter that asked."""
    return can.has_mfa(user) and help_request.chapter_id in can.organizer_chapter_ids(user)


def may_offer_help(user: User, help_request: HelpRequest) -> bool:
    return (help_request.status == HelpStatus.OPEN and may_see_open_requests(user)
            and help_request.chapter_id not in can.organizer_chapter_ids(user))


def visible_help_requests(user: User) -> QuerySet[HelpRequest]:
    """Requests this person may open: their chapters' own (organizers), every open one
    (helpers), any they offered help with, and all of them for Global admins."""
    if not can.signed_in(user):
        return HelpRequest.objects.none()
    mine = Q(chapter_id__in=can.organizer_chapter_ids(user)) if can.has_mfa(user) else Q(pk=None)
    mine |= Q(pk__in=HelpOffer.objects.filter(helper=user).values("request_id"))
    if can.has_mfa(user) and can.is_global_admin(user):
        return HelpRequest.objects.all()  # they keep the desk (never the offers)
    if may_see_open_requests(user):
        mine |= Q(status=HelpStatus.OPEN)
    return HelpRequest.objects.filter(mine)


def visible_offers(user: User, help_request: HelpRequest) -> QuerySet[HelpOffer]:
    """Offers are never public: the asking chapter's organizers see them all, a helper their
    own."""
    offers = help_request.offers.all()
    if may_manage_help_request(user, help_request):
        return offers
    if not can.signed_in(user):
        return offers.none()
    return offers.filter(helper=user)


def may_join_thread(user: User, offer: HelpOffer) -> bool:
    """The private thread of an accepted offer: the helper and the asking chapter's
    organizers, nobody else."""
    if offer.status != OfferStatus.ACCEPTED or not can.signed_in(user):
        return False
    return offer.helper_id == user.pk or may_manage_help_request(user, offer.request)


# ---------------------------------------------------------------------------------------
# The network library.
# ---------------------------------------------------------------------------------------


def may_use_library(user: User) -> bool:
    """Members of any chapter, program participants, coaches and Global admins."""
    return is_member_somewhere(user) or program.may_see_training_resources(user)


def sharing_chapters(user: User) -> QuerySet[Chapter]:
    """The chapters this person may share materials for: those they organize."""
    from chapters.models import Chapter

    if not can.has_mfa(user):
        return Chapter.objects.none()
    return Chapter.objects.filter(pk__in=can.organizer_chapter_ids(user)).order_by("name")


def may_share_material(user: User) -> bool:
    return can.has_mfa(user) and bool(can.organizer_chapter_ids(user))


def may_remove_material(user: User, material: Material) -> bool:
    return can.has_mfa(user) and (material.chapter_id in can.organizer_chapter_ids(user)
                                  or can.is_global_admin(user))
