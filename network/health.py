"""The network's health, per chapter: numbers only, and none about fewer than 5 people.

`chapter_figures()` annotates a chapter queryset with correlated subqueries, so a page of
chapters costs the same few queries however many chapters, sessions and people exist: the
database counts only for the rows of the page (after ORDER BY and LIMIT).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import (
    Count,
    DateTimeField,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Lower, Now, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.enums import MembershipRole, MembershipStatus
from members.models import Membership
from onboarding.models import OnboardingSession, Registration, RegistrationStatus, SessionStatus

WINDOW = dt.timedelta(days=90)
# Below this, a figure about people could point at someone: it is never shown.
SMALLEST_SHOWN = 5
FEWER_THAN = _("fewer than 5")
PEOPLE_FIGURES = ("signed_up", "attended", "asked_to_join", "joined", "waiting", "organizers")


def people(n: int | None):
    """A count of people as it may be shown: the number when at least 5, else the words."""
    return n if n is not None and n >= SMALLEST_SHOWN else FEWER_THAN


def _count(qs: QuerySet, group: str) -> Coalesce:
    """COUNT(*) of `qs` (already filtered on OuterRef) as a subquery per chapter row."""
    sub = qs.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(sub, output_field=IntegerField()), 0)


@contextmanager
def without_jit():
    """PostgreSQL's JIT compiles a query whose estimated cost is high, as these correlated
    subqueries' is: 300 ms of compiling for a query that runs in 80 (measured at full size).
    Off for this transaction only (no savepoint of its own: nothing here writes); other
    databases have no JIT."""
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def chapter_figures(chapters: QuerySet, now: dt.datetime | None = None) -> QuerySet:
    """Annotate each chapter with its last session, sessions and funnel over the last 90
    days (signed up for, and attended, a session of those days; of them, asked to join in
    those days, and joined), the join requests waiting (and the oldest one's date) and its
    organizers. The 90 days end `now`, or without it the database's clock when the query
    runs (the same query then serves every request: `figures_of`)."""
    if now is None:
        now = Now()
        since = ExpressionWrapper(Now() - Value(WINDOW), output_field=DateTimeField())
    else:
        since = now - WINDOW
    held = OnboardingSession.objects.filter(chapter=OuterRef("pk")).exclude(
        status=SessionStatus.CANCELLED)
    recent = held.filter(starts_at__gte=since, starts_at__lte=now)
    registrations = Registration.objects.filter(
        session__chapter=OuterRef("pk"), session__starts_at__gte=since,
        session__starts_at__lte=now, email_confirmed=True)
    # Matched by address, as the onboarding funnel does: for each join request, how many of
    # the chapter's attendances carry the requester's address. A counting subquery is not
    # flattened into a join, so PostgreSQL reads the page's few requests first and probes
    # the (session, LOWER(email)) index, instead of matching every attendee with every
    # request (50 times slower at full size).
    # The funnel of the window: people who attended a session of the last 90 days.
    attendances = (Registration.objects.alias(email_lower=Lower("email"))
                   .filter(session__chapter=OuterRef("chapter"),
                           session__starts_at__gte=since, session__starts_at__lte=now,
                           status=RegistrationStatus.ATTENDED,
                           email_lower=OuterRef("user_email"))
                   .order_by().values("status").annotate(n=Count("pk")).values("n")[:1])
    asked = (Membership.objects.alias(user_email=Lower("user__email"))
             .filter(chapter=OuterRef("pk"), requested_at__gte=since)
             .alias(attendances=Subquery(attendances, output_field=IntegerField()))
             .filter(attendances__gt=0))
    pending = Membership.objects.filter(chapter=OuterRef("pk"), status=MembershipStatus.PENDING)
    return chapters.annotate(
        last_session=Subquery(held.filter(starts_at__lte=now).order_by("-starts_at")
                              .values("starts_at")[:1], output_field=DateTimeField()),
        sessions_90=_count(recent, "chapter"),
        signed_up=_count(registrations, "session__chapter"),
        attended=_count(registrations.filter(status=RegistrationStatus.ATTENDED),
                        "session__chapter"),
        asked_to_join=_count(asked, "chapter"),
        joined=_count(asked.filter(status=MembershipStatus.ACTIVE), "chapter"),
        waiting=_count(pending, "chapter"),
        oldest_waiting=Subquery(pending.order_by("requested_at").values("requested_at")[:1],
                                output_field=DateTimeField()),
        organizers=_count(Membership.objects.filter(
            chapter=OuterRef("pk"), status=MembershipStatus.ACTIVE,
            role=MembershipRole.ORGANIZER), "chapter"),
    )


@functools.cache
def _page_figures() -> QuerySet:
    from chapters.models import Chapter

    return chapter_figures(Chapter.objects.order_by().only(
        "pk", "name", "slug", "status", "country", "city", "kind"))


def figures_of(ids: list[int]) -> QuerySet:
    """The health page's chapters by id, with their figures up to the database's clock.

    The annotated query is built once per process and only filtered here: building its
    nested subqueries cost about 5 ms of CPU on every request, more than running it."""
    return _page_figures().filter(pk__in=ids)


@dataclass(frozen=True)
class Row:
    """One chapter's line on the health page and in the CSV, small counts suppressed."""

    chapter: object
    last_session: dt.datetime | None
    sessions_90: int
    signed_up: object
    attended: object
    asked_to_join: object
    joined: object
    waiting: object
    oldest_waiting_days: int | None
    organizers: object
    one_organizer: bool


def row(chapter, now: dt.datetime | None = None) -> Row:
    now = now or timezone.now()
    oldest = chapter.oldest_waiting
    return Row(
        chapter=chapter, last_session=chapter.last_session, sessions_90=chapter.sessions_90,
        **{name: people(getattr(chapter, name)) for name in PEOPLE_FIGURES},
        oldest_waiting_days=(now - oldest).days if oldest else None,
        one_organizer=chapter.organizers == 1,
    )


MONTHS = 12


def months_back(now: dt.datetime, count: int = MONTHS) -> list[dt.date]:
    """The first day of this month and the `count - 1` before it, oldest first."""
    year, month = now.year, now.month
    firsts = []
    for _i in range(count):
        firsts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def sessions_per_month(chapter_ids: list[int], now: dt.datetime | None = None
                       ) -> dict[int, list[int]]:
    """Sessions held per month over the last year, for the given chapters: one query."""
    now = now or timezone.now()
    months = months_back(now)
    start = dt.datetime.combine(months[0], dt.time(), tzinfo=dt.UTC)
    counts: dict[int, dict[dt.date, int]] = defaultdict(dict)
    if chapter_ids:
        rows = (OnboardingSession.objects
                .filter(chapter_id__in=chapter_ids, starts_at__gte=start, starts_at__lte=now)
                .exclude(status=SessionStatus.CANCELLED)
                .annotate(month=TruncMonth("starts_at", tzinfo=dt.UTC))
                .values("chapter_id", "month").annotate(n=Count("pk")).order_by())
        for item in rows:
            month = item["month"]
            month = month.date() if isinstance(month, dt.datetime) else month
            counts[item["chapter_id"]][month] = item["n"]
    return {pk: [counts[pk].get(m, 0) for m in months] for pk in chapter_ids}


@dataclass(frozen=True)
class Sparkline:
    points: str
    values: list[int]
    width: int
    height: int


def sparkline(values: list[int], width: int = 120, height: int = 24) -> Sparkline:
    """The polyline of a small trend chart (drawn as SVG attributes: no inline style)."""
    top = max(values) or 1
    step = width / max(len(values) - 1, 1)
    pad = 2
    points = " ".join(
        f"{i * step:.1f},{height - pad - (v / top) * (height - 2 * pad):.1f}"
        for i, v in enumerate(values))
    return Sparkline(points=points, values=values, width=width, height=height)


def listed_groups() -> dict[tuple[str, str], int]:
    """Listed chapters counted by (status, country), from one GROUP BY, kept in the process
    under the chapters' data version (any write to a chapter raises it): the same few
    hundred groups on every request, and the page's totals and its chapter count both
    follow from them."""
    from chapters.models import Chapter
    from core.pagecache import CHAPTERS, remember

    return remember("network health groups", [CHAPTERS], lambda: {
        (status, country): n for status, country, n in (
            Chapter.objects.listed().order_by().values_list("status", "country")
            .annotate(n=Count("pk")))})


def listed_count(status: str = "", country: str = "") -> int:
    """How many listed chapters have this status and country (empty: any), from the groups."""
    return sum(n for (s, c), n in listed_groups().items()
               if (not status or s == status) and (not country or c == country))


def totals() -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Listed chapters by status and by country (most first)."""
    by_status: dict[str, int] = defaultdict(int)
    by_country: dict[str, int] = defaultdict(int)
    for (status, country), n in listed_groups().items():
        by_status[status] += n
        if country:
            by_country[country] += n
    return (sorted(by_status.items()),
            sorted(by_country.items(), key=lambda item: (-item[1], item[0])))
