"""Applying to start a chapter, following an application, reviewing, the program, launch."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from chapters.geo import chapters_near
from core import ratelimit
from core.forms import MAX_MESSAGE, browser_text, too_long
from core.pagination import MAX_ID
from members.models import User

from . import permissions as can
from . import services
from .enums import ApplicationState
from .forms import ApplicationForm, AssignCoachForm, CoachingNoteForm, NoteForm, PageDetailsForm
from .models import Application, Milestone, MilestoneProgress, TrainingResource
from .uploads import content_type_for

# The button that makes each move, by the role that makes it.
MOVE_LABELS = {
    (ApplicationState.IN_REVIEW, services.ADMIN): _lazy("Start the review"),
    (ApplicationState.IN_REVIEW, services.APPLICANT): _lazy("Resubmit for review"),
    (ApplicationState.CHANGES_REQUESTED, services.ADMIN): _lazy("Request changes"),
    (ApplicationState.IN_PROGRAM, services.ADMIN): _lazy("Admit to the program"),
    (ApplicationState.DECLINED, services.ADMIN): _lazy("Decline"),
    (ApplicationState.WITHDRAWN, services.APPLICANT): _lazy("Withdraw the application"),
}
# How each move's button looks: declining is not one more blue button beside admitting.
MOVE_STYLES = {ApplicationState.DECLINED: "danger",
               ApplicationState.CHANGES_REQUESTED: "secondary"}
STALE_AFTER = timedelta(days=30)


def _load(request: HttpRequest, pk: int) -> Application:
    if pk > MAX_ID:
        raise Http404
    return get_object_or_404(can.visible_applications(request.user), pk=pk)


def _carried_over(request: HttpRequest) -> dict:
    """The place of the directory search that led here (its "start a chapter" link)."""
    initial = {"city": request.GET.get("city", "").replace("\x00", "").strip()[:120]}
    country = request.GET.get("country", "").strip().upper()
    if len(country) == 2 and country.isalpha():
        initial["country"] = country
    return initial


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    """Two steps: "check" shows chapters within 50 km (and asks which place), then submit."""
    form = ApplicationForm(request.POST or None, user=request.user,
                           initial=_carried_over(request))
    nearby = []
    if request.method == "POST":
        if form.is_valid():
            place = form.cleaned_data.get("place_obj")
            if place is not None:
                nearby = chapters_near(place.latitude, place.longitude, 50)
            if request.POST.get("action") == "submit" and not form.needs_place_choice:
                try:
                    application = services.submit(
                        applicant=request.user,
                        invited_emails=form.cleaned_data["invited_emails"],
                        display_name=form.cleaned_data.get("display_name", ""),
                        client=ratelimit.client_address(request), **form.application_fields())
                except services.InvitationLimit as error:
                    form.add_error("invited_emails", str(error))
                    return render(request, "cdp/apply.html",
                                  {"form": form, "nearby": nearby, "checked": True}, status=400)
                messages.success(request, _("Your application is submitted."))
                return redirect("cdp:detail", pk=application.pk)
            return render(request, "cdp/apply.html",
                          {"form": form, "nearby": nearby, "checked": True})
        return render(request, "cdp/apply.html", {"form": form}, status=400)
    return render(request, "cdp/apply.html", {"form": form})


@login_required
def program(request: HttpRequest) -> HttpResponse:
    """The applications this person is part of (applicant or assigned coach)."""
    qs = can.visible_applications(request.user)
    if can.may_review_applications(request.user):
        qs = qs.filter(Q(coach=request.user)
                       | Q(applicationapplicant__user=request.user)).distinct()
    page = Paginator(qs.select_related("coach").order_by("-last_activity_at", "-id"), 25)
    return render(request, "cdp/program.html", {
        "page": page.get_page(request.GET.get("page")),
        "may_review": can.may_review_applications(request.user),
        "may_see_resources": can.may_see_training_resources(request.user),
    })


def _milestone_rows(application: Application) -> list[dict]:
    progress = {p.milestone_id: p for p in MilestoneProgress.objects.filter(
        application=application).select_related("done_by", "verified_by")}
    return [{"milestone": m, "progress": progress.get(m.pk)}
            for m in Milestone.objects.prefetch_related("resources")]


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _load(request, pk))


def _detail_page(request: HttpRequest, application: Application, status: int = 200,
                 **typed) -> HttpResponse:
    user = request.user
    moves = [(state, MOVE_LABELS.get((state, role), ApplicationState(state).label),
              MOVE_STYLES.get(state, "primary"))
             for state, role in services.allowed_moves(application.state).items()
             if state != ApplicationState.LAUNCHED and can.may_act_as(user, application, role)]
    # Withdrawing is the applicants' way out, offered apart from the next step.
    withdraw = [move for move in moves if move[0] == ApplicationState.WITHDRAWN]
    moves = [move for move in moves if move[0] != ApplicationState.WITHDRAWN]
    context = {
        "application": application,
        "is_applicant": can.is_applicant(user, application),
        "withdraw": bool(withdraw),
        "last_note": _last_note(application),
        "events": application.events.select_related("actor"),
        "moves": moves,
        "milestones": _milestone_rows(application),
        "may_edit": can.may_edit_application(user, application),
        "may_mark": can.may_mark_milestones(user, application),
        "may_verify": can.may_verify_milestones(user, application),
        "may_launch": can.may_launch(user, application),
        "may_assign": can.may_review_applications(user) and not application.is_final,
        "may_read_log": can.may_read_coaching_log(user, application),
        "may_write_log": can.may_write_coaching_note(user, application),
        "note_form": NoteForm(),
        "coach_form": AssignCoachForm(initial={"coach": application.coach_id}),
        "log_form": CoachingNoteForm(initial={"date": timezone.localdate()}),
        "invitations": application.invitations.all(),
        "may_edit_page": can.may_edit_page_details(user, application),
        "missing_page": services.missing_page_details(application),
    }
    if can.may_see_applicant_contacts(user, application):
        context["applicant_contacts"] = services.applicant_users(application)
    if context["may_edit_page"] and context["missing_page"]:
        context.setdefault("page_form", PageDetailsForm(instance=application))
    context.update(typed)  # a refused form's bound copy, so what was typed is kept
    if context["may_read_log"]:
        context["coaching_notes"] = application.coaching_notes.select_related("author")
    if context["may_launch"]:
        context["missing"] = services.missing_required_milestones(application)
    return render(request, "cdp/detail.html", context, status=status)


def _last_note(application: Application) -> str:
    """The reviewer's note of the latest state change (what changes were asked for)."""
    event = application.events.exclude(note="").filter(
        to_state=application.state, coach__isnull=True).order_by("-created_at", "-id").first()
    return event.note if event else ""


def _refused(request: HttpRequest, application: Application, error: Exception,
             action: str = "", **typed) -> HttpResponse:
    """A refused change: the application page again, with the reason and what was typed in
    the refused form (`action` names it), status 400."""
    messages.error(request, str(error))
    application.refresh_from_db()
    return _detail_page(request, application, status=400, typed_action=action,
                        typed=request.POST, **typed)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _load(request, pk)
    if not can.may_edit_application(request.user, application):
        raise PermissionDenied
    form = ApplicationForm(request.POST or None, instance=application, invite=False,
                           initial={"place": application.place_id})
    if request.method == "POST":
        if form.is_valid() and not form.needs_place_choice:
            try:
                services.edit_application(application, actor=request.user,
                                          **form.application_fields())
            except services.TransitionRefused as error:
                return _refused(request, application, error)
            messages.success(request, _("Saved. Resubmit it when you are ready."))
            return redirect("cdp:detail", pk=application.pk)
        status = 200 if form.is_valid() else 400
        return render(request, "cdp/edit.html", {"form": form, "application": application},
                      status=status)
    return render(request, "cdp/edit.html", {"form": form, "application": application})


@require_POST
@login_required
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """One button per allowed move; the service checks the table and the note."""
    application = _load(request, pk)
    to_state = request.POST.get("to_state", "")
    role = services.allowed_moves(application.state).get(to_state)
    if role is None or not can.may_act_as(request.user, application, role):
        if not (can.may_review_applications(request.user)
                or can.is_applicant(request.user, application)):
            raise PermissionDenied
        return _refused(request, application, services.TransitionRefused(
            _("This change is not allowed.")), action="move")
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.transition(application, to_state, actor=request.user, note=note, role=role)
    except services.TransitionRefused as error:
        return _refused(request, application, error, action="move")
    messages.success(request, _("The application is now: %(state)s.")
                     % {"state": ApplicationState(to_state).label})
    return redirect("cdp:detail", pk=application.pk)


@login_required
def page_details(request: HttpRequest, pk: int) -> HttpResponse:
    """The launched chapter's page details: description, contact, rhythm, languages."""
    application = _load(request, pk)
    if not can.may_edit_page_details(request.user, application):
        raise PermissionDenied
    form = PageDetailsForm(request.POST or None, instance=Application.objects.get(pk=pk))
    if request.method == "POST":
        if form.is_valid():
            services.update_page_details(
                application, actor=request.user,
                **{name: form.cleaned_data[name] for name in PageDetailsForm.Meta.fields})
            messages.success(request, _("Saved: the chapter's page will show this."))
            return redirect("cdp:detail", pk=application.pk)
        return render(request, "cdp/page_details.html",
                      {"form": form, "application": application}, status=400)
    return render(request, "cdp/page_details.html", {"form": form, "application": application})


@require_POST
@login_required
def assign_coach(request: HttpRequest, pk: int) -> HttpResponse:
    application = _load(request, pk)
    if not can.may_review_applications(request.user):
        raise PermissionDenied
    form = AssignCoachForm(request.POST)
    if not form.is_valid():
        return _refused(request, application, services.TransitionRefused(_("Choose a coach.")))
    try:
        services.assign_coach(application, form.cleaned_data["coach"], actor=request.user)
    except services.TransitionRefused as error:
        return _refused(request, application, error)
    messages.success(request, _("Coach assigned."))
    return redirect("cdp:detail", pk=application.pk)


@require_POST
@login_required
def launch(request: HttpRequest, pk: int) -> HttpResponse:
    application = _load(request, pk)
    if not can.may_review_applications(request.user):
        raise PermissionDenied
    reason = browser_text(request.POST.get("override_reason", ""))
    if len(reason) > MAX_MESSAGE:
        return _refused(request, application, services.TransitionRefused(
            too_long(MAX_MESSAGE, len(reason))), action="launch")
    try:
        chapter = services.launch(application, actor=request.user, override_reason=reason)
    except services.TransitionRefused as error:
        return _refused(request, application, error, action="launch")
    messages.success(request, _("%(name)s is launched and listed.") % {"name": chapter.name})
    return redirect(chapter.get_absolute_url())


def _milestone(pk: int) -> Milestone:
    if pk > MAX_ID:
        raise Http404
    return get_object_or_404(Milestone, pk=pk)


@require_POST
@login_required
def milestone_done(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    application = _load(request, pk)
    milestone = _milestone(milestone_pk)
    if not can.may_mark_milestones(request.user, application):
        raise PermissionDenied
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.mark_done(application, milestone, actor=request.user, note=note)
    except services.TransitionRefused as error:
        return _refused(request, application, error, action="done",
                        typed_milestone=milestone.pk)
    messages.success(request, _("Marked done. Your coach will verify it."))
    return redirect("cdp:detail", pk=application.pk)


@require_POST
@login_required
def milestone_verify(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    application = _load(request, pk)
    milestone = _milestone(milestone_pk)
    if not can.may_verify_milestones(request.user, application):
        raise PermissionDenied
    try:
        services.verify(application, milestone, actor=request.user)
    except services.TransitionRefused as error:
        return _refused(request, application, error)
    messages.success(request, _("Milestone verified."))
    return redirect("cdp:detail", pk=application.pk)


@require_POST
@login_required
def coaching_note(request: HttpRequest, pk: int) -> HttpResponse:
    application = _load(request, pk)
    if not can.may_write_coaching_note(request.user, application):
        raise PermissionDenied
    form = CoachingNoteForm(request.POST)
    if not form.is_valid():
        return _refused(request, application, services.TransitionRefused(
            _("A coaching note needs a date and a text.")), log_form=form)
    services.add_coaching_note(application, author=request.user, **form.cleaned_data)
    messages.success(request, _("Note added to the coaching log."))
    return redirect("cdp:detail", pk=application.pk)


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """The Global admins' queue by state, with the program overview."""
    if not can.may_review_applications(request.user):
        raise PermissionDenied
    state = request.GET.get("state", "")
    if state not in ApplicationState.values:
        state = ""
    now = timezone.now()
    counts = dict(Application.objects.values_list("state").annotate(n=Count("id")))
    qs = Application.objects.select_related("coach").prefetch_related(
        Prefetch("applicants", queryset=User.objects.order_by("display_name", "id"))).order_by(
        "state_changed_at", "id")
    if state:
        qs = qs.filter(state=state)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    stale = (Application.objects.exclude(state__in=[ApplicationState.LAUNCHED,
                                                    ApplicationState.DECLINED,
                                                    ApplicationState.WITHDRAWN])
             .filter(last_activity_at__lt=now - STALE_AFTER).order_by("last_activity_at")[:20])
    context = {
        "page": page, "state": state, "stale": stale,
        "states": [(value, label, counts.get(value, 0))
                   for value, label in ApplicationState.choices],
    }
    if request.htmx:
        return render(request, "cdp/review.html#queue", context)
    return render(request, "cdp/review.html", context)


@login_required
def resources(request: HttpRequest) -> HttpResponse:
    if not can.may_see_training_resources(request.user):
        raise PermissionDenied
    page = Paginator(TrainingResource.objects.prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("order"))), 50)
    return render(request, "cdp/resources.html",
                  {"page": page.get_page(request.GET.get("page"))})


@login_required
def resource_file(request: HttpRequest, pk: int) -> FileResponse:
    """Uploaded files are always downloaded, never rendered inline."""
    if not can.may_see_training_resources(request.user):
        raise PermissionDenied
    if pk > MAX_ID:
        raise Http404
    resource = get_object_or_404(TrainingResource.objects.exclude(file=""), pk=pk)
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = resource.file.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name,
                            content_type=content_type_for(name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
