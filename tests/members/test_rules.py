"""The membership rules as plain functions: no request, no database."""

from members.models import PolicyVersion
from members.rules import (
    HIRE_FIRE,
    OWNER_EXECUTIVE_INVESTOR,
    WORKS_IN_TECH,
    Question,
    Rules,
    effective_rules,
    eligibility,
    loosenings,
    needed_questions,
)


def version(**rules) -> PolicyVersion:
    return PolicyVersion(**rules)


def test_a_chapter_cannot_lift_the_baseline_exclusions():
    baseline = version(exclude_owners_executives_investors=True, approval_required=False)
    chapter = version(exclude_owners_executives_investors=False, approval_required=False)
    rules = effective_rules(baseline, chapter)
    assert rules.exclude_owners_executives_investors


def test_a_chapter_adds_restrictions_on_top_of_the_baseline():
    baseline = version(allow_supporters=True, approval_required=False)
    chapter = version(exclude_hire_fire=True, allow_supporters=False, approval_required=True,
                      questions=[{"text": "Sector?", "required": True}])
    rules = effective_rules(baseline, chapter)
    assert rules.exclude_hire_fire
    assert not rules.allow_supporters
    assert rules.approval_required
    assert rules.questions == (Question("Sector?", True),)


def test_supporters_are_welcome_only_if_both_allow_them():
    assert not effective_rules(version(allow_supporters=False),
                               version(allow_supporters=True)).allow_supporters


def test_approval_is_required_if_either_requires_it():
    assert effective_rules(version(approval_required=True),
                           version(approval_required=False)).approval_required


def test_only_the_needed_questions_are_asked():
    assert needed_questions(Rules()) == []
    assert needed_questions(Rules(exclude_hire_fire=True, allow_supporters=False)) == [
        HIRE_FIRE, WORKS_IN_TECH]


def test_someone_who_can_hire_or_fire_is_not_eligible_where_managers_are_excluded():
    decision = eligibility(Rules(exclude_hire_fire=True), {HIRE_FIRE: "yes"})
    assert not decision.eligible
    assert "hire or fire" in decision.reasons[0]
    assert eligibility(Rules(exclude_hire_fire=True), {HIRE_FIRE: "no"}).eligible


def test_managers_may_join_where_the_rule_is_off():
    assert eligibility(Rules(exclude_hire_fire=False), {HIRE_FIRE: "yes"}).eligible


def test_owners_executives_and_investors_are_not_eligible_when_excluded():
    rules = Rules(exclude_owners_executives_investors=True)
    decision = eligibility(rules, {OWNER_EXECUTIVE_INVESTOR: "yes"})
    assert not decision.eligible
    assert "owners, executives or investors" in decision.reasons[0]
    assert eligibility(rules, {OWNER_EXECUTIVE_INVESTOR: "no"}).eligible


def test_supporters_outside_tech_are_not_eligible_where_only_tech_workers_join():
    rules = Rules(allow_supporters=False)
    decision = eligibility(rules, {WORKS_IN_TECH: "no"})
    assert not decision.eligible
    assert "work in tech" in decision.reasons[0]
    assert eligibility(rules, {WORKS_IN_TECH: "yes"}).eligible
    assert eligibility(Rules(allow_supporters=True), {}).eligible


def test_a_missing_required_answer_is_unknown_not_a_refusal():
    rules = Rules(questions=(Question("Sector?", True), Question("Hear?", False)))
    decision = eligibility(rules, {"questions": {"Hear?": "a friend"}})
    assert not decision.eligible
    assert decision.reasons == []
    assert decision.unknown == ["Sector?"]
    assert eligibility(rules, {"questions": {"Sector?": "logistics"}}).eligible


def test_approval_required_is_carried_into_the_decision():
    assert eligibility(Rules(approval_required=True), {}).approval_required
    assert not eligibility(Rules(approval_required=False), {}).approval_required


def test_loosening_the_baseline_is_detected_for_each_rule():
    baseline = Rules(exclude_hire_fire=True, exclude_owners_executives_investors=True,
                     allow_supporters=False, approval_required=True)
    assert len(loosenings(baseline, Rules(approval_required=False))) == 4
    assert loosenings(baseline, baseline) == []
