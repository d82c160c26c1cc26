"""Applications, places and milestones for the program's tests."""

from __future__ import annotations

import itertools

from cdp.enums import ApplicationState
from cdp.models import (
    Application,
    ApplicationApplicant,
    Milestone,
    MilestoneProgress,
)
from chapters.geo import fold
from chapters.models import Place, PlaceName
from members.models import User

_seq = itertools.count(900_000_000)  # beyond GeoNames ids, so a loaded gazetteer never collides


def make_place(name: str = "Lisbon", country: str = "PT", latitude: float = 38.7167,
               longitude: float = -9.1333, timezone: str = "Europe/Lisbon",
               population: int = 500_000) -> Place:
    place = Place.objects.create(id=next(_seq), name=name, country_code=country,
                                 latitude=latitude, longitude=longitude, timezone=timezone,
                                 population=population)
    PlaceName.objects.create(place=place, key=fold(name), is_primary=True)
    return place


def make_application(applicant: User | None = None, *, state: str = ApplicationState.SUBMITTED,
                     place: Place | None = None, **fields) -> Application:
    defaults = {"proposed_name": "TWC Lisbon", "why": "We want to organize.",
                "core_group_size": 3}
    if place is not None:
        defaults.update(place=place, city=place.name, country=place.country_code)
    defaults.update(fields)
    if state == ApplicationState.LAUNCHED and "chapter" not in defaults:
        from tests.factories import make_chapter

        defaults["chapter"] = make_chapter()
    application = Application.objects.create(state=state, **defaults)
    if applicant is not None:
        ApplicationApplicant.objects.create(application=application, user=applicant)
    return application


def make_milestone(title: str = "Core group", *, required: bool = True, order: int = 1,
                   run_by_coach: bool = False):
    return Milestone.objects.create(title=title, required=required, order=order,
                                    run_by_coach=run_by_coach)


def verify_all(application: Application, coach: User) -> None:
    from django.utils import timezone

    for milestone in Milestone.objects.all():
        MilestoneProgress.objects.update_or_create(
            application=application, milestone=milestone,
            defaults={"done_at": timezone.now(), "verified_at": timezone.now(),
                      "verified_by": coach})
