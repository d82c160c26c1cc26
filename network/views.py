"""The Global chapter's desk: network health, inactive chapters, revival, help, library."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cdp import services as cdp_services
from cdp.models import TrainingResource
from cdp.uploads import content_type_for
from chapters.models import Chapter
from core.pagination import MAX_ID
from core.ratelimit import client_address
from members import permissions as members_can

from . import health, services
from . import permissions as can
from .forms import (
    HealthFilterForm,
    HelpRequestForm,
    LibraryFilterForm,
    MaterialForm,
    MessageForm,
    OfferForm,
    ReviewInactiveForm,
    ReviveForm,
)
from .models import HelpOffer, HelpStatus, InactiveChapterFlag, Material, OfferStatus

PAGE_SIZE = 25


def _pk(value: int) -> int:
    if value > MAX_ID:
        raise Http404
    return value


# ---------------------------------------------------------------------------------------
# Network health.
# ---------------------------------------------------------------------------------------


def _health_filters(request: HttpRequest) -> tuple[HealthFilterForm, str, str]:
    """The filter form and the status and country it asks for (empty: any)."""
    form = HealthFilterForm(request.GET or None)
    if form.is_valid():
        return form, form.cleaned_data["status"], form.cleaned_data["country"]
    return form, "", ""


def _health_chapters(request: HttpRequest):
    form, status, country = _health_filters(request)
    qs = Chapter.objects.listed()
    if status:
        qs = qs.filter(status=status)
    if country:
        qs = qs.filter(country=country)
    return form, qs.order_by("name", "id"), (status, country)


class _CountedPaginator(Paginator):
    """A paginator told how many rows there are, so it sends no COUNT of its own."""

    def __init__(self, object_list, per_page, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


@login_required
def health_page(request: HttpRequest) -> HttpResponse:
    if not can.may_see_network_health(request.user):
        raise PermissionDenied
    now = timezone.now()
    form, chapters, filters = _health_chapters(request)
    # The count from the totals the page shows anyway (kept per data version), not a COUNT.
    paginator = _CountedPaginator(
        chapters.only("pk", "name", "slug", "status", "country", "city", "kind"), PAGE_SIZE,
        count=health.listed_count(*filters))
    page = paginator.get_page(request.GET.get("page"))
    # The figures for the page's chapters by id (no ORDER BY: the name index would walk
    # every chapter to find 25), put back in the page's order here.
    ids = [c.pk for c in page.object_list]
    with health.without_jit():
        by_id = {c.pk: c for c in health.figures_of(ids)}
    annotated = [by_id[pk] for pk in ids if pk in by_id]
    trends = health.sessions_per_month([c.pk for c in annotated], now)
    statuses, countries = health.totals()
    rows = [(health.row(c, now), health.sparkline(trends[c.pk])) for c in annotated]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "network/health.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(),
        "months": health.months_back(now),
        "statuses": statuses, "countries": countries[:30],
        "flags": list(services.flags_for_admins(now)[:50]),
        "window_days": health.WINDOW.days,
    })


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def health_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every chapter's figures, with the page's rule: no count of fewer than 5 people."""
    if not can.may_see_network_health(request.user):
        raise PermissionDenied
    now = timezone.now()
    _form, chapters, _filters = _health_chapters(request)
    figures = health.chapter_figures(
        chapters.only("pk", "name", "slug", "status", "country"), now)
    writer = csv.writer(_Echo())
    # Words in the person's language now: the rows are written after the view returns.
    header = [_("chapter"), _("slug"), _("status"), _("country"), _("last session"),
              _("sessions in the last 90 days"), _("signed up"), _("attended"),
              _("asked to join"), _("joined"), _("join requests waiting"),
              _("oldest request waiting (days)"), _("organizers"),
              _("depends on one organizer")]
    words = {"fewer": str(health.FEWER_THAN), True: _("yes"), False: _("no")}

    def shown(value) -> str:
        return words["fewer"] if value is health.FEWER_THAN else str(value)

    def lines():
        yield writer.writerow(header)
        with health.without_jit():
            for chapter in figures.iterator(chunk_size=500):
                r = health.row(chapter, now)
                yield writer.writerow([
                    chapter.name, chapter.slug, chapter.status, chapter.country,
                    r.last_session.date().isoformat() if r.last_session else "",
                    r.sessions_90,
                    *(shown(getattr(r, name)) for name in health.PEOPLE_FIGURES[:5]),
                    "" if r.oldest_waiting_days is None else r.oldest_waiting_days,
                    shown(r.organizers), words[r.one_organizer]])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="network-health.csv"'
    return response


@login_required
def review_inactive(request: HttpRequest, pk: int) -> HttpResponse:
    if not can.may_review_inactive_chapters(request.user):
        raise PermissionDenied
    flag = get_object_or_404(InactiveChapterFlag.objects.select_related("chapter"),
                             pk=_pk(pk), resolved_at=None)
    form = ReviewInactiveForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.review_inactive_chapter(flag, form.cleaned_data["outcome"],
                                                 actor=request.user,
                                                 reason=form.cleaned_data["reason"])
            except services.Refused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("%(name)s is reviewed.") % {
                    "name": flag.chapter.name})
                return redirect("network:health")
        return render(request, "network/review_inactive.html", {"flag": flag, "form": form},
                      status=400)
    return render(request, "network/review_inactive.html", {"flag": flag, "form": form})


# ---------------------------------------------------------------------------------------
# Revival.
# ---------------------------------------------------------------------------------------


@login_required
def revive(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask to bring a dormant chapter back: an application to the program, pre-filled."""
    chapter = get_object_or_404(Chapter.objects.listed(), slug=slug, status="dormant")
    if not can.may_request_revival(request.user, chapter):
        raise PermissionDenied
    form = ReviveForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                application = cdp_services.submit(
                    applicant=request.user, invited_emails=data["invited_emails"],
                    why=data["why"], core_group_size=data["core_group_size"],
                    sectors=data["sectors"], client=client_address(request),
                    **services.revival_fields(chapter))
            except cdp_services.TransitionRefused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Your application to revive %(name)s is "
                                            "submitted.") % {"name": chapter.name})
                return redirect("cdp:detail", pk=application.pk)
        return render(request, "network/revive.html", {"chapter": chapter, "form": form},
                      status=400)
    return render(request, "network/revive.html", {"chapter": chapter, "form": form})


# ---------------------------------------------------------------------------------------
# Help between chapters.
# ---------------------------------------------------------------------------------------


@login_required
def help_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (can.may_use_help_desk(user) or can.may_volunteer(user)):
        raise PermissionDenied
    own = (can.visible_help_requests(user)
           .filter(chapter_id__in=members_can.organizer_chapter_ids(user))
           .exclude(status__in=[HelpStatus.DONE, HelpStatus.EXPIRED])
           .select_related("chapter").order_by("deadline", "id")[:50]
           if members_can.has_mfa(user) else [])
    open_requests = None
    if can.may_see_open_requests(user):
        open_requests = Paginator(
            can.visible_help_requests(user).filter(status=HelpStatus.OPEN)
            .select_related("chapter").order_by("deadline", "id"),
            PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "network/help_list.html", {
        "own": own, "page": open_requests,
        "postable": list(can.sharing_chapters(user)),
        "is_volunteer": can.is_volunteer(user), "may_volunteer": can.may_volunteer(user),
        "is_global_member": can.is_global_member(user),
    })


@require_POST
@login_required
def volunteer(request: HttpRequest) -> HttpResponse:
    if not can.may_volunteer(request.user):
        raise PermissionDenied
    on = request.POST.get("volunteer") == "on"
    services.set_volunteer(request.user, on)
    messages.success(request, _("You now see other chapters' requests for help.") if on
                     else _("You no longer see other chapters' requests for help."))
    return redirect("network:help")


@login_required
def help_new(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = get_object_or_404(Chapter.objects.listed(), slug=slug)
    if not can.may_post_help_request(request.user, chapter):
        raise PermissionDenied
    form = HelpRequestForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            help_request = services.post_help_request(chapter, actor=request.user,
                                                      **form.cleaned_data)
            messages.success(request, _("Your request for help is posted."))
            return redirect("network:help_detail", pk=help_request.pk)
        return render(request, "network/help_form.html", {"chapter": chapter, "form": form},
                      status=400)
    return render(request, "network/help_form.html", {"chapter": chapter, "form": form})


def _load_request(request: HttpRequest, pk: int):
    return get_object_or_404(can.visible_help_requests(request.user).select_related("chapter"),
                             pk=_pk(pk))


@login_required
def help_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _help_detail(request, _load_request(request, pk))


def _help_detail(request, help_request, *, offer_form=None, status=200) -> HttpResponse:
    user = request.user
    offers = list(can.visible_offers(user, help_request).select_related("helper"))
    return render(request, "network/help_detail.html", {
        "help_request": help_request, "offers": offers,
        "may_manage": can.may_manage_help_request(user, help_request),
        # A refused offer comes back with what was typed, whatever the request's state now.
        "may_offer": offer_form is not None or (
            can.may_offer_help(user, help_request)
            and not any(o.helper_id == user.pk for o in offers)),
        "offer_form": offer_form or OfferForm(),
    }, status=status)


@require_POST
@login_required
def help_offer(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = _load_request(request, pk)
    if not can.may_offer_help(request.user, help_request):
        raise PermissionDenied
    form = OfferForm(request.POST)
    if not form.is_valid():
        return _help_detail(request, help_request, offer_form=form, status=400)
    try:
        services.offer_help(help_request, helper=request.user,
                            message=form.cleaned_data["message"])
    except services.Refused as error:
        form.add_error(None, str(error))
        return _help_detail(request, help_request, offer_form=form, status=400)
    messages.success(request, _("Thank you: the chapter's organizers have your offer."))
    return redirect("network:help_detail", pk=help_request.pk)


def _managed(request: HttpRequest, pk: int):
    help_request = _load_request(request, pk)
    if not can.may_manage_help_request(request.user, help_request):
        raise PermissionDenied
    return help_request


@require_POST
@login_required
def help_accept(request: HttpRequest, pk: int, offer_pk: int) -> HttpResponse:
    help_request = _managed(request, pk)
    offer = get_object_or_404(help_request.offers, pk=_pk(offer_pk))
    try:
        services.accept_offer(offer, actor=request.user)
    except services.Refused as error:
        messages.error(request, str(error))
        return redirect("network:help_detail", pk=help_request.pk)
    messages.success(request, _("Offer accepted: talk it through in the private thread."))
    return redirect("network:help_thread", pk=help_request.pk, offer_pk=offer.pk)


@require_POST
@login_required
def help_close(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = _managed(request, pk)
    try:
        services.close_help_request(help_request, actor=request.user, status=HelpStatus.DONE)
    except services.Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The request is closed as done."))
    return redirect("network:help_detail", pk=help_request.pk)


@login_required
def help_thread(request: HttpRequest, pk: int, offer_pk: int) -> HttpResponse:
    """The private thread of an accepted offer; anyone else finds nothing here (404)."""
    offer = get_object_or_404(
        HelpOffer.objects.select_related("request__chapter", "helper"),
        pk=_pk(offer_pk), request_id=_pk(pk), status=OfferStatus.ACCEPTED)
    if not can.may_join_thread(request.user, offer):
        raise Http404
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.send_message(offer, author=request.user,
                                      body=form.cleaned_data["body"])
            except services.Refused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Message sent."))
                return redirect("network:help_thread", pk=offer.request_id, offer_pk=offer.pk)
        status = 400
    return render(request, "network/help_thread.html", {
        "offer": offer, "help_request": offer.request, "form": form,
        "thread": offer.messages.select_related("author").order_by("created_at", "id")[:500],
    }, status=status)


# ---------------------------------------------------------------------------------------
# The network library (CDP training resources are shown in it, from cdp's own table).
# ---------------------------------------------------------------------------------------


@login_required
def library(request: HttpRequest) -> HttpResponse:
    if not can.may_use_library(request.user):
        raise PermissionDenied
    form = LibraryFilterForm(request.GET or None)
    materials = Material.objects.select_related("chapter")
    training = TrainingResource.objects.all()
    if form.is_valid():
        q, language, tag = (form.cleaned_data[k] for k in ("q", "language", "tag"))
        if q:
            materials = materials.filter(Q(title__icontains=q) | Q(description__icontains=q))
            training = training.filter(title__icontains=q)
        if language:
            materials = materials.filter(filter_keys__contains=f" lang:{language} ")
            training = training.filter(language=language)
        if tag:
            tag = " ".join(tag.split()).lower()
            materials = materials.filter(filter_keys__contains=f" tag:{tag} ")
            if tag not in ("training", str(_("training")).lower()):
                training = training.none()
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "network/library.html", {
        "form": form, "page": Paginator(materials.order_by("-created_at", "-id"),
                                        PAGE_SIZE).get_page(request.GET.get("page")),
        "training": list(training.order_by("title", "id")[:50]), "query": query.urlencode(),
        "may_share": can.may_share_material(request.user),
        "removable_chapter_ids": (members_can.organizer_chapter_ids(request.user)
                                  if members_can.has_mfa(request.user) else frozenset()),
        "may_remove_any": members_can.has_mfa(request.user)
        and members_can.is_global_admin(request.user),
    })


@login_required
def library_share(request: HttpRequest) -> HttpResponse:
    if not can.may_share_material(request.user):
        raise PermissionDenied
    chapters = can.sharing_chapters(request.user)
    form = MaterialForm(request.POST or None, request.FILES or None, chapters=chapters)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            services.share_material(actor=request.user, chapter=data["chapter"],
                                    title=data["title"], description=data["description"],
                                    url=data["url"], file=data["file"] or None,
                                    languages=data["languages"], tags=data["tags"])
            messages.success(request, _("Shared in the network library."))
            return redirect("network:library")
        return render(request, "network/library_share.html", {"form": form}, status=400)
    return render(request, "network/library_share.html", {"form": form})


@require_POST
@login_required
def library_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not can.may_use_library(request.user):
        raise PermissionDenied
    material = get_object_or_404(Material, pk=_pk(pk))
    if not can.may_remove_material(request.user, material):
        raise PermissionDenied
    if request.POST.get("confirm") != "yes":
        return HttpResponse(_("Confirm the removal with the form's button."), status=400,
                            content_type="text/plain; charset=utf-8")
    services.remove_material(material, actor=request.user)
    messages.success(request, _("Removed from the library."))
    return redirect("network:library")


def _attachment(field_file) -> FileResponse:
    """Uploaded files are always downloaded, never rendered inline."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = field_file.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name,
                            content_type=content_type_for(name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def library_file(request: HttpRequest, pk: int) -> FileResponse:
    if not can.may_use_library(request.user):
        raise PermissionDenied
    return _attachment(get_object_or_404(Material.objects.exclude(file=""), pk=_pk(pk)).file)


@login_required
def training_file(request: HttpRequest, pk: int) -> FileResponse:
    if not can.may_use_library(request.user):
        raise PermissionDenied
    return _attachment(get_object_or_404(TrainingResource.objects.exclude(file=""),
                                         pk=_pk(pk)).file)
