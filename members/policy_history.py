"""A policy's history told version by version: what changed, field by field, who changed
it and why. Read by organizers and Global admins (`may_see_policy_history`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import PolicyVersion

RULE_FIELDS = ("exclude_hire_fire", "exclude_owners_executives_investors",
               "allow_supporters", "approval_required")


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class VersionStory:
    version: PolicyVersion
    changes: list[Change] = field(default_factory=list)
    first: bool = False


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _questions(version: PolicyVersion) -> dict[str, bool]:
    """The chapter's own questions as {text: required}, ignoring malformed entries."""
    found = {}
    for question in version.questions or []:
        if isinstance(question, dict) and str(question.get("text", "")).strip():
            found[str(question["text"]).strip()] = bool(question.get("required"))
    return found


def changes_between(before: PolicyVersion | None, after: PolicyVersion) -> list[Change]:
    """What `after` changed compared with `before` (with no `before`: what it set)."""
    changes = []
    for name in RULE_FIELDS:
        old = getattr(before, name) if before else None
        new = getattr(after, name)
        if old != new:
            label = str(PolicyVersion._meta.get_field(name).verbose_name)
            changes.append(Change(label[:1].upper() + label[1:],
                                  "" if old is None else _yes_no(old), _yes_no(new)))
    old_q = _questions(before) if before else {}
    new_q = _questions(after)
    for text in new_q.keys() - old_q.keys():
        changes.append(Change(_("Question added"), "", _question_text(text, new_q[text])))
    for text in old_q.keys() - new_q.keys():
        changes.append(Change(_("Question removed"), _question_text(text, old_q[text]), ""))
    for text in old_q.keys() & new_q.keys():
        if old_q[text] != new_q[text]:
            changes.append(Change(_("Question"), _question_text(text, old_q[text]),
                                  _question_text(text, new_q[text])))
    return changes


def _question_text(text: str, required: bool) -> str:
    return text if required else _("%(question)s (optional)") % {"question": text}


def history(policy_versions) -> list[VersionStory]:
    """Newest first, each version with what it changed from the one before."""
    ordered = sorted(policy_versions, key=lambda v: v.number)
    stories, previous = [], None
    for version in ordered:
        stories.append(VersionStory(version, changes_between(previous, version),
                                    first=previous is None))
        previous = version
    return list(reversed(stories))
