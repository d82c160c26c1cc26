"""Demo program: the network's milestones, a few resources, applications at several stages.

Idempotent: milestones and resources are keyed by title, applications by proposed name.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.utils import timezone

from chapters.geo import fold
from chapters.models import Place, PlaceName
from members.models import User

from .enums import ApplicationState as S
from .models import (
    Application,
    ApplicationApplicant,
    ApplicationEvent,
    CoachingNote,
    Milestone,
    MilestoneProgress,
    TrainingResource,
)

RESOURCES = [
    ("Organizing 101: talking with coworkers", "https://example.org/organizing-101", "en"),
    ("Writing your chapter's membership rules", "https://example.org/membership-rules", "en"),
    ("Running a first public meeting", "https://example.org/first-meeting", "en"),
    ("Sicurezza e privacy per chi organizza", "https://example.org/sicurezza", "it"),
]

MILESTONES = [
    # order, title, description, required, resource titles
    (1, "Intro call with a coach", "Meet your coach and talk about your goals.", True, []),
    (2, "A core group of at least three", "Three or more people commit to organizing together.",
     True, ["Organizing 101: talking with coworkers"]),
    (3, "Membership rules adopted", "Decide who may join your chapter.", True,
     ["Writing your chapter's membership rules"]),
    (4, "Communication channels set up", "A safe group chat and an email address.", True,
     ["Sicurezza e privacy per chi organizza"]),
    (5, "A first public meeting", "Invite coworkers and the public to meet the group.", True,
     ["Running a first public meeting"]),
    (6, "A first onboarding session", "Welcome newcomers and explain how to take part.", False,
     []),
]

PLACES = [
    # GeoNames id, name, country, latitude, longitude, time zone, population
    (2267057, "Lisbon", "PT", 38.71667, -9.13333, "Europe/Lisbon", 517802),
    (184745, "Nairobi", "KE", -1.28333, 36.81667, "Africa/Nairobi", 2750547),
    (2964574, "Dublin", "IE", 53.33306, -6.24889, "Europe/Dublin", 1024027),
    (6167865, "Toronto", "CA", 43.70011, -79.4163, "America/Toronto", 2600000),
]

APPLICATIONS = [
    # proposed name, applicant email, display name, place id, state, path, sectors
    ("TWC Lisbon", "applicant.lisbon@example.org", "Inês", 2267057, S.SUBMITTED,
     [S.SUBMITTED], "Support staff and content moderators at outsourcing firms"),
    ("TWC Nairobi", "applicant.nairobi@example.org", "Wanjiru", 184745, S.IN_REVIEW,
     [S.SUBMITTED, S.IN_REVIEW], "Data workers and labellers"),
    ("TWC Dublin", "applicant.dublin@example.org", "Aoife", 2964574, S.CHANGES_REQUESTED,
     [S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED], "Customer service and QA"),
    ("TWC Toronto", "applicant.toronto@example.org", "Priya", 6167865, S.IN_PROGRAM,
     [S.SUBMITTED, S.IN_REVIEW, S.IN_PROGRAM], "Programmers, designers and riders"),
]

# Steps the coach runs and records herself (the group does not mark them done).
RUN_BY_COACH = {"Intro call with a coach"}

# What the launched chapter's page will say (Toronto leaves out its contact: the program
# asks for it before launch).
PAGE_DETAILS = {
    "TWC Toronto": {"description": "Tech workers in Toronto organizing together: programmers, "
                                   "designers and delivery riders. Newcomers welcome.",
                    "meeting_frequency": "Every other Thursday evening"},
}

NOTES = {
    S.CHANGES_REQUESTED: "Please say more about the workplaces involved.",
}


def _place(pid, name, country, lat, lon, tz, population) -> Place:
    place, _ = Place.objects.get_or_create(id=pid, defaults={
        "name": name, "country_code": country, "latitude": lat, "longitude": lon,
        "timezone": tz, "population": population})
    PlaceName.objects.get_or_create(place=place, key=fold(name),
                                    defaults={"is_primary": True})
    return place


def _person(email: str, name: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"display_name": name})
    if created:
        user.set_unusable_password()
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email,
                                       defaults={"verified": True, "primary": True})
    return user


def load() -> None:
    resources = {}
    for title, url, language in RESOURCES:
        resources[title], _ = TrainingResource.objects.get_or_create(
            title=title, defaults={"url": url, "language": language})
    milestones = []
    for order, title, description, required, resource_titles in MILESTONES:
        milestone, _ = Milestone.objects.get_or_create(title=title, defaults={
            "order": order, "description": description, "required": required,
            "run_by_coach": title in RUN_BY_COACH})
        milestone.resources.add(*(resources[t] for t in resource_titles))
        milestones.append(milestone)
    places = {row[0]: _place(*row) for row in PLACES}
    coach = User.objects.filter(email="coach@example.org").first()
    admin = User.objects.filter(email="admin@example.org").first()
    now = timezone.now()
    for name, email, display, place_id, state, path, sectors in APPLICATIONS:
        if Application.objects.filter(proposed_name=name).exists():
            continue
        applicant = _person(email, display)
        place = places[place_id]
        started = now - timedelta(days=10 * len(path))
        application = Application.objects.create(
            proposed_name=name, city=place.name, country=place.country_code, place=place,
            languages=["en"], core_group_size=4, sectors=sectors,
            why="Coworkers want to organize together and learn from the network.",
            how_heard="A friend in another chapter.", exclude_hire_fire=True, state=state,
            coach=coach if state == S.IN_PROGRAM else None, created_at=started,
            state_changed_at=now - timedelta(days=10), last_activity_at=now - timedelta(days=2),
            **PAGE_DETAILS.get(name, {}),
        )
        ApplicationApplicant.objects.create(application=application, user=applicant)
        previous = ""
        for step, to_state in enumerate(path):
            ApplicationEvent.objects.create(
                application=application, actor=applicant if step == 0 else admin,
                from_state=previous, to_state=to_state, note=NOTES.get(to_state, ""),
                created_at=started + timedelta(days=10 * step))
            previous = to_state
        if state == S.IN_PROGRAM:
            # Ready to launch: every milestone done and verified by the coach.
            for milestone in milestones:
                MilestoneProgress.objects.create(
                    application=application, milestone=milestone, done_at=now, done_by=applicant,
                    note="Done.", verified_at=now, verified_by=coach)
            CoachingNote.objects.create(application=application, author=coach,
                                        text="Intro call went well; the group is ready.")
