"""Who a message goes to: one row (email, language, user id) per address, in SQL.

Following reveals nothing: these querysets feed deliveries and counts, never a page.
Members follow their chapter unless they opt out, and that is *computed*, not recorded: an
active member without a confirmed follow row of their own gets what MEMBER_DEFAULT_CHOICE
says; a row (their own choice, or "off" after an unsubscribe) overrides it. Nothing has to
be written when someone joins or leaves, and leaving stops the emails at once.
"""

from __future__ import annotations

from django.db.models import CharField, Exists, F, OuterRef, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf

from members.enums import MembershipStatus
from members.models import Membership
from onboarding.models import PLACE_HOLDING, Registration, RegistrationStatus

from .models import MEMBER_DEFAULT_CHOICE, Audience, Follow, FollowChoice, Message, MessageKind

RECEIVING = (FollowChoice.SESSIONS, FollowChoice.DIGEST, FollowChoice.ANNOUNCEMENTS)
WATCH_RADIUS_KM = 100


def _rows(queryset: QuerySet, email, language, user) -> QuerySet:
    return queryset.annotate(r_email=email, r_language=language, r_user=user).values_list(
        "r_email", "r_language", "r_user")


def _opted_out(chapter, email_ref) -> Exists:
    return Exists(Follow.objects.filter(chapter=chapter, choice=FollowChoice.OFF,
                                        confirmed_at__isnull=False, email=email_ref))


def _has_row(chapter, email_ref) -> Exists:
    return Exists(Follow.objects.filter(chapter=chapter, confirmed_at__isnull=False,
                                        email=email_ref))


def followers(chapter, *choices: str) -> QuerySet:
    return _rows(Follow.objects.filter(chapter=chapter).receiving(*choices),
                 F("email"), F("language"), F("user_id"))


def _members(chapter) -> QuerySet:
    return (Membership.objects.filter(status=MembershipStatus.ACTIVE, user__isnull=False,
                                      user__is_active=True)
            .filter(chapter=chapter) if chapter is not None else
            Membership.objects.filter(status=MembershipStatus.ACTIVE, user__isnull=False,
                                      user__is_active=True))


def members(chapter, *, computed_follow: bool) -> QuerySet:
    """Active members; with `computed_follow`, only those whose own row does not override
    the members' default (nobody with a confirmed row: they are counted by their row)."""
    qs = _members(chapter).alias(m_email=Lower("user__email"))
    qs = qs.exclude(_has_row(chapter, OuterRef("m_email")) if computed_follow
                    else _opted_out(chapter, OuterRef("m_email")))
    return _rows(qs, F("m_email"), F("user__preferred_language"), F("user_id"))


def registrants(session) -> QuerySet:
    qs = (Registration.objects.filter(session=session,
                                      status__in=[*PLACE_HOLDING, RegistrationStatus.WAITLISTED])
          .alias(m_email=Lower("email"))
          .exclude(_opted_out(session.chapter_id, OuterRef("m_email"))))
    language = Coalesce(NullIf(F("user__preferred_language"), Value("")), Value(session.language),
                        output_field=CharField())
    return _rows(qs, F("m_email"), language, F("user_id"))


def network(computed_follow: bool = True) -> list[QuerySet]:
    """Network-wide: every confirmed follower and every active member, minus the network
    opt-outs (an unsubscribe from a network-wide announcement)."""
    out = Exists(Follow.objects.filter(chapter__isnull=True, choice=FollowChoice.OFF,
                                       email=OuterRef("m_email")))
    follows = (Follow.objects.filter(chapter__isnull=False).receiving(*RECEIVING)
               .alias(m_email=F("email")).exclude(out))
    people = _members(None).alias(m_email=Lower("user__email")).exclude(out)
    return [_rows(follows, F("email"), F("language"), F("user_id")),
            _rows(people, F("m_email"), F("user__preferred_language"), F("user_id"))]


def sources(message: Message) -> list[QuerySet]:
    """The querysets whose union is the message's audience (duplicates removed on insert)."""
    chapter = message.chapter
    if message.kind == MessageKind.ANNOUNCEMENT:
        if chapter is None:
            return network()
        if message.audience == Audience.MEMBERS:
            return [members(chapter, computed_follow=False)]
        if message.audience == Audience.REGISTRANTS:
            return [registrants(message.session)] if message.session_id else []
        wanted = [*RECEIVING]
        out = [followers(chapter, *wanted)]
        if MEMBER_DEFAULT_CHOICE in wanted:
            out.append(members(chapter, computed_follow=True))
        return out
    if message.kind == MessageKind.SESSION:
        out = [followers(chapter, FollowChoice.SESSIONS)]
        if MEMBER_DEFAULT_CHOICE == FollowChoice.SESSIONS:
            out.append(members(chapter, computed_follow=True))
        return out
    if message.kind == MessageKind.DIGEST:
        return [followers(chapter, FollowChoice.DIGEST)]
    if message.kind in (MessageKind.LAUNCH, MessageKind.REVIVAL):
        out = [watchers_near(message.details["latitude"], message.details["longitude"])]
        if message.kind == MessageKind.REVIVAL:
            out.insert(0, followers(chapter, *RECEIVING))
        return out
    return []


def watchers_near(latitude: float | None, longitude: float | None) -> QuerySet:
    """Confirmed place watches within 100 km of a point (a bounding box, then the circle)."""
    from .models import PlaceWatch

    if latitude is None or longitude is None:
        return _rows(PlaceWatch.objects.none(), F("email"), F("language"), F("user_id"))
    ids = watch_ids_near(latitude, longitude)
    return _rows(PlaceWatch.objects.filter(pk__in=ids), F("email"), F("language"), F("user_id"))


def watch_ids_near(latitude: float, longitude: float) -> list[int]:
    import math

    from chapters.geo import distance_km

    from .models import PlaceWatch

    lat_span = WATCH_RADIUS_KM / 111.0
    lon_span = WATCH_RADIUS_KM / max(1.0, 111.0 * math.cos(math.radians(latitude)))
    box = PlaceWatch.objects.filter(
        confirmed_at__isnull=False,
        latitude__gte=latitude - lat_span, latitude__lte=latitude + lat_span)
    if -180 < longitude - lon_span and longitude + lon_span < 180:
        box = box.filter(longitude__gte=longitude - lon_span, longitude__lte=longitude + lon_span)
    return [pk for pk, lat, lon in box.values_list("pk", "latitude", "longitude")
            if distance_km(latitude, longitude, lat, lon) <= WATCH_RADIUS_KM]


def count(message: Message) -> int:
    """How many distinct addresses the message would go to now."""
    parts = [qs.values_list("r_email", flat=True) for qs in sources(message)]
    if not parts:
        return 0
    if len(parts) == 1:
        return parts[0].order_by().distinct().count()
    return parts[0].order_by().union(*(p.order_by() for p in parts[1:])).count()
