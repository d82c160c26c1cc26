"""Template tags other apps' pages use to show membership parts (chapter page, /me/)."""

from django import template
from django.utils.translation import gettext as _

from core import pagecache

from ..apps import ORGANIZERS
from ..models import Membership, PolicyVersion
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
    organizers = (Membership.objects.organizers()
                  .filter(chapter=chapter, user__is_active=True)
                  .exclude(user__display_name="")
                  .select_related("user").order_by("user__display_name", "user_id")[:12])
    return {"names": [m.user.display_name for m in organizers]}


@register.inclusion_tag("members/tags/chapter_rules.html", takes_context=True)
def chapter_rules(context, chapter):
    """Who may join this chapter, in plain words, its history, and 'Ask to join'.

    A constant number of queries: the two current versions, the chapter's history, and the
    viewer's own membership.
    """
    user = context.get("user")
    pagecache.depends_on(pagecache.POLICIES)
    rules = effective_rules(*current_versions(chapter))
    history = PolicyVersion.objects.filter(policy__chapter=chapter).order_by("-number")[:20]
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
