"""Public listing and sign-up, the registered person's page, and the organizers' pages."""

import datetime as dt
import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chapters.models import Chapter
from core import pagecache, ratelimit
from core.locale import language_name, supported, viewer_zone
from core.pagination import MAX_ID, BoundedPaginator
from members import permissions

from . import permissions as session_permissions
from . import services
from .calendar import chapter_feed, session_ics
from .emails import email_language
from .forms import (
    CancelSessionForm,
    CodeForm,
    ConfirmForm,
    FilterForm,
    MonthForm,
    OneTapForm,
    RegistrationForm,
    SessionForm,
)
from .funnel import funnel
from .models import OnboardingSession, Registration, RegistrationStatus, SessionFormat
from .qr import qr_svg
from .times import annotate_times, format_local

PAGE_SIZE = 20
# The public list pages through at most this many upcoming sessions (filters narrow it):
# counting every upcoming session of a large network on each request costs more than the
# page itself.
MAX_LISTED = 50 * PAGE_SIZE


def _public_sessions():
    return OnboardingSession.objects.public().select_related("chapter")


def _session_or_404(pk: int, queryset=None) -> OnboardingSession:
    if pk > MAX_ID:
        raise Http404
    return get_object_or_404(queryset if queryset is not None else _public_sessions(), pk=pk)


def _managed_session(request, pk: int) -> OnboardingSession:
    """A session of a listed or unlisted chapter; only its organizers get past this."""
    if pk > MAX_ID:
        raise Http404
    session = get_object_or_404(OnboardingSession.objects.select_related("chapter"), pk=pk)
    if not session_permissions.may_manage_sessions(request.user, session.chapter):
        raise PermissionDenied
    return session


def _registration_or_404(token: str) -> Registration:
    if len(token) > 64:
        raise Http404
    return get_object_or_404(
        Registration.objects.select_related("session__chapter"), token=token,
    )


# -- Public ----------------------------------------------------------------------------------


@require_GET
# The same for every visitor: kept until a session, a registration or a chapter changes,
# or the first session shown ends and leaves the list.
@pagecache.public_page("sessions", depends=[pagecache.SESSIONS, pagecache.CHAPTERS],
                       vary=lambda request: [str(viewer_zone(request))])
def session_list(request: HttpRequest) -> HttpResponse:
    """Upcoming sessions across the network, filtered by chapter, language and format."""
    zone = viewer_zone(request)
    form = FilterForm(request.GET or None)
    sessions = _public_sessions().upcoming().with_taken().order_by("starts_at", "pk")
    status = 200
    if form.is_bound:
        if form.is_valid():
            if form.cleaned_data["chapter"]:
                chapter = form.cleaned_data["chapter"]
                sessions = sessions.filter(Q(chapter__slug=chapter)
                                           | Q(chapter__name__icontains=chapter))
            if form.cleaned_data["language"]:
                sessions = sessions.filter(language=form.cleaned_data["language"])
            if form.cleaned_data["format"]:
                sessions = sessions.filter(format=form.cleaned_data["format"])
        else:
            status = 400
            sessions = sessions.none()
    page = BoundedPaginator(sessions, PAGE_SIZE, ahead=MAX_LISTED).get_page(request.GET.get("page"))
    annotate_times(page.object_list, zone)
    _label_rows(page.object_list)
    if page.object_list:
        # A session leaves the list when it ends. One on a later page may end first and
        # change the count: with other pages, the list holds a minute at most.
        ends = min(session.ends_at.timestamp() for session in page.object_list)
        pagecache.depends_on(until=min(ends, time.time() + 60) if page.has_other_pages()
                             else ends)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page_obj": page, "query": query.urlencode(),
               "has_viewer_zone": zone is not None,
               "filter_fields": _filter_fields(form)}
    template = ("onboarding/session_list.html#results" if request.htmx
                else "onboarding/session_list.html")
    return render(request, template, context, status=status)


_PK_PLACEHOLDER = str(MAX_ID)


def _label_rows(sessions) -> None:
    """What each row of the list shows beside its fields, worked out here once per value
    rather than by a tag per row: its link, its format's and language's names, and how
    many places are left (as `{% blocktranslate count %}` says it)."""
    url = reverse("onboarding:detail", args=[MAX_ID])
    formats = {value: str(label) for value, label in SessionFormat.choices}
    languages: dict[str, str] = {}
    for session in sessions:
        session.list_url = url.replace(_PK_PLACEHOLDER, str(int(session.pk)))
        session.format_label = formats.get(session.format, session.format)
        if session.language not in languages:
            languages[session.language] = capfirst(language_name(session.language))
        session.language_label = languages[session.language]
        places = session.places_left
        session.places_label = mark_safe(
            ngettext("%(places)s place left", "%(places)s places left", places)
            % {"places": conditional_escape(localize(places))})


def _filter_fields(form: FilterForm) -> list[tuple]:
    """The filter form's fields, each with the key its HTML is rendered once under (per
    language, `{% once %}`): a list's HTML follows from the value picked alone, a typed
    chapter is rendered every time, and so is every field of a form with errors."""
    fields = []
    for field in form:
        fixed = (not form.errors and isinstance(field.field, forms.ChoiceField)
                 and isinstance(field.value(), (str, type(None))))
        fields.append((field, ("session-filter", field.name, field.value()) if fixed else None))
    return fields


def _detail_context(request, session, **extra):
    annotate_times([session], viewer_zone(request))
    return {
        "session": session,
        "open": session.is_open_for_registration(),
        "may_manage": session_permissions.may_manage_sessions(request.user, session.chapter),
        "has_viewer_zone": viewer_zone(request) is not None,
        **extra,
    }


def _own_registration(user, session) -> Registration | None:
    """The signed-in person's live sign-up for this session (by their account's address,
    through the (session, LOWER(email)) index), with its waitlist position."""
    registration = (session.registrations.exclude(status=RegistrationStatus.CANCELLED)
                    .alias(email_lower=Lower("email"))
                    .filter(email_lower=user.email.strip().lower()).first())
    if registration is not None:
        registration.session = session
        registration.waitlist_position = waitlist_position(registration)
    return registration


def waitlist_position(registration: Registration) -> int | None:
    """1 for the next person a freed place goes to (the order promote_next uses)."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = registration.session.registrations.filter(
        status=RegistrationStatus.WAITLISTED).filter(
        Q(confirmed_at__lt=registration.confirmed_at)
        | Q(confirmed_at=registration.confirmed_at, pk__lt=registration.pk)).count()
    return ahead + 1


def _has_verified(user, email: str) -> bool:
    return user.emailaddress_set.filter(email__iexact=email, verified=True).exists()


@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A session's public page with the sign-up form (name and email, no password).

    A signed-in person signs up in one tap with their account, and once registered sees
    their place (or waitlist position) instead of the form. Never cached: anonymous
    visitors get the form, and the page holds a CSRF token."""
    session = _session_or_404(pk, _public_sessions().with_taken())
    user = request.user if request.user.is_authenticated else None
    data = request.POST if request.method == "POST" else None
    own = _own_registration(user, session) if user else None
    if (own is not None and own.status == RegistrationStatus.PENDING
            and _has_verified(user, user.email)):
        # A sign-up with their address that nobody confirmed (perhaps typed by a stranger):
        # the owner, signed in with the verified address, takes it over in one tap, and
        # their sign-up names it (services.register).
        own = None
    if user is not None:
        form = OneTapForm(data, user=user)
    else:
        form = RegistrationForm(data)
    if request.method == "POST":
        if own is not None:  # already signed up (a pending one of theirs was let through)
            return redirect("onboarding:detail", session.pk)
        if form.is_valid() and session.is_open_for_registration():
            if user is not None:
                email, name = user.email, user.display_name or form.cleaned_data["name"]
                verified = _has_verified(user, email)
            else:
                email, name = form.cleaned_data["email"], form.cleaned_data["name"]
                verified = False
            try:
                registration = services.register(
                    session, name=name, email=email,
                    user=user if verified else None, email_verified=verified,
                    client=ratelimit.client_address(request),
                )
            except services.RegistrationClosed:
                form.add_error(None, _("Registration for this session is closed."))
            else:
                if verified:
                    if registration.status == RegistrationStatus.WAITLISTED:
                        messages.info(request, _("The session is full: you are on the "
                                                 "waitlist."))
                    else:
                        messages.success(request, _("You are signed up."))
                    return redirect("onboarding:detail", session.pk)
                return redirect("onboarding:check_email", session.pk)
        elif form.is_valid():
            form.add_error(None, _("Registration for this session is closed."))
        return render(request, "onboarding/session_detail.html",
                      _detail_context(request, session, form=form, own=own), status=400)
    return render(request, "onboarding/session_detail.html",
                  _detail_context(request, session, form=form, own=own))


def _account_language(request, registration: Registration) -> str:
    """The language a new account made at confirmation speaks: the one this browser chose
    (its language cookie or Accept-Language), else the one the sign-up's emails were
    already written in (the session's), so one person's thread of emails stays in one
    language rather than turning to the site's default half-way."""
    if (request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            or request.META.get("HTTP_ACCEPT_LANGUAGE")):
        chosen = supported(getattr(request, "LANGUAGE_CODE", "") or "")
        if chosen:
            return chosen
    return email_language(registration)


def _sign_in_after_confirmation(request, registration: Registration,
                                then: str) -> HttpResponse | None:
    """The person just proved they hold the sign-up's address (the emailed link or code):
    sign them in, with a new password-less account if they have none, the way allauth's
    own email confirmation does; a second factor they set up is still asked for. None when
    they stay as they are: signed in already (as anyone), the sign-up did not take a place
    or the waitlist, or the email is older than allauth's own confirmation links last."""
    from allauth.account.utils import perform_login

    from members.services import CONFIRMED_LINK_SIGNS_IN_FOR, account_for_confirmed_address

    if request.user.is_authenticated:
        if request.user.email.lower() == registration.email.lower():
            services.attach_account(registration, request.user)
        return None
    sent = registration.confirmation_sent_at
    if (registration.status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
            or sent is None or timezone.now() - sent > CONFIRMED_LINK_SIGNS_IN_FOR):
        return None
    user, created = account_for_confirmed_address(
        registration.email, name=registration.name, language=_account_language(
            request, registration))
    if not user.is_active:
        return None
    services.attach_account(registration, user)
    name = user.display_name or user.email
    if created:
        # Say plainly that an account now exists, and that it can go.
        messages.success(request, _("You are signed in as %(name)s, with no password: your "
                                    "sign-ups and requests to join are on your page, where "
                                    "you can also delete your account.") % {"name": name})
    elif not permissions.has_mfa(user):
        messages.success(request, _("You are signed in as %(name)s: your sign-ups and "
                                    "requests to join are on your page.") % {"name": name})
    request.quiet_sign_in = True  # no second "signed in" message from allauth
    return perform_login(request, user, redirect_url=then)


@require_http_methods(["GET", "POST"])
def check_email(request: HttpRequest, pk: int) -> HttpResponse:
    """After signing up: check your email, or type the code it contains."""
    if request.method != "POST":
        return render(request, "onboarding/check_email.html",
                      {"session": _session_or_404(pk), "form": CodeForm()})
    from allauth.core import ratelimit as allauth_ratelimit

    if pk > MAX_ID:
        raise Http404
    form = CodeForm(request.POST)
    registration = None
    # A right code signs the person in: wrong guesses are limited as allauth limits
    # failed sign-ins (per address and per IP).
    key = f"{pk}:{form.data.get('email', '')[:254].strip().lower()}"
    if form.is_valid() and not ratelimit.allauth_allows(
            request, action="login_failed", key=key):
        form.add_error(None, _("Too many wrong codes. Wait a few minutes and try again."))
    elif form.is_valid():
        try:
            # The session is read once, public or a 404, in the service's locking read.
            registration = services.confirm_with_code(
                pk, among=_public_sessions(), email=form.cleaned_data["email"],
                code=form.cleaned_data["code"])
        except OnboardingSession.DoesNotExist:
            raise Http404 from None
        except services.RegistrationClosed:
            form.add_error(None, _("Registration for this session is closed."))
        else:
            if registration is None:
                allauth_ratelimit.consume(request, action="login_failed", key=key)
                form.add_error("code", _("This code does not match. Check the email."))
    if registration is not None:
        then = reverse("onboarding:registration", args=[registration.token])
        return _sign_in_after_confirmation(request, registration, then) or redirect(then)
    return render(request, "onboarding/check_email.html",
                  {"session": _session_or_404(pk), "form": form}, status=400)


@require_GET
def session_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The public .ics of one session: never the venue or the call link."""
    session = _session_or_404(pk)
    response = HttpResponse(session_ics(session), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response


@require_GET
def chapter_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """A chapter's public iCalendar feed of sessions (no private fields)."""
    chapter = get_object_or_404(Chapter.objects.listed(), slug=slug)
    since = timezone.now() - dt.timedelta(days=30)
    sessions = chapter.onboarding_sessions.select_related("chapter").filter(
        ends_at__gte=since).order_by("starts_at")[:200]
    return HttpResponse(chapter_feed(chapter, sessions),
                        content_type="text/calendar; charset=utf-8")


@require_GET
def flyer(request: HttpRequest, slug: str) -> HttpResponse:
    """A printable flyer: the chapter, who may join, next sessions, a QR code to its page."""

    chapter = get_object_or_404(Chapter.objects.listed(), slug=slug)
    sessions = list(chapter.onboarding_sessions.select_related("chapter").upcoming().filter(
        status="scheduled").order_by("starts_at")[:4])
    annotate_times(sessions, None)
    url = settings.SITE_URL + chapter.get_absolute_url()
    return render(request, "onboarding/flyer.html", {
        "chapter": chapter, "sessions": sessions, "chapter_url": url,
        "qr": qr_svg(url, _("QR code to %(name)s's page") % {"name": chapter.name}),
    })


# -- The registered person -------------------------------------------------------------------


def _registration_page(request: HttpRequest, registration: Registration,
                       confirm_form: ConfirmForm | None = None, status: int = 200):
    session = registration.session
    annotate_times([session], viewer_zone(request))
    registration.waitlist_position = waitlist_position(registration)
    return render(request, "onboarding/registration.html", {
        "registration": registration, "session": session,
        "private": registration.sees_private_details and not session.is_cancelled,
        "has_viewer_zone": viewer_zone(request) is not None,
        "confirm_form": confirm_form or ConfirmForm(initial={"name": registration.name}),
    }, status=status)


@require_GET
def registration_page(request: HttpRequest, token: str) -> HttpResponse:
    """The person's own page, reached by the secret link in their email."""
    return _registration_page(request, _registration_or_404(token))


@require_POST
def registration_confirm(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration_or_404(token)
    was_pending = registration.status == RegistrationStatus.PENDING
    name = ""
    if was_pending and "name" in request.POST:
        # The name this sign-up was made under may be a stranger's typing: the holder of
        # the address confirms under the name they choose (and a new account takes it).
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            return _registration_page(request, registration, form, status=400)
        name = form.cleaned_data["name"]
    try:
        registration = services.confirm_email(registration, name=name)
    except services.RegistrationClosed:
        messages.error(request, _("Registration for this session is closed."))
    else:
        if registration.status == RegistrationStatus.CONFIRMED:
            messages.success(request, _("Your place is confirmed."))
        elif registration.status == RegistrationStatus.WAITLISTED:
            messages.info(request, _("The session is full: you are on the waitlist."))
        if was_pending:
            # The emailed link proved the address, once: the person is signed in.
            then = reverse("onboarding:registration", args=[registration.token])
            if response := _sign_in_after_confirmation(request, registration, then):
                return response
    return redirect("onboarding:registration", registration.token)


@require_POST
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration_or_404(token)
    try:
        services.cancel_registration(registration)
    except services.TransitionError:
        messages.error(request, _("This registration can no longer be cancelled."))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("onboarding:registration", registration.token)


@require_GET
def registration_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The person's own .ics: with venue and link once their place is confirmed."""
    registration = _registration_or_404(token)
    response = HttpResponse(session_ics(registration.session, registration),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="session-{registration.session_id}.ics"')
    return response


# -- Organizers ------------------------------------------------------------------------------


def _managed_chapter(request, slug: str) -> Chapter:
    chapter = get_object_or_404(Chapter, slug=slug)
    if not session_permissions.may_manage_sessions(request.user, chapter):
        raise PermissionDenied
    return chapter


@require_GET
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    """The chapter's sessions, with sign-up numbers, for its organizers."""
    chapter = _managed_chapter(request, slug)
    sessions = chapter.onboarding_sessions.select_related("chapter").with_taken().annotate(
        waitlisted=Count("registrations", filter=Q(registrations__status="waitlisted")),
    ).order_by("-starts_at")
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    annotate_times(page.object_list, None)
    return render(request, "onboarding/manage.html", {"chapter": chapter, "page_obj": page})


@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = _managed_chapter(request, slug)
    try:
        # The form is not offered where the service would refuse the session it makes.
        services.check_may_schedule(chapter)
        usual = services.usual_session(chapter)
        form = SessionForm(request.POST or None, chapter=chapter, initial=usual["initial"],
                           usual_length=usual["length"])
        if request.method == "POST" and form.is_valid():
            session = services.create_session(chapter, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The session is scheduled."))
            return redirect("onboarding:attendees", session.pk)
    except services.NoNewSessions as refusal:
        messages.error(request, str(refusal))
        return redirect("onboarding:manage", chapter.slug)
    return render(request, "onboarding/session_form.html", {"form": form, "chapter": chapter},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _managed_session(request, pk)
    if session.is_cancelled:
        messages.error(request, _("A cancelled session cannot be edited."))
        return redirect("onboarding:attendees", session.pk)
    before = {name: getattr(session, name) for name in SessionForm.Meta.fields}
    form = SessionForm(request.POST or None, instance=session, chapter=session.chapter)
    context = {"form": form, "chapter": session.chapter, "session": session}
    if request.method == "POST":
        if form.is_valid():
            changed = [name for name, value in before.items()
                       if getattr(form.instance, name) != value]
            try:
                services.edit_session(form.instance, actor=request.user, changed=changed)
            except services.TransitionError:  # cancelled while the form was being sent
                messages.error(request, _("A cancelled session cannot be edited."))
            else:
                messages.success(request, _("The session is updated."))
            return redirect("onboarding:attendees", session.pk)
        return render(request, "onboarding/session_form.html", context, status=400)
    return render(request, "onboarding/session_form.html", context)


@require_http_methods(["GET", "POST"])
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = _managed_session(request, pk)
    form = CancelSessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_session(session, actor=request.user,
                                    reason=form.cleaned_data["reason"])
        except services.TransitionError:
            messages.error(request, _("This session is already cancelled."))
        else:
            messages.success(request, _("The session is cancelled; everyone registered is told."))
        return redirect("onboarding:attendees", session.pk)
    return render(request, "onboarding/session_cancel.html",
                  {"form": form, "session": session},
                  status=400 if request.method == "POST" else 200)


@require_GET
def attendees(request: HttpRequest, pk: int) -> HttpResponse:
    """Who signed up, check-in buttons (phone-friendly) and who awaits a follow-up."""
    session = _managed_session(request, pk)
    annotate_times([session], None)
    registrations = list(session.registrations.exclude(status=RegistrationStatus.CANCELLED)
                         .order_by("status", "name", "pk"))
    return render(request, "onboarding/attendees.html", {
        "session": session, "chapter": session.chapter, "registrations": registrations,
        **_follow_up_context(session, registrations),
        **_check_in_context(session),
    })


def _check_in_context(session: OnboardingSession) -> dict:
    return {
        "check_in_open": services.check_in_is_open(session),
        "check_in_opens": format_local(services.check_in_opens_at(session),
                                       session.chapter.timezone),
    }


def _follow_up_context(session, registrations) -> dict:
    """Who awaits a follow-up, and whether anyone came at all: "everyone has been followed
    up" is only true when someone attended."""
    return {"not_followed": _not_followed(registrations),
            "anyone_attended": any(r.status == RegistrationStatus.ATTENDED
                                   for r in registrations)}


def _not_followed(registrations) -> list[Registration]:
    """Attendees nobody has followed up yet."""
    return [r for r in registrations
            if r.status == RegistrationStatus.ATTENDED and r.followed_up_at is None]


@require_POST
def check_in(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    """Toggle attended / no-show; htmx swaps just this person's row."""
    session = _managed_session(request, pk)
    if registration_pk > MAX_ID:
        raise Http404
    registration = get_object_or_404(session.registrations, pk=registration_pk)
    attended = request.POST.get("attended")
    if attended not in ("1", "0"):
        return HttpResponse(_("Choose attended or did not come."), status=400)
    registration.session = session
    try:
        registration = services.set_attendance(
            registration, attended=attended == "1", actor=request.user)
    except services.CheckInNotOpen:
        message = _("Check-in opens at %(time)s, an hour before the session starts.") % {
            "time": format_local(services.check_in_opens_at(session), session.chapter.timezone)}
        if request.htmx:
            return HttpResponse(message, status=400)
        messages.error(request, message)
        return redirect("onboarding:attendees", session.pk)
    except services.TransitionError:
        return HttpResponse(_("This person cannot be checked in."), status=400)
    if request.htmx:
        # The row, and the follow-up list swapped out of band: it changes with each check-in.
        attended = list(session.registrations.filter(status=RegistrationStatus.ATTENDED)
                        .order_by("name", "pk"))
        context = {"session": session, "registration": registration, "oob": True,
                   "check_in_open": True, **_follow_up_context(session, attended)}
        return HttpResponse(render_to_string("onboarding/attendees.html#person", context, request)
                            + render_to_string("onboarding/attendees.html#follow_up", context,
                                               request))
    return redirect("onboarding:attendees", session.pk)


@require_POST
def session_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    session = _managed_session(request, pk)
    count = services.follow_up(session, actor=request.user)
    messages.success(request, ngettext(
        "Follow-up sent to %(count)d person.", "Follow-up sent to %(count)d people.", count,
    ) % {"count": count})
    return redirect("onboarding:attendees", session.pk)


@require_GET
def chapter_funnel(request: HttpRequest, slug: str) -> HttpResponse:
    """Registered, attended, asked to join, became members: numbers for one month."""
    chapter = get_object_or_404(Chapter, slug=slug)
    if not session_permissions.may_see_session_funnel(request.user, chapter):
        raise PermissionDenied
    form = MonthForm(request.GET or None)
    today = timezone.now().date()
    month = today.replace(day=1)
    status = 200
    if form.is_bound:
        if form.is_valid() and form.cleaned_data["month"]:
            month = form.cleaned_data["month"].replace(day=1)
        elif not form.is_valid():
            status = 400
    return render(request, "onboarding/funnel.html", {
        "chapter": chapter, "form": form, "month": month,
        "numbers": funnel(chapter, month.year, month.month),
        "may_manage": session_permissions.may_manage_sessions(request.user, chapter),
    }, status=status)
