"""What the desk holds about a person: help requests posted, offers, thread messages,
materials shared, the choice to volunteer."""

from core.emails import EMAIL_TASK_PATHS

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




def _forget_in_emails_to_others(user) -> None:
    """The emails that told the other side of a help offer about this person (the offer, a
    message in the thread) hold their name and words in the task row, queued or sent, and
    not their address, so the task-row erasure by address misses them: delete them (a row a
    worker is sending right now is left to it)."""
    from django.db.models import TextField
    from django.db.models.functions import Cast
    from django_tasks_db.models import DBTaskResult

    from .services import _url

    told = {("network/help_offered", "helper", _url(offer.request))
            for offer in HelpOffer.objects.filter(helper=user).select_related("request")}
    told |= {("network/help_message", "author", f"{_url(m.offer.request)}thread/{m.offer_id}/")
             for m in HelpMessage.objects.filter(author=user).select_related("offer__request")}
    if not told:
        return
    name = str(user)
    doomed = []
    rows = (DBTaskResult.objects.filter(task_path__in=EMAIL_TASK_PATHS).exclude(status="RUNNING")
            .annotate(text=Cast("args_kwargs", TextField())).filter(text__icontains=name))
    for row in rows:
        args = (row.args_kwargs or {}).get("args") or []
        if len(args) < 3 or not isinstance(args[2], dict):
            continue
        context = args[2]
        if any(args[1] == template and context.get(field) == name and context.get("url") == url
               for template, field, url in told):
            doomed.append(row.pk)
    DBTaskResult.objects.filter(pk__in=doomed).delete()


def erase(user) -> None:
    _forget_in_emails_to_others(user)
    # Offers and messages are the person's words: removed. A request and a material belong
    # to the chapter that posted or shared them: they stay, without the person.
    HelpMessage.objects.filter(author=user).delete()
    HelpOffer.objects.filter(helper=user).update(helper=None, message="")
    HelpRequest.objects.filter(posted_by=user).update(posted_by=None)
    Material.objects.filter(shared_by=user).update(shared_by=None)
    Volunteer.objects.filter(user=user).delete()
