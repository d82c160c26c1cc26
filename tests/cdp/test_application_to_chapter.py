"""From application to a living chapter: what the group reads after applying, the form on
a phone, who sees the applicants' addresses, the coach's own milestones, and the launch."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from cdp import services
from cdp.enums import ApplicationState as S
from cdp.models import Application, ApplicationEvent, MilestoneProgress
from chapters.models import Chapter
from tests import factories
from tests.factories import make_application, make_milestone, make_place, verify_all
from tests.tasks import run_queued_tasks

URL = reverse("cdp:apply")


def _give_mfa(user) -> None:
    """A second factor, as organizers must have (tests.factories.make_user(mfa=True))."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, factories.TOTP_SECRET)
    assert Authenticator.objects.filter(user=user).exists()


def detail(application):
    return reverse("cdp:detail", args=[application.pk])


@pytest.fixture
def lisbon(db):
    """A place by a name no real city has: the whole gazetteer may be loaded."""
    return make_place("Zembla")


def _form(**overrides) -> dict:
    data = {"proposed_name": "TWC Lisbon", "kind": "local", "city": "Zembla",
            "core_group_size": "3", "why": "We want to organize.", "action": "submit"}
    data.update(overrides)
    return data


# After applying -------------------------------------------------------------------------


def test_after_applying_the_page_leads_with_what_happens_next(applicant, as_user, lisbon,
                                                               baseline):
    response = as_user(applicant).post(URL, _form(), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    main = html[html.index("<main"):]
    # What happens next comes before the facts, the milestones and the history.
    assert main.index("What happens next") < main.index('class="cdp-facts"')
    assert "A Global admin of" in main and "writes to you by email" in main
    # Withdrawing is offered apart, folded away, and not as the page's main button.
    withdraw = main[main.index('<details class="cdp-withdraw">'):]
    assert 'value="withdrawn"' in withdraw
    assert main.count('value="withdrawn"') == 1


def test_in_the_program_the_applicant_reads_who_will_contact_the_group(in_program, applicant,
                                                                      coach, as_user):
    coach.display_name = "Rosa"
    coach.save()
    html = as_user(applicant).get(detail(in_program)).content.decode()
    assert "Your coach, Rosa, contacts you by email to arrange an intro call." in html


def test_the_reviewers_note_is_shown_when_changes_are_requested(applicant, admin_user, lisbon,
                                                                as_user):
    application = make_application(applicant, place=lisbon, state=S.IN_REVIEW)
    services.request_changes(application, actor=admin_user, note="Say more about the sectors.")
    html = as_user(applicant).get(detail(application)).content.decode()
    next_steps = html[html.index("What happens next"):html.index('class="cdp-facts"')]
    assert "Say more about the sectors." in next_steps
    assert reverse("cdp:edit", args=[application.pk]) in next_steps


def test_coach_and_admin_see_no_what_happens_next_meant_for_applicants(in_program, coach,
                                                                       admin_user, as_user):
    for person in (coach, admin_user):
        assert "What happens next" not in as_user(person).get(detail(in_program)).content.decode()


# The form ------------------------------------------------------------------------------


def test_network_wide_rules_are_shown_as_fixed_not_as_boxes(applicant, as_user, baseline, lisbon):
    html = as_user(applicant).get(URL).content.decode()
    assert 'name="exclude_owners_executives_investors"' not in html
    fixed = html[html.index('class="cdp-fixed-rules"'):]
    assert "Exclude owners, executives and investors" in fixed[:fixed.index("</div>")]
    assert 'name="exclude_hire_fire"' in html  # a chapter may still add this one
    # Whatever is posted, the application keeps the network's rule.
    as_user(applicant).post(URL, _form(exclude_owners_executives_investors=""))
    assert Application.objects.get().exclude_owners_executives_investors is True


def test_without_a_baseline_rule_the_group_decides_it(applicant, as_user, db, lisbon):
    factories.make_policy(None, exclude_owners_executives_investors=False,
                          approval_required=False)
    html = as_user(applicant).get(URL).content.decode()
    assert 'name="exclude_owners_executives_investors"' in html
    assert 'class="cdp-fixed-rules"' not in html


def test_languages_are_checkboxes_and_the_country_is_chosen_by_name(applicant, as_user, db):
    html = as_user(applicant).get(URL).content.decode()
    assert re.search(r'<input type="checkbox" name="languages" value="pt"[^>]*>', html)
    assert "data-filter-list" in html  # app.js adds a filter box; the list works without it
    assert re.search(r'<option value="CA">Canada</option>', html)
    assert 'name="languages" multiple' not in html


def test_the_city_comes_from_the_directory_search_that_led_here(applicant, as_user, db):
    html = as_user(applicant).get(URL + "?city=Reykjav%C3%ADk&country=is").content.decode()
    assert 'value="Reykjavík"' in html
    assert '<option value="IS" selected>' in html
    # Garbage is ignored, never a 500; a NUL byte is refused before any view (400).
    assert as_user(applicant).get(URL + "?city=x" + "y" * 300 + "&country=1234").status_code == 200
    assert as_user(applicant).get(URL + "?city=%00x&country=IS").status_code == 400


def test_a_person_without_a_display_name_is_asked_for_one(as_user, lisbon, baseline):
    nameless = factories.make_user("nameless@example.org")
    html = as_user(nameless).get(URL).content.decode()
    assert 'name="display_name"' in html
    as_user(nameless).post(URL, _form(display_name="Tomás"))
    nameless.refresh_from_db()
    assert nameless.display_name == "Tomás"


def test_a_person_with_a_display_name_is_not_asked_again(applicant, as_user, lisbon, baseline):
    assert 'name="display_name"' not in as_user(applicant).get(URL).content.decode()
    as_user(applicant).post(URL, _form(display_name="Someone else"))
    applicant.refresh_from_db()
    assert applicant.display_name == "Ines"


def test_the_page_details_are_saved_with_the_application(applicant, as_user, lisbon, baseline):
    as_user(applicant).post(URL, _form(description="We meet and organize.",
                                       contact_email="lisbon@example.org",
                                       meeting_frequency="Monthly", languages=["pt", "en"]))
    application = Application.objects.get()
    assert (application.description, application.contact_email,
            application.meeting_frequency, application.languages) == (
        "We meet and organize.", "lisbon@example.org", "Monthly", ["pt", "en"])


# Who applied, and how to reach them ------------------------------------------------------


def test_coach_and_admins_see_who_applied_and_their_addresses(in_program, applicant, coach,
                                                              admin_user, as_user):
    for person in (coach, admin_user):
        html = as_user(person).get(detail(in_program)).content.decode()
        assert "Who applied and how to reach them" in html
        assert 'href="mailto:applicant@example.org"' in html


def test_applicants_do_not_see_each_others_addresses(in_program, applicant, other_applicant,
                                                     as_user):
    services.invite(in_program, [other_applicant.email], actor=applicant)
    html = as_user(other_applicant).get(detail(in_program)).content.decode()
    assert "Who applied and how to reach them" not in html
    assert "applicant@example.org" not in html.replace(other_applicant.email, "")


def test_the_review_queue_names_who_applied_never_their_addresses(in_program, admin_user,
                                                                 as_user):
    html = as_user(admin_user).get(reverse("cdp:review")).content.decode()
    row = html[html.index(detail(in_program)):]
    assert "Ines" in row[:row.index("</tr>")]
    assert "applicant@example.org" not in html


def test_a_coach_of_another_application_sees_nothing(in_program, other_coach, as_user):
    assert as_user(other_coach).get(detail(in_program)).status_code == 404


# Coach, milestones, history ------------------------------------------------------------


@pytest.fixture
def intro_call(db):
    return make_milestone("Intro call with a coach", order=0, run_by_coach=True)


def test_the_coach_records_the_intro_call_she_ran(in_program, coach, intro_call, as_user):
    page = as_user(coach).get(detail(in_program)).content.decode()
    url = reverse("cdp:milestone_verify", args=[in_program.pk, intro_call.pk])
    assert url in page  # her Verify button, though nobody marked it done
    assert as_user(coach).post(url).status_code == 302
    progress = MilestoneProgress.objects.get(application=in_program, milestone=intro_call)
    assert progress.done_at and progress.verified_at and progress.verified_by == coach


def test_applicants_cannot_mark_the_coachs_milestone_done(in_program, applicant, intro_call,
                                                         as_user):
    page = as_user(applicant).get(detail(in_program)).content.decode()
    assert reverse("cdp:milestone_done", args=[in_program.pk, intro_call.pk]) not in page
    response = as_user(applicant).post(
        reverse("cdp:milestone_done", args=[in_program.pk, intro_call.pk]), {"note": "x"})
    assert response.status_code == 400
    assert not MilestoneProgress.objects.filter(milestone=intro_call).exists()


def test_others_cannot_record_the_intro_call(in_program, admin_user, applicant, other_coach,
                                            intro_call, as_user):
    url = reverse("cdp:milestone_verify", args=[in_program.pk, intro_call.pk])
    assert as_user(admin_user).post(url).status_code == 403
    assert as_user(applicant).post(url).status_code == 403
    assert as_user(other_coach).post(url).status_code == 404
    assert not MilestoneProgress.objects.filter(milestone=intro_call).exists()


def test_the_coach_is_emailed_when_applicants_mark_a_milestone_done(in_program, applicant,
                                                                   coach, as_user):
    milestone = make_milestone("A core group")
    run_queued_tasks()
    mail.outbox.clear()
    as_user(applicant).post(reverse("cdp:milestone_done", args=[in_program.pk, milestone.pk]),
                            {"note": "Five of us."})
    run_queued_tasks()
    to_coach = [m for m in mail.outbox if m.to == [coach.email]]
    assert len(to_coach) == 1
    assert "A core group" in to_coach[0].subject
    assert f"/program/applications/{in_program.pk}/" in to_coach[0].body


def test_no_coach_no_email(applicant, lisbon, as_user, baseline):
    application = make_application(applicant, place=lisbon, state=S.IN_PROGRAM)
    milestone = make_milestone()
    services.mark_done(application, milestone, actor=applicant, note="")
    run_queued_tasks()
    assert not [m for m in mail.outbox if "verify" in m.subject]


def test_assigning_a_coach_is_in_the_history(application, admin_user, other_coach, as_user):
    other_coach.display_name = "Marta"
    other_coach.save()
    as_user(admin_user).post(reverse("cdp:assign_coach", args=[application.pk]),
                             {"coach": other_coach.pk})
    event = ApplicationEvent.objects.get(application=application, coach__isnull=False)
    assert (event.coach, event.actor, event.to_state) == (other_coach, admin_user, S.SUBMITTED)
    html = as_user(admin_user).get(detail(application)).content.decode()
    history = html[html.index('id="history-heading"'):]
    assert "Coach assigned: Marta" in history


def test_the_assignment_stays_in_the_history_when_the_coach_deletes_her_account(
        application, admin_user, other_coach, as_user):
    services.assign_coach(application, other_coach, actor=admin_user)
    other_coach.delete()
    html = as_user(admin_user).get(detail(application)).content.decode()
    assert "Coach assigned: someone" in html[html.index('id="history-heading"'):]


def test_decline_looks_different_from_admit(applicant, admin_user, lisbon, as_user):
    application = make_application(applicant, place=lisbon, state=S.IN_REVIEW)
    html = as_user(admin_user).get(detail(application)).content.decode()
    admit = re.search(r'<button type="submit" name="to_state" value="in_program"([^>]*)>', html)
    decline = re.search(r'<button type="submit" name="to_state" value="declined"([^>]*)>', html)
    assert admit.group(1) == "" and 'class="button-danger"' in decline.group(1)


# Page details, asked for while in the program -------------------------------------------


def test_missing_page_details_are_asked_for_in_the_program(in_program, applicant, as_user):
    html = as_user(applicant).get(detail(in_program)).content.decode()
    assert "Still missing:" in html and "a description" in html
    response = as_user(applicant).post(
        reverse("cdp:page_details", args=[in_program.pk]),
        {"description": "Who we are.", "contact_email": "lisbon@example.org",
         "meeting_frequency": "Weekly", "languages": ["pt"]})
    assert response.status_code == 302
    in_program.refresh_from_db()
    assert services.missing_page_details(in_program) == []
    assert "Still missing:" not in as_user(applicant).get(detail(in_program)).content.decode()


def test_a_bad_contact_address_keeps_what_was_typed(in_program, applicant, as_user):
    response = as_user(applicant).post(
        reverse("cdp:page_details", args=[in_program.pk]),
        {"description": "Kept text.", "contact_email": "not an address"})
    assert response.status_code == 400
    assert "Kept text." in response.content.decode()


def test_page_details_refusals(in_program, coach, carol, as_user, applicant):
    url = reverse("cdp:page_details", args=[in_program.pk])
    assert as_user(coach).get(url).status_code == 403
    assert as_user(carol).get(url).status_code == 404
    in_program.state = S.WITHDRAWN
    in_program.save()
    assert as_user(applicant).post(url, {"description": "x"}).status_code == 403


# The launch ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "slug"), [
    ("TWC Toronto", "toronto"), ("twc toronto", "toronto"), ("TWC-Toronto", "toronto"),
    ("Tech Workers Coalition Toronto", "toronto"), ("Toronto Tech Workers", "toronto-tech-workers"),
    ("TWC", "twc"), ("TWCToronto", "twctoronto"),
])
def test_the_slug_has_no_network_prefix(name, slug, db):
    assert services.chapter_slug(name) == slug


def test_a_launch_makes_a_complete_chapter_page(applicant, coach, admin_user, baseline, client,
                                               as_user):
    toronto = make_place("Toronto", "CA", 43.7, -79.42, "America/Toronto")
    application = make_application(
        applicant, place=toronto, coach=coach, state=S.IN_PROGRAM, proposed_name="TWC Toronto",
        description="Tech workers in Toronto organizing together.",
        contact_email="toronto@example.org", meeting_frequency="Every other Thursday",
        languages=["en", "fr"])
    co = factories.make_user("co@example.org", display_name="Kofi")
    services.invite(application, [co.email], actor=applicant)
    verify_all(application, coach)
    chapter = services.launch(application, actor=admin_user)
    assert chapter.get_absolute_url() == "/chapters/toronto/"
    assert (chapter.description, chapter.email, chapter.meeting_frequency, chapter.languages) == (
        "Tech workers in Toronto organizing together.", "toronto@example.org",
        "Every other Thursday", ["en", "fr"])
    assert chapter.missing_essentials() == []
    html = client.get("/chapters/toronto/").content.decode()
    assert "Tech workers in Toronto organizing together." in html
    assert 'href="mailto:toronto@example.org"' in html
    assert "Every other Thursday" in html
    assert "Organizers: Ines, Kofi" in html
    assert "applicant@example.org" not in html and "co@example.org" not in html
    # Its new organizers (with a second factor) may edit it, and see no checklist.
    _give_mfa(applicant)
    organizer_html = as_user(applicant).get("/chapters/toronto/").content.decode()
    assert "Edit this page" in organizer_html
    assert "Your page still needs" not in organizer_html


def test_the_launch_form_says_what_the_page_will_lack(in_program, admin_user, as_user):
    html = as_user(admin_user).get(detail(in_program)).content.decode()
    launch = html[html.index('id="launch-heading"'):]
    assert "a contact email" in launch[:launch.index("</section>")]


def test_a_launched_chapter_missing_essentials_shows_its_organizers_a_checklist(
        in_program, applicant, admin_user, as_user, client, carol):
    chapter = services.launch(in_program, actor=admin_user, override_reason="Ready.")
    _give_mfa(applicant)
    url = chapter.get_absolute_url()
    organizer_html = as_user(applicant).get(url).content.decode()
    checklist = organizer_html[organizer_html.index("Your page still needs"):]
    for item in ("A description", "A way to reach the chapter", "How often the chapter meets",
                 "The languages the chapter uses"):
        assert item in checklist[:checklist.index("</section>")]
    for html in (client.get(url).content.decode(), as_user(carol).get(url).content.decode()):
        assert "Your page still needs" not in html
    assert Chapter.objects.get(pk=chapter.pk).missing_essentials() == [
        "description", "contact", "meeting_frequency", "languages"]
