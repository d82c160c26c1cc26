"""Who may join a chapter: plain functions, testable without a request.

A chapter's rules sit on top of the network baseline. A chapter may add restrictions and
never lift the baseline's: exclusions are OR-ed, supporters are welcome only if both allow
them, approval is required if either requires it, and both sets of questions are asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from .models import PolicyVersion

# Keys of the answers a rule needs, with the plain-words question asked for each.
HIRE_FIRE = "hire_fire"
OWNER_EXECUTIVE_INVESTOR = "owner_executive_investor"
WORKS_IN_TECH = "works_in_tech"

QUESTION_TEXT = {
    HIRE_FIRE: gettext_lazy(
        "Can you hire or fire people, or decide who is hired or fired?"),
    OWNER_EXECUTIVE_INVESTOR: gettext_lazy(
        "Are you an owner, executive or investor (for example a venture capitalist) "
        "of a company?"),
    WORKS_IN_TECH: gettext_lazy("Do you work in tech?"),
}


@dataclass(frozen=True)
class Question:
    """One of a chapter's own questions: free text, for organizers to read."""

    text: str
    required: bool = False


@dataclass(frozen=True)
class Rules:
    exclude_hire_fire: bool = False
    exclude_owners_executives_investors: bool = False
    allow_supporters: bool = True
    approval_required: bool = True
    questions: tuple[Question, ...] = ()


@dataclass
class Decision:
    """The outcome of judging answers against rules.

    `unknown` lists the needed answers that are missing: the person cannot be judged yet.
    """

    eligible: bool
    reasons: list[str] = field(default_factory=list)
    approval_required: bool = True
    unknown: list[str] = field(default_factory=list)


def clean_questions(raw: Any) -> tuple[Question, ...]:
    """Questions as stored in a policy version's JSON, tolerant of odd shapes."""
    questions = []
    for item in raw or []:
        if isinstance(item, dict) and str(item.get("text", "")).strip():
            questions.append(Question(str(item["text"]).strip(), bool(item.get("required"))))
    return tuple(questions)


def rules_of(version: PolicyVersion | None) -> Rules:
    """The rules one policy version states on its own (no version: no restriction)."""
    if version is None:
        return Rules(approval_required=False)
    return Rules(
        exclude_hire_fire=version.exclude_hire_fire,
        exclude_owners_executives_investors=version.exclude_owners_executives_investors,
        allow_supporters=version.allow_supporters,
        approval_required=version.approval_required,
        questions=clean_questions(version.questions),
    )


def combine(baseline: Rules, chapter: Rules) -> Rules:
    """The stricter of the two on every rule; questions from both, baseline's first."""
    questions = list(baseline.questions)
    questions += [q for q in chapter.questions if q.text not in {b.text for b in questions}]
    return Rules(
        exclude_hire_fire=baseline.exclude_hire_fire or chapter.exclude_hire_fire,
        exclude_owners_executives_investors=(
            baseline.exclude_owners_executives_investors
            or chapter.exclude_owners_executives_investors),
        allow_supporters=baseline.allow_supporters and chapter.allow_supporters,
        approval_required=baseline.approval_required or chapter.approval_required,
        questions=tuple(questions),
    )


def effective_rules(baseline_version: PolicyVersion | None,
                    chapter_version: PolicyVersion | None) -> Rules:
    """The rules a join request to a chapter is judged under."""
    chapter_rules = rules_of(chapter_version)
    if baseline_version is None:
        return chapter_rules
    return combine(rules_of(baseline_version), chapter_rules)


def needed_questions(rules: Rules) -> list[str]:
    """The yes/no questions these rules need answered, in the order they are asked."""
    needed = []
    if rules.exclude_hire_fire:
        needed.append(HIRE_FIRE)
    if rules.exclude_owners_executives_investors:
        needed.append(OWNER_EXECUTIVE_INVESTOR)
    if not rules.allow_supporters:
        needed.append(WORKS_IN_TECH)
    return needed


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in ("yes", "no"):
        return value == "yes"
    return None


def eligibility(rules: Rules, answers: dict) -> Decision:
    """Judge one person's answers against the rules, naming each rule they do not meet."""
    reasons, unknown = [], []
    checks = {
        HIRE_FIRE: (True, _("This chapter does not accept people who can hire or fire, "
                            "or decide who is hired or fired.")),
        OWNER_EXECUTIVE_INVESTOR: (True, _("The network does not accept owners, executives "
                                           "or investors of a company.")),
        WORKS_IN_TECH: (False, _("This chapter is open only to people who work in tech.")),
    }
    for key in needed_questions(rules):
        value = _yes_no(answers.get(key))
        failing_value, reason = checks[key]
        if value is None:
            unknown.append(str(QUESTION_TEXT[key]))
        elif value == failing_value:
            reasons.append(reason)
    given = answers.get("questions") or {}
    for question in rules.questions:
        if question.required and not str(given.get(question.text, "")).strip():
            unknown.append(question.text)
    return Decision(
        eligible=not reasons and not unknown,
        reasons=reasons,
        approval_required=rules.approval_required,
        unknown=unknown,
    )


def loosenings(baseline: Rules, proposed: Rules) -> list[str]:
    """The ways `proposed` would lift a baseline restriction (empty: it does not)."""
    problems = []
    if baseline.exclude_hire_fire and not proposed.exclude_hire_fire:
        problems.append(_("The network excludes people who can hire or fire."))
    if (baseline.exclude_owners_executives_investors
            and not proposed.exclude_owners_executives_investors):
        problems.append(_("The network excludes owners, executives and investors."))
    if not baseline.allow_supporters and proposed.allow_supporters:
        problems.append(_("The network is open only to people who work in tech."))
    if baseline.approval_required and not proposed.approval_required:
        problems.append(_("The network requires an organizer's approval."))
    return problems


def describe(rules: Rules) -> list[str]:
    """The rules in plain words, one sentence each, for the chapter page."""
    lines = []
    if rules.exclude_owners_executives_investors:
        lines.append(_("Owners, executives and investors (such as venture capitalists) "
                       "may not join."))
    if rules.exclude_hire_fire:
        lines.append(_("People who can hire or fire, or decide who is hired or fired, "
                       "may not join."))
    else:
        lines.append(_("Managers without the power to hire or fire may join."))
    if rules.allow_supporters:
        lines.append(_("People who do not work in tech but support workers' organizing "
                       "are welcome."))
    else:
        lines.append(_("Only people who work in tech may join."))
    if rules.approval_required:
        lines.append(_("An organizer reviews each request to join."))
    else:
        lines.append(_("Everyone who meets these rules is accepted straight away."))
    return lines
