"""Pages of the members app: joining, /me/, and the organizers' queue and member list."""

from __future__ import annotations

import csv
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from chapters.models import Chapter
from core.forms import MAX_MESSAGE, browser_text, too_long
from core.pagination import MAX_ID, BoundedPaginator

from . import services
from .enums import MembershipRole, MembershipStatus, WorkKind
from .forms import (
    DeleteAccountForm,
    JoinForm,
    MemberFilterForm,
    PolicyForm,
    ProfileForm,
    RemoveForm,
    policy_initial,
)
from .models import Membership
from .permissions import (
    has_mfa,
    is_coach,
    is_global_admin,
    may_edit_policy,
    may_manage_members,
    may_see_member_counts,
    may_see_policy_history,
)
from .rules import describe, effective_rules, eligibility, rules_of
from .templatetags.membership import answer_lines, answer_texts

PAGE_SIZE = 25
# The organizer lists count rows only this far past the start of the page asked for: an
# exact count of a large chapter's twenty thousand members costs more than the page.
COUNT_AHEAD = 40 * PAGE_SIZE


def _chapter(slug: str, user, predicate) -> Chapter:
    """The chapter, if this user may act on it: 404 for an unknown slug, 403 otherwise."""
    chapter = get_object_or_404(Chapter, slug=slug)
    if not predicate(user, chapter):
        raise PermissionDenied
    return chapter


def _membership(chapter: Chapter, pk: int) -> Membership:
    """A membership of this chapter only: an id from another chapter is a 404."""
    if not 0 < pk <= MAX_ID:
        raise Http404
    return get_object_or_404(
        Membership.objects.select_related("user", "chapter"), pk=pk, chapter=chapter,
        user__isnull=False)


def _labelled(page, slug: str | None = None):
    """The page with each row's choice labels set once per page (`status_label`,
    `role_label`, and the person's `work_kind_label`): `get_FOO_display()` translates every
    choice of the field on each call, which on a list is most of its rendering time. With
    the chapter's slug, also each row's `role_url` and `remove_url`."""
    statuses = {value: str(label) for value, label in MembershipStatus.choices}
    roles = {value: str(label) for value, label in MembershipRole.choices}
    kinds = {value: str(label) for value, label in WorkKind.choices}
    if slug is not None:
        role_url = _url_for_each("members:change_role", slug)
        remove_url = _url_for_each("members:remove", slug)
    page.object_list = list(page.object_list)
    for membership in page.object_list:
        membership.status_label = statuses.get(membership.status, membership.status)
        membership.role_label = roles.get(membership.role, membership.role)
        membership.user.work_kind_label = kinds.get(membership.user.work_kind,
                                                    membership.user.work_kind)
        if slug is not None:
            membership.role_url = role_url(membership.pk)
            membership.remove_url = remove_url(membership.pk)
    return page


def _url_for_each(name: str, slug: str):
    """A function giving the URL `name` has for one membership id of this chapter: reversed
    once per page with a stand-in id, since reversing costs as much as a row's rendering."""
    before, _sep, after = reverse(name, args=[slug, MAX_ID]).rpartition(f"/{MAX_ID}/")
    return lambda pk: f"{before}/{int(pk)}/{after}"


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and 0 < int(v) <= MAX_ID]


# ---------------------------------------------------------------------------------------
# Joining
# ---------------------------------------------------------------------------------------


def _name_signed_up_with(user) -> dict:
    """A person without a display name who signed up for a session under a name: that
    name, offered (editable) where the join form asks for one."""
    if user.display_name:
        return {}
    name = (user.onboarding_registrations.exclude(name="").order_by("-created_at")
            .values_list("name", flat=True).first())
    return {"display_name": name[:80]} if name else {}


def _join_refused(request: HttpRequest, chapter: Chapter, membership: Membership | None,
                  refusal: services.JoinRefusal) -> HttpResponse:
    """The join page for someone the service does not let ask: an unlisted chapter is a
    404, a member or removed person sees where they stand, a closed chapter says so."""
    if refusal == services.JoinRefusal.NOT_LISTED:
        raise Http404
    if refusal == services.JoinRefusal.NO_NEWCOMERS:
        return render(request, "members/join.html", {"chapter": chapter, "closed": True})
    return render(request, "members/join.html", {"chapter": chapter, "membership": membership})


@login_required
def join(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask to join: only the questions the rules need, and the outcome at once."""
    chapter = get_object_or_404(Chapter, slug=slug)
    if request.method == "POST":
        # The membership is read once, locked: the refusal checked here and the request
        # the service records are of the same row.
        with transaction.atomic():
            membership = services.locked_membership(chapter, request.user)
            return _join(request, chapter, membership)
    return _join(request, chapter,
                 Membership.objects.filter(chapter=chapter, user=request.user).first())


def _join(request: HttpRequest, chapter: Chapter, membership: Membership | None
          ) -> HttpResponse:
    refusal = services.join_refusal(chapter, membership)
    if refusal is not None:
        return _join_refused(request, chapter, membership, refusal)
    # Read once: the questions asked and the decision recorded are of the same versions.
    versions = services.current_versions(chapter)
    rules = effective_rules(*versions)
    user = request.user
    ask_profile = not (user.display_name and user.work_kind)
    data = request.POST if request.method == "POST" else None
    form = JoinForm(data, rules=rules)
    profile_form = ProfileForm(data, instance=user, join=True, prefix="profile",
                               initial=_name_signed_up_with(user)) if ask_profile else None
    context = {"chapter": chapter, "form": form, "profile_form": profile_form,
               "rules": describe(rules)}
    if request.method != "POST":
        return render(request, "members/join.html", context)
    if not form.is_valid() or (profile_form and not profile_form.is_valid()):
        return render(request, "members/join.html", context, status=400)
    if profile_form:
        profile_form.save()
    if not user.preferred_language and request.LANGUAGE_CODE in dict(settings.LANGUAGES):
        # Emails about this request go out in the language the person asked in.
        user.preferred_language = request.LANGUAGE_CODE
        user.save(update_fields=["preferred_language"])
    try:
        outcome = services.request_to_join(chapter, user, form.answers(),
                                           versions=versions, existing=membership)
    except services.TransitionError as error:
        messages.error(request, str(error))
        return redirect("members:join", chapter.slug)
    if outcome.refusal is not None:
        # Things changed since the form was shown (a removal, a closure): the page says so.
        if outcome.refusal.message:
            messages.error(request, outcome.refusal.message)
        return redirect("members:join", chapter.slug)
    if outcome.membership is None:
        context.update(decision=outcome.decision, **services.alternatives(chapter, form.answers()))
        return render(request, "members/join.html", context)
    return redirect("members:join", chapter.slug)


# ---------------------------------------------------------------------------------------
# A person's own page
# ---------------------------------------------------------------------------------------


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """A person's own page: what the network holds about them, and nobody else's."""
    # The chapters this person organizes are among their memberships: one query gives both,
    # each organizer row with its chapter's waiting requests counted in a subquery (from
    # membership_waiting_idx alone; a join and GROUP BY visited every membership of a big
    # chapter, 350 ms at full size).
    waiting = (Membership.objects.pending().filter(chapter=OuterRef("chapter_id"),
                                                   user__isnull=False)
               .order_by().values("chapter").annotate(n=Count("*")).values("n"))
    memberships = list(
        request.user.memberships.select_related("chapter").order_by("chapter__name")
        .annotate(waiting=Case(
            When(status=MembershipStatus.ACTIVE, role=MembershipRole.ORGANIZER,
                 then=Coalesce(Subquery(waiting), 0)),
            default=Value(0))))
    organized = []
    for membership in memberships:
        if (membership.status == MembershipStatus.ACTIVE
                and membership.role == MembershipRole.ORGANIZER):
            membership.chapter.waiting = membership.waiting
            organized.append(membership.chapter)
    return render(request, "members/me.html", {
        "memberships": memberships, "has_mfa": has_mfa(request.user),
        "leavable": (MembershipStatus.PENDING, MembershipStatus.ACTIVE),
        "may_edit_baseline": may_edit_policy(request.user, None),
        "organized": organized,
        "is_coach": is_coach(request.user), "is_global_admin": is_global_admin(request.user),
    })


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Your profile is saved."))
            return redirect("members:me")
        return render(request, "members/profile.html", {"form": form}, status=400)
    return render(request, "members/profile.html", {"form": form})


@login_required
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    """Leave a chapter (or withdraw a request), after a confirmation."""
    if not 0 < pk <= MAX_ID:
        raise Http404
    membership = get_object_or_404(
        Membership.objects.select_related("chapter"), pk=pk, user=request.user)
    if request.method == "POST":
        try:
            services.leave_chapter(membership, user=request.user)
            messages.success(request, _("You left %(chapter)s.") %
                             {"chapter": membership.chapter.name})
        except services.TransitionError as error:
            messages.error(request, str(error))
        return redirect("members:me")
    return render(request, "members/leave.html", {"membership": membership})


@login_required
def export_my_data(request: HttpRequest) -> HttpResponse:
    """Everything held about the signed-in person, as a JSON download."""
    from core.personal_data import export_personal_data

    body = json.dumps(export_personal_data(request.user), indent=2, default=str)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "members/delete_account.html", {"form": form}, status=400)
        user = request.user
        logout(request)
        services.delete_account(user)
        messages.success(request, _("Your account and your personal data are deleted."))
        return redirect("chapters:home")
    return render(request, "members/delete_account.html", {"form": form})


# ---------------------------------------------------------------------------------------
# Organizers: review queue
# ---------------------------------------------------------------------------------------


def _requests_page(request: HttpRequest, chapter: Chapter):
    """A page of the review queue, each row with what it shows worked out here once: its
    answers in plain words, and the line under the name (address, pronouns, kind of work,
    the day asked), so the template's loop only prints."""
    pending = (Membership.objects.pending().filter(chapter=chapter, user__isnull=False)
               .select_related("user").order_by("requested_at", "pk"))
    paginator = BoundedPaginator(pending, PAGE_SIZE, ahead=COUNT_AHEAD, every_row=True)
    page = _labelled(paginator.get_page(request.GET.get("page")))
    texts = answer_texts()
    date_format = get_format("DATE_FORMAT")
    days: dict = {}
    for membership in page.object_list:
        user = membership.user
        day = timezone.localtime(membership.requested_at).date()
        if day not in days:
            days[day] = dateformat.format(day, date_format)
        membership.answer_list = answer_lines(membership.answers, texts)
        membership.details = " · ".join(
            part for part in (user.email, user.pronouns,
                              user.work_kind and user.work_kind_label, days[day]) if part)
    return page


@login_required
def requests(request: HttpRequest, slug: str) -> HttpResponse:
    """The chapter's pending join requests with their answers."""
    chapter = _chapter(slug, request.user, may_manage_members)
    page = _requests_page(request, chapter)
    template = "members/requests.html#queue" if request.htmx else "members/requests.html"
    return render(request, template, {"chapter": chapter, "page": page})


@login_required
@require_POST
def decide(request: HttpRequest, slug: str) -> HttpResponse:
    """Approve or decline one request (decide=approve:ID) or the checked ones (decide=approve)."""
    chapter = _chapter(slug, request.user, may_manage_members)
    action, _sep, one = request.POST.get("decide", "").partition(":")
    if action not in ("approve", "decline"):
        return HttpResponse(_("Choose approve or decline."), status=400)
    ids = _ids([one]) if one else _ids(request.POST.getlist("ids"))
    message = browser_text(request.POST.get("message", ""))
    if len(message) > MAX_MESSAGE:
        # The textarea's maxlength keeps a browser under it: refused, never cut.
        return HttpResponse(too_long(MAX_MESSAGE, len(message)), status=400)
    decided = 0
    for membership in Membership.objects.filter(chapter=chapter, pk__in=ids,
                                                user__isnull=False):
        try:
            services.decide_request(membership, actor=request.user,
                                    approve=action == "approve", message=message)
            decided += 1
        except services.TransitionError:
            continue
    if not request.htmx:
        messages.success(request, ngettext(
            "%(count)s request decided.", "%(count)s requests decided.", decided,
        ) % {"count": decided})
        return redirect("members:requests", chapter.slug)
    page = _requests_page(request, chapter)
    return render(request, "members/requests.html#queue",
                  {"chapter": chapter, "page": page, "decided": decided})


# ---------------------------------------------------------------------------------------
# Organizers: member list
# ---------------------------------------------------------------------------------------


def _filtered_members(chapter: Chapter, form: MemberFilterForm):
    # sort_name is the person's display name (members/name_order.py): the order starts on
    # the chapter's index instead of walking every person in name order.
    members = Membership.objects.filter(chapter=chapter, user__isnull=False).select_related(
        "user").order_by("sort_name", "user__email", "pk")
    if form.is_valid():
        if q := form.cleaned_data["q"].strip():
            members = members.filter(Q(user__display_name__icontains=q)
                                     | Q(user__email__icontains=q))
        if status := form.cleaned_data["status"]:
            members = members.filter(status=status)
        if role := form.cleaned_data["role"]:
            members = members.filter(role=role)
    return members


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = _chapter(slug, request.user, may_manage_members)
    form = MemberFilterForm(request.GET)
    paginator = BoundedPaginator(_filtered_members(chapter, form), PAGE_SIZE,
                                 ahead=COUNT_AHEAD, every_row=True)
    page = _labelled(paginator.get_page(request.GET.get("page")), slug=chapter.slug)
    organizers = Membership.objects.organizers().filter(chapter=chapter).count()
    for membership in page.object_list:
        membership.role_changes = services.role_changes(membership, organizers)
    template = "members/members.html#results" if request.htmx else "members/members.html"
    return render(request, template, {
        "chapter": chapter, "form": form, "page": page, "query": request.GET.urlencode(),
        "ACTIVE": MembershipStatus.ACTIVE, "ORGANIZER": MembershipRole.ORGANIZER,
    })


@login_required
@require_POST
def change_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    chapter = _chapter(slug, request.user, may_manage_members)
    membership = _membership(chapter, pk)
    role = request.POST.get("role", "")
    try:
        services.change_role(membership, role, actor=request.user)
        messages.success(request, _("Role changed."))
    except services.TransitionError as error:
        messages.error(request, str(error))
    return redirect("members:members", chapter.slug)


@login_required
def remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    chapter = _chapter(slug, request.user, may_manage_members)
    membership = _membership(chapter, pk)
    form = RemoveForm(request.POST or None)
    context = {"chapter": chapter, "membership": membership, "form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "members/remove.html", context, status=400)
        try:
            services.remove_member(membership, actor=request.user,
                                   reason=form.cleaned_data["reason"],
                                   notify=form.cleaned_data["notify"])
            messages.success(request, _("The member was removed."))
        except services.TransitionError as error:
            messages.error(request, str(error))
        return redirect("members:members", chapter.slug)
    return render(request, "members/remove.html", context)


def _safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@require_POST
def export_members(request: HttpRequest, slug: str) -> HttpResponse:
    """The member list as CSV (filtered like the page); every export is recorded."""
    chapter = _chapter(slug, request.user, may_manage_members)
    rows = list(_filtered_members(chapter, MemberFilterForm(request.POST)))
    services.record_members_export(chapter, actor=request.user, count=len(rows))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{chapter.slug}-members-{timezone.now():%Y-%m-%d}.csv"')
    writer = csv.writer(response)
    writer.writerow([_("Display name"), _("Email"), _("Pronouns"), _("Status"), _("Role"),
                     _("Requested at")])
    for m in rows:
        writer.writerow([_safe_cell(v) for v in (
            m.user.display_name, m.user.email, m.user.pronouns, m.get_status_display(),
            m.get_role_display(), m.requested_at.date().isoformat())])
    return response


@login_required
def counts(request: HttpRequest, slug: str) -> HttpResponse:
    """How many members and requests: numbers only, for Global admins too."""
    chapter = _chapter(slug, request.user, may_see_member_counts)
    by_status = dict(Membership.objects.filter(chapter=chapter).values_list("status")
                     .annotate(n=Count("pk")).values_list("status", "n"))
    rows = [(label, by_status.get(value, 0)) for value, label in MembershipStatus.choices]
    return render(request, "members/counts.html", {"chapter": chapter, "rows": rows})


# ---------------------------------------------------------------------------------------
# Policies
# ---------------------------------------------------------------------------------------


def _edit_policy(request: HttpRequest, chapter: Chapter | None) -> HttpResponse:
    """Edit a chapter's rules (never below the baseline), or the baseline (chapter=None)."""
    baseline_version, own = services.current_versions(chapter)
    if chapter is None:  # the baseline is the policy edited here, with none above it
        baseline_version, own = None, baseline_version
    baseline = rules_of(baseline_version) if baseline_version else None
    form = PolicyForm(request.POST or None, baseline=baseline, initial=policy_initial(own))
    context = {"chapter": chapter, "form": form, "current": own}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.change_policy(chapter, actor=request.user,
                                       note=form.cleaned_data["note"], **form.rules())
            except services.PolicyError as error:
                for problem in error.problems:
                    form.add_error(None, problem)
            else:
                messages.success(request, _("The new rules are saved."))
                if chapter is None:
                    return redirect("members:baseline_policy")
                return redirect("members:policy_review", chapter.slug)
        return render(request, "members/policy.html", context, status=400)
    return render(request, "members/policy.html", context)


@login_required
def edit_policy(request: HttpRequest, slug: str) -> HttpResponse:
    return _edit_policy(request, _chapter(slug, request.user, may_edit_policy))


@login_required
def edit_baseline_policy(request: HttpRequest) -> HttpResponse:
    if not may_edit_policy(request.user, None):
        raise PermissionDenied
    return _edit_policy(request, None)


@login_required
def policy_review(request: HttpRequest, slug: str) -> HttpResponse:
    """Active members who would not meet the current rules, judged from their answers."""
    chapter = _chapter(slug, request.user, may_manage_members)
    rules = services.chapter_rules(chapter)
    failing, unknown = [], []
    for membership in (Membership.objects.active().filter(chapter=chapter, user__isnull=False)
                       .select_related("user").order_by("user__display_name", "pk")):
        decision = eligibility(rules, membership.answers or {})
        if decision.reasons:
            failing.append((membership, decision))
        elif decision.unknown:
            unknown.append((membership, decision))
    return render(request, "members/policy_review.html",
                  {"chapter": chapter, "failing": failing, "unknown": unknown})


@login_required
def policy_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every version of the chapter's rules: what changed, field by field, who and why."""
    from .models import PolicyVersion
    from .policy_history import history

    chapter = _chapter(slug, request.user, may_see_policy_history)
    versions = (PolicyVersion.objects.filter(policy__chapter=chapter)
                .select_related("created_by").order_by("-number")[:200])
    return render(request, "members/policy_history.html", {
        "chapter": chapter, "stories": history(versions),
        "may_edit_policy": may_edit_policy(request.user, chapter),
    })
