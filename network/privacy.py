"""What the desk holds about a person: help requests posted, offers, thread messages,
materials shared, the choice to volunteer."""

from .models import HelpMessage, HelpOffer, HelpRequest, Material, Volunteer


def export(user) -> dict:
    return {
        "volunteer_since": next((v.since.isoformat() for v in
                                 Volunteer.objects.filter(user=user)), None),
        "help_requests_posted": [
            {"chapter": r.chapter.name, "title": r.title, "posted_at": r.created_at.isoformat()}
            for r in HelpRequest.objects.filter(posted_by=user).select_related("chapter")],
        "help_offers": [
            {"request": o.request.title, "chapter": o.request.chapter.name,
             "message": o.message, "status": o.status, "offered_at": o.created_at.isoformat()}
            for o in HelpOffer.objects.filter(helper=user).select_related("request__chapter")],
        "help_messages": [
            {"request": m.offer.request.title, "body": m.body, "at": m.created_at.isoformat()}
            for m in HelpMessage.objects.filter(author=user).select_related("offer__request")],
        "materials_shared": [
            {"title": m.title, "chapter": m.chapter.name, "shared_at": m.created_at.isoformat()}
            for m in Material.objects.filter(shared_by=user).select_related("chapter")],
    }


def erase(user) -> None:
    # Offers and messages are the person's words: removed. A request and a material belong
    # to the chapter that posted or shared them: they stay, without the person.
    HelpMessage.objects.filter(author=user).delete()
    HelpOffer.objects.filter(helper=user).update(helper=None, message="")
    HelpRequest.objects.filter(posted_by=user).update(posted_by=None)
    Material.objects.filter(shared_by=user).update(shared_by=None)
    Volunteer.objects.filter(user=user).delete()
