"""Template tags other apps' pages use to show membership parts (chapter page, /me/)."""

from django import template
from django.utils.translation import gettext as _

from core import pagecache

from ..apps import ORGANIZERS
from ..models import Membership, MembershipPolicy, PolicyVersion
from ..permissions import (
    is_coach,
    is_global_admin,
    is_organizer,
    may_edit_policy,
    may_manage_members,
    may_see_member_counts,
    organizer_chapter_ids,
)
from ..rules import QUESTION_TEXT, describe, effective_rules
from ..services import current_versions

register = template.Library()


@register.inclusion_tag("members/tags/chapter_organizers.html")
def chapter_organizers(chapter):
    """The chapter's organizers by the names they chose (never an address); those without a
    display name are not listed. One query."""
    pagecache.depends_on(ORGANIZERS)
    names = (Membership.objects.organizers()
             .filter(chapter=chapter, user__is_active=True)
             .exclude(user__display_name="")
             .order_by("user__display_name", "user_id")
             .values_list("user__display_name", flat=True)[:12])
    return {"names": list(names)}


@register.inclusion_tag("members/tags/chapter_rules.html", takes_context=True)
def chapter_rules(context, chapter):
    """Who may join this chapter, in plain words, its history, and 'Ask to join'.

    A constant number of queries: the two current versions and the chapter's history (none
    on its page, see `_versions_for_page`), and the viewer's own membership.
    """
    user = context.get("user")
    pagecache.depends_on(pagecache.POLICIES)
    baseline, own, history = _versions_for_page(chapter)
    rules = effective_rules(baseline, own)
    membership = None
    if user is not None and user.is_authenticated:
        membership = Membership.objects.filter(chapter=chapter, user=user).first()
    return {
        "chapter": chapter, "request": context.get("request"), "user": user,
        "rules": describe(rules), "questions": rules.questions, "history": history,
        "membership": membership,
        "may_manage": may_manage_members(user, chapter) if user else False,
        "may_edit_policy": may_edit_policy(user, chapter) if user else False,
        "may_see_counts": may_see_member_counts(user, chapter) if user else False,
    }


HISTORY = 20  # versions of a chapter's rules listed on its page


def _versions_for_page(chapter) -> tuple[PolicyVersion | None, PolicyVersion | None, list]:
    """The baseline's and the chapter's current policy versions, and the chapter's latest
    versions, newest first.

    The chapter's current one comes with it when its page read it along
    (`members.apps.with_policy`); the baseline's is then kept in this process until a policy
    changes (it is the same on every chapter page), and a current version numbered 1 is the
    whole history (versions are numbered from 1 and `adopt_policy_version` makes each new
    one current), so most chapter pages make no query here.
    """
    if not type(chapter).policy.is_cached(chapter):
        baseline, own = current_versions(chapter)
        return baseline, own, list(PolicyVersion.objects.filter(policy__chapter=chapter)
                                   .order_by("-number")[:HISTORY])
    baseline = pagecache.remember("baseline policy version", [pagecache.POLICIES],
                                  lambda: current_versions(None)[0])
    try:
        policy = chapter.policy
    except MembershipPolicy.DoesNotExist:
        return baseline, None, []
    own = policy.current_version
    if own is not None and own.number == 1:
        return baseline, own, [own]
    return baseline, own, list(PolicyVersion.objects.filter(policy_id=policy.pk)
                               .order_by("-number")[:HISTORY])


def answer_texts() -> tuple[dict[str, str], dict[str, str]]:
    """The rule questions and yes/no in the current language, translated once: a review
    queue shows them on every row."""
    return ({key: str(text) for key, text in QUESTION_TEXT.items()},
            {"yes": _("Yes"), "no": _("No")})


@register.filter
def answer_lines(answers, texts=None) -> list[tuple[str, str]]:
    """A join request's answers as (question in plain words, answer) pairs (`texts`:
    `answer_texts()` asked once for many rows)."""
    if not isinstance(answers, dict):
        return []
    questions_text, yes_no = texts or answer_texts()
    lines = [(questions_text[key], str(yes_no.get(answers[key], answers[key])))
             for key in questions_text if key in answers]
    questions = answers.get("questions") or {}
    if isinstance(questions, dict):
        lines += [(str(q), str(a) or "-") for q, a in questions.items()]
    return lines


@register.inclusion_tag("members/tags/role_links.html", takes_context=True)
def role_links(context):
    """The menu's way to a person's tools: "Your chapters" for organizers, "The program"
    for coaches and Global admins (one query, for organizers, per signed-in page)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {}
    return {"organizes": bool(organizer_chapter_ids(user)),
            "in_program": is_coach(user) or is_global_admin(user)}


@register.inclusion_tag("members/tags/organizer_panel.html", takes_context=True)
def organizer_panel(context, chapter):
    """On a chapter's page, to its organizers: "You organize this chapter", and the way to
    its requests, members, sessions and rules. Nothing for anyone else."""
    user = context.get("user")
    if user is None or not user.is_authenticated or not is_organizer(user, chapter):
        return {}
    from ..models import Membership

    waiting = Membership.objects.pending().filter(chapter=chapter, user__isnull=False).count()
    return {"chapter": chapter, "organizes": True, "waiting": waiting}
