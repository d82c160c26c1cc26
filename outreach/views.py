"""Following, watching a place, unsubscribing; organizers' announcements; the Atom feed."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from chapters.models import Chapter, Place
from core.ratelimit import client_address
from members import permissions

from . import audiences, markup, services
from . import permissions as outreach_permissions
from .forms import AnnouncementForm, ChoiceForm, FollowForm, SendForm, WatchForm
from .models import Follow, FollowChoice, Message, MessageKind, PlaceWatch
from .sending import delivery_from_token

PUBLIC_LIST = 20


def _client(request: HttpRequest) -> str:
    # As allauth and the rest of the site count a client: behind the proxy too, by /64.
    return client_address(request) or "unknown"


def _listed_chapter(slug: str) -> Chapter:
    return get_object_or_404(Chapter.objects.listed(), slug=slug)


# -- Following -------------------------------------------------------------------------------


def current_choice(user, chapter) -> str | None:
    """What this signed-in person gets from the chapter now (their row, else the members'
    default if they are a member), or None."""
    email = user.email.lower()
    follow = Follow.objects.filter(chapter=chapter, email=email).confirmed().first()
    if follow is not None:
        return follow.choice
    from members.models import Membership

    if Membership.objects.active().filter(user=user, chapter=chapter).exists():
        from .models import MEMBER_DEFAULT_CHOICE

        return MEMBER_DEFAULT_CHOICE
    return None


@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = _listed_chapter(slug)
    context = {"chapter": chapter}
    if not chapter.takes_newcomers:
        return render(request, "outreach/follow.html", {**context, "closed": True})
    if request.user.is_authenticated:
        current = current_choice(request.user, chapter)
        form = ChoiceForm(request.POST or None, initial={"choice": current or "sessions"})
        context.update(form=form, current=current)
        if request.method == "POST":
            if not form.is_valid():
                return render(request, "outreach/follow.html", context, status=400)
            choice = form.cleaned_data["choice"]
            try:
                if choice == FollowChoice.OFF:
                    services.unsubscribe(chapter, request.user.email, request.user)
                    messages.success(request, _("You no longer receive emails from this "
                                                "chapter."))
                else:
                    services.follow_signed_in(chapter, request.user, choice)
                    messages.success(request, _("Saved: you follow this chapter."))
            except services.OutreachError:
                context["error"] = _("Your email address is not verified yet: verify it "
                                     "first, then follow.")
                return render(request, "outreach/follow.html", context, status=400)
            if request.POST.get("back") == "me":
                return redirect("members:me")
            return redirect(chapter)
        return render(request, "outreach/follow.html", context)
    form = FollowForm(request.POST or None)
    context["form"] = form
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "outreach/follow.html", context, status=400)
        try:
            services.request_follow(chapter, form.cleaned_data["email"],
                                    form.cleaned_data["choice"], get_language(),
                                    client=_client(request))
        except services.RateLimited:
            context["error"] = _("Too many requests. Please try again later.")
            return render(request, "outreach/follow.html", context, status=429)
        return render(request, "outreach/check_inbox.html", context)
    return render(request, "outreach/follow.html", context)


@require_http_methods(["GET", "POST"])
def follow_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link opens a page; only its button confirms (mail scanners open links)."""
    follow = get_object_or_404(Follow.objects.select_related("chapter")
                               .filter(chapter__isnull=False), token=token)
    if request.method == "POST":
        follow = services.confirm_follow(follow)
        return render(request, "outreach/follow_confirm.html", {"follow": follow, "done": True})
    return render(request, "outreach/follow_confirm.html", {"follow": follow})


@csrf_exempt  # RFC 8058: the one-click POST comes from a mail client, with no token or cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    delivery = delivery_from_token(token)
    if delivery is None:
        raise Http404
    chapter = delivery.message.chapter
    if request.method == "POST":
        services.unsubscribe(chapter, delivery.email, delivery.user)
        return render(request, "outreach/unsubscribe.html", {"chapter": chapter, "done": True})
    return render(request, "outreach/unsubscribe.html", {"chapter": chapter, "token": token})


# -- Watching a place --------------------------------------------------------------------------


def _watch_point(data) -> tuple[float, float, str] | None:
    place_id = data.get("place", "")
    if re.fullmatch(r"[0-9]{1,18}", place_id):  # a GeoNames id fits a bigint
        place = Place.objects.filter(pk=int(place_id)).first()
        if place is not None:
            return place.latitude, place.longitude, str(place)
    form = WatchForm(data)
    form.fields["email"].required = False
    if form.is_valid():
        return form.cleaned_data["lat"], form.cleaned_data["lon"], ""
    return None


@require_http_methods(["GET", "POST"])
def watch(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    point = _watch_point(data)
    if point is None:
        # Everything typed comes back, with the way to a place.
        return render(request, "outreach/watch.html", {
            "no_place": True, "form": WatchForm(request.POST or None),
            "place": data.get("place", "")}, status=400)
    lat, lon, name = point
    initial = {"lat": round(lat, 2), "lon": round(lon, 2)}
    if request.user.is_authenticated:
        initial["email"] = request.user.email
    form = WatchForm(request.POST or None, initial=initial)
    context = {"form": form, "place_name": name, "place": request.GET.get("place", "")
               if request.method == "GET" else request.POST.get("place", "")}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "outreach/watch.html", context, status=400)
        try:
            services.request_watch(lat, lon, name, form.cleaned_data["email"], get_language(),
                                   client=_client(request),
                                   user=request.user if request.user.is_authenticated else None)
        except services.RateLimited:
            context["error"] = _("Too many requests. Please try again later.")
            return render(request, "outreach/watch.html", context, status=429)
        return render(request, "outreach/check_inbox.html", {"watch": True})
    return render(request, "outreach/watch.html", context)


@require_http_methods(["GET", "POST"])
def watch_confirm(request: HttpRequest, token: str) -> HttpResponse:
    watch = get_object_or_404(PlaceWatch, token=token)
    if request.method == "POST":
        services.confirm_watch(watch)
        return render(request, "outreach/watch_confirm.html", {"watch": watch, "done": True})
    return render(request, "outreach/watch_confirm.html", {"watch": watch})


# -- Public announcements ------------------------------------------------------------------------


def public_announcements(chapter):
    return (Message.objects.filter(chapter=chapter, kind=MessageKind.ANNOUNCEMENT,
                                   is_public=True, sent_at__isnull=False)
            .order_by("-sent_at", "-pk"))


def announcement_list(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = _listed_chapter(slug)
    return render(request, "outreach/announcement_list.html", {
        "chapter": chapter, "announcements": public_announcements(chapter)[:PUBLIC_LIST]})


def announcement_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    chapter = _listed_chapter(slug)
    message = get_object_or_404(public_announcements(chapter), pk=pk)
    return render(request, "outreach/announcement_detail.html", {
        "chapter": chapter, "message": message,
        "html": markup.render(message.body, message.text_format)})


class ChapterAnnouncementsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return _listed_chapter(slug)

    def title(self, chapter):
        return _("Announcements of %(chapter)s") % {"chapter": chapter.name}

    def link(self, chapter):
        return reverse("outreach:announcements", args=[chapter.slug])

    def subtitle(self, chapter):
        return self.title(chapter)

    def items(self, chapter):
        return public_announcements(chapter).select_related("chapter")[:PUBLIC_LIST]

    def item_title(self, item):
        return item.subject

    def item_description(self, item):
        return markup.render(item.body, item.text_format)

    def item_link(self, item):
        return reverse("outreach:announcement", args=[item.chapter.slug, item.pk])

    def item_pubdate(self, item):
        return item.sent_at


# -- Organizers ----------------------------------------------------------------------------


def _announcing_chapter(request, slug: str) -> Chapter:
    chapter = _listed_chapter(slug)
    if not outreach_permissions.may_send_announcements(request.user, chapter):
        raise PermissionDenied
    return chapter


def _my_announcement(request, pk: int) -> Message:
    """An announcement of a chapter this person organizes (or a network-wide one, for Global
    admins); anyone else's is a 404."""
    queryset = Message.objects.filter(kind=MessageKind.ANNOUNCEMENT).select_related(
        "chapter", "session")
    chapters = [c for c in permissions.organizer_chapter_ids(request.user)]
    allowed = Message.objects.none()
    if permissions.has_mfa(request.user) and chapters:
        allowed = queryset.filter(chapter_id__in=chapters)
    if outreach_permissions.may_send_network_announcements(request.user):
        allowed = allowed | queryset.filter(chapter__isnull=True)
    return get_object_or_404(allowed, pk=pk)


@login_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = _announcing_chapter(request, slug)
    announcements = (Message.objects.filter(chapter=chapter, kind=MessageKind.ANNOUNCEMENT)
                     .select_related("created_by").order_by("-created_at", "-pk")[:50])
    return render(request, "outreach/manage.html", {
        "chapter": chapter, "announcements": announcements,
        "followers": services.follower_count(chapter),
        "sent_today": services.sent_today(chapter)})


def _compose(request, chapter: Chapter | None) -> HttpResponse:
    form = AnnouncementForm(request.POST or None, chapter=chapter)
    if request.method == "POST":
        if form.is_valid():
            message = services.save_draft(actor=request.user, chapter=chapter,
                                          fields=form.cleaned_data)
            return redirect("outreach:draft", message.pk)
        return render(request, "outreach/compose.html", {"form": form, "chapter": chapter},
                      status=400)
    return render(request, "outreach/compose.html", {"form": form, "chapter": chapter})


@login_required
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest, slug: str) -> HttpResponse:
    return _compose(request, _announcing_chapter(request, slug))


@login_required
@require_http_methods(["GET", "POST"])
def network_compose(request: HttpRequest) -> HttpResponse:
    if not outreach_permissions.may_send_network_announcements(request.user):
        raise PermissionDenied
    return _compose(request, None)


def _draft_page(request, message: Message, form=None, *, error: str = "", status: int = 200):
    count = audiences.count(message)
    return render(request, "outreach/draft.html", {
        "message": message, "chapter": message.chapter,
        "form": form or AnnouncementForm(instance=message, chapter=message.chapter),
        "preview": markup.render(message.body, message.text_format),
        "count": count, "send_form": SendForm(initial={"expected": count}),
        "error": error,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit, preview, and the second look before sending."""
    message = _my_announcement(request, pk)
    if not message.is_draft:
        return redirect(_back(message))
    if request.method == "POST":
        form = AnnouncementForm(request.POST, instance=Message.objects.get(pk=message.pk),
                                chapter=message.chapter)
        if form.is_valid():
            services.save_draft(actor=request.user, chapter=message.chapter,
                                fields=form.cleaned_data, message=message)
            return redirect("outreach:draft", message.pk)
        return _draft_page(request, message, form, status=400)
    return _draft_page(request, message)


def _back(message: Message) -> str:
    if message.chapter is None:
        return reverse("members:me")
    return reverse("outreach:manage", args=[message.chapter.slug])


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    message = _my_announcement(request, pk)
    form = SendForm(request.POST)
    if not form.is_valid():
        return _draft_page(request, message, error=_("Confirm the number of people first."),
                           status=400)
    try:
        message = services.send_announcement(message, actor=request.user,
                                             expected=form.cleaned_data["expected"])
    except services.AudienceChanged:
        return _draft_page(request, message, status=400, error=_(
            "The audience changed while you were reading: check the new number and confirm "
            "again."))
    except services.DailyLimitReached:
        return _draft_page(request, message, status=400, error=_(
            "This chapter has sent its announcements for today. Try again tomorrow."))
    except services.OutreachError:
        return redirect(_back(message))
    messages.success(request, _("Sending to %(count)s people.") % {
        "count": message.recipient_count})
    return redirect(_back(message))
