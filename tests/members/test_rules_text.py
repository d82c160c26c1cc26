"""What "Who may join" says is what the rules do: every sentence against `eligibility`, for
every combination of rule fields, and the same sentences and questions on the pages."""

import itertools

import pytest
from django.urls import reverse
from django.utils import translation

from members.forms import JoinForm
from members.rules import (
    HIRE_FIRE,
    OWNER_EXECUTIVE_INVESTOR,
    QUESTION_TEXT,
    WORKS_IN_TECH,
    Question,
    Rules,
    describe,
    eligibility,
    needed_questions,
)
from members.services import adopt_policy_version, chapter_rules
from tests import factories
from tests.conftest import signed_in

KEYS = (HIRE_FIRE, OWNER_EXECUTIVE_INVESTOR, WORKS_IN_TECH)
QUESTION_SETS = ((), (Question("Which sector?", required=True),),
                 (Question("How did you hear about us?"),))


def every_rules():
    for hire_fire, owners, supporters, approval, questions in itertools.product(
            (False, True), (False, True), (False, True), (False, True), QUESTION_SETS):
        yield Rules(exclude_hire_fire=hire_fire, exclude_owners_executives_investors=owners,
                    allow_supporters=supporters, approval_required=approval,
                    questions=questions)


def every_answers(rules):
    """Every yes/no answer to every question, with the chapter's own questions answered."""
    own = {q.text: "an answer" for q in rules.questions}
    for values in itertools.product((True, False), repeat=len(KEYS)):
        answers = dict(zip(KEYS, values, strict=True))
        yield answers, {**{k: "yes" if v else "no" for k, v in answers.items()},
                        "questions": own}


@pytest.mark.parametrize("rules", list(every_rules()), ids=str)
def test_every_sentence_is_what_eligibility_decides(rules):
    sentences = describe(rules)
    for answers, form_answers in every_answers(rules):
        decision = eligibility(rules, form_answers)
        for sentence in sentences:
            if sentence.key is not None and answers[sentence.key] == sentence.answer:
                # A sentence that says this answer is refused: it is. One that says it is
                # welcome: it is, unless another sentence refuses another of the answers.
                if not sentence.accepted:
                    assert not decision.eligible, (sentence.text, answers)
            if sentence.approval_required is not None:
                assert sentence.approval_required == decision.approval_required
        refusing = [s for s in sentences if s.key is not None and not s.accepted
                    and answers[s.key] == s.answer]
        # Nobody is refused without a sentence that said so, and nobody a sentence refuses
        # is accepted.
        assert decision.eligible == (not refusing), (rules, answers, decision.reasons)
        welcoming = [s for s in sentences if s.accepted and answers[s.key] == s.answer]
        if welcoming and not refusing:
            assert decision.eligible
    assert sum(s.approval_required is not None for s in sentences) == 1


@pytest.mark.parametrize("rules", list(every_rules()), ids=str)
def test_the_form_asks_exactly_the_questions_eligibility_reads(rules):
    form = JoinForm(rules=rules)
    asked = [name for name in form.fields if name in KEYS]  # in the order asked
    assert asked == needed_questions(rules)
    base = {"questions": {q.text: "an answer" for q in rules.questions},
            **{key: "no" if key != WORKS_IN_TECH else "yes" for key in KEYS}}
    for key in KEYS:
        flipped = {**base, key: "yes" if base[key] == "no" else "no"}
        # A question that is not asked never changes the outcome.
        if key not in asked:
            assert eligibility(rules, flipped).eligible == eligibility(rules, base).eligible
        else:
            assert not eligibility(rules, flipped).eligible


def test_default_rules_never_read_as_barring_managers_who_can_hire_or_fire():
    with translation.override("en"):
        text = " ".join(str(s) for s in describe(Rules()))
    assert "without the power" not in text
    assert "including those who can hire or fire" in text
    assert eligibility(Rules(), {HIRE_FIRE: "yes"}).eligible


@pytest.mark.parametrize("language", ["en", "it", "de", "fr", "es"])
@pytest.mark.parametrize("hire_fire,supporters,approval",
                         list(itertools.product((False, True), repeat=3)))
def test_chapter_page_and_join_form_show_the_same_rules(chapter_a, language, hire_fire,
                                                         supporters, approval):
    adopt_policy_version(chapter_a, actor=None, note="x", exclude_hire_fire=hire_fire,
                         allow_supporters=supporters, approval_required=approval)
    rules = chapter_rules(chapter_a)  # with the network baseline on top
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    page = signed_in(factories.make_user(display_name="Nina", work_kind="qa"))
    chapter = page.get(chapter_a.get_absolute_url(), **headers).content.decode()
    join = page.get(reverse("members:join", args=[chapter_a.slug]), **headers).content.decode()
    with translation.override(language):
        sentences = [str(s) for s in describe(rules)]
        questions = {key: str(QUESTION_TEXT[key]) for key in KEYS}
    for sentence in sentences:
        assert sentence in chapter.replace("&#x27;", "'")
        assert sentence in join.replace("&#x27;", "'")
    for key in KEYS:
        assert (f'name="{key}"' in join) == (key in needed_questions(rules))
        assert (questions[key] in join.replace("&#x27;", "'")) == (
            key in needed_questions(rules))
