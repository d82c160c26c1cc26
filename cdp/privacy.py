"""What the program holds about a person: their applications, events, milestone notes."""

from .models import (
    ApplicationApplicant,
    ApplicationEvent,
    ApplicationInvitation,
    CoachingNote,
    MilestoneProgress,
)
from .permissions import applications_of


def _applications(user):
    return applications_of(user).order_by("id")


def export(user) -> dict:
    applications = []
    for application in _applications(user):
        applications.append({
            "proposed_name": application.proposed_name,
            "kind": application.kind,
            "city": application.city,
            "country": application.country,
            "languages": application.languages,
            "core_group_size": application.core_group_size,
            "why": application.why,
            "sectors": application.sectors,
            "how_heard": application.how_heard,
            "description": application.description,
            "contact_email": application.contact_email,
            "meeting_frequency": application.meeting_frequency,
            "state": application.state,
            "created_at": application.created_at.isoformat(),
            "events": [
                {"from": e.from_state, "to": e.to_state, "note": e.note,
                 "at": e.created_at.isoformat(), "by_you": e.actor_id == user.pk}
                for e in application.events.all()
            ],
        })
    return {
        "applications": applications,
        "milestone_notes": [
            {"application": p.application.proposed_name, "milestone": p.milestone.title,
             "note": p.note, "done_at": p.done_at.isoformat() if p.done_at else None}
            for p in MilestoneProgress.objects.filter(done_by=user)
            .select_related("application", "milestone")
        ],
        "coaching_notes_written": [
            {"application": n.application.proposed_name, "date": n.date.isoformat(),
             "text": n.text}
            for n in CoachingNote.objects.filter(author=user).select_related("application")
        ],
    }


def erase(user) -> None:
    """Remove the person as applicant and invitee, blank what they wrote; counts stay."""
    ApplicationApplicant.objects.filter(user=user).delete()
    ApplicationInvitation.objects.filter(email=user.email.lower()).delete()
    MilestoneProgress.objects.filter(done_by=user).update(note="", done_by=None)
    MilestoneProgress.objects.filter(verified_by=user).update(verified_by=None)
    ApplicationEvent.objects.filter(actor=user).update(actor=None)
    CoachingNote.objects.filter(author=user).update(author=None)
