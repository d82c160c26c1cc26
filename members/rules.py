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


@dataclass(frozen=True)
class Rule:
    """One yes/no rule: the question that decides it, the answer that fails it, and what the
    page says when it applies and when it does not. The join form, `eligibility` and
    `describe` all read this table, so the page cannot say what the rules do not do."""

    key: str
    field: str  # the field of `Rules` (and of a policy version) that turns the rule on
    on_when: bool  # that field's value when the rule applies
    failing_answer: bool
    reason: Any  # lazy text: why a person who fails it is refused
    refused: Any  # lazy text: the rule in plain words where it applies
    welcome: Any | None  # lazy text where it does not apply (None: nothing to say)

    def applies(self, rules: Rules) -> bool:
        return getattr(rules, self.field) == self.on_when


RULES: tuple[Rule, ...] = (
    Rule(
        OWNER_EXECUTIVE_INVESTOR, "exclude_owners_executives_investors", True, True,
        gettext_lazy("The network does not accept owners, executives or investors of a "
                     "company."),
        gettext_lazy("Owners, executives and investors (such as venture capitalists) "
                     "may not join."),
        None,
    ),
    Rule(
        HIRE_FIRE, "exclude_hire_fire", True, True,
        gettext_lazy("This chapter does not accept people who can hire or fire, "
                     "or decide who is hired or fired."),
        gettext_lazy("People who can hire or fire, or decide who is hired or fired, "
                     "may not join."),
        gettext_lazy("Managers may join, including those who can hire or fire."),
    ),
    Rule(
        WORKS_IN_TECH, "allow_supporters", False, False,
        gettext_lazy("This chapter is open only to people who work in tech."),
        gettext_lazy("Only people who work in tech may join."),
        gettext_lazy("People who do not work in tech but support workers' organizing "
                     "are welcome."),
    ),
)
RULE_BY_KEY = {rule.key: rule for rule in RULES}


def needed_questions(rules: Rules) -> list[str]:
    """The yes/no questions these rules need answered, in the order they are asked."""
    return [rule.key for rule in RULES if rule.applies(rules)]


def failed_rules(answers: dict) -> list[Rule]:
    """The rules these answers would fail wherever they apply (a chapter fits the person
    only if none of them applies there)."""
    return [rule for rule in RULES if _yes_no(answers.get(rule.key)) == rule.failing_answer]


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in ("yes", "no"):
        return value == "yes"
    return None


def eligibility(rules: Rules, answers: dict) -> Decision:
    """Judge one person's answers against the rules, naming each rule they do not meet."""
    reasons, unknown = [], []
    for key in needed_questions(rules):
        rule = RULE_BY_KEY[key]
        value = _yes_no(answers.get(key))
        if value is None:
            unknown.append(str(QUESTION_TEXT[key]))
        elif value == rule.failing_answer:
            reasons.append(str(rule.reason))
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


@dataclass(frozen=True)
class Sentence:
    """One sentence of "Who may join", with what it claims so a test can hold it to the
    rules: an answer to `key` that is `accepted` or not, or (no key) whether an organizer
    reviews requests. Renders as its text."""

    text: str
    key: str | None = None
    answer: bool | None = None
    accepted: bool | None = None
    approval_required: bool | None = None

    def __str__(self) -> str:
        return self.text


def describe(rules: Rules) -> list[Sentence]:
    """The rules in plain words, one sentence each, for the chapter page and the join form."""
    lines = []
    for rule in RULES:
        if rule.applies(rules):
            lines.append(Sentence(str(rule.refused), rule.key, rule.failing_answer, False))
        elif rule.welcome is not None:
            lines.append(Sentence(str(rule.welcome), rule.key, rule.failing_answer, True))
    if rules.approval_required:
        lines.append(Sentence(_("An organizer reviews each request to join."),
                              approval_required=True))
    else:
        lines.append(Sentence(_("Everyone who meets these rules is accepted straight away."),
                              approval_required=False))
    return lines
