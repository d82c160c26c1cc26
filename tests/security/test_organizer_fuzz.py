"""The organizers' and the program's forms, one field at a time: every other field valid, so
the nasty value reaches the code past the form's first error (test_fuzz.py fills every field
at once). No 500; a refusal is a 400 that keeps what was typed and changes nothing stored;
what is saved still renders on the pages that show it; an id of chapter B in a hidden
field is refused. Run on both databases (PostgreSQL refuses what SQLite stores)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

import pytest
from django.core.cache import cache
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from tests.security.conftest import World

pytestmark = pytest.mark.django_db

# Each field gets a few of these in turn, so every value meets several kinds of field.
NASTY = [
    "x" * 5000, "y" * 100_000, "0000-01-01", "0001-01-01T00:00", "9999-12-31T23:59",
    "10000-01-01", str(2**63), str(-(2**63)), str(2**64), "NaN", "-inf", "1e309",
    "\u202eevil\u202c a\u200bb\ufeff", "٣٢", "२०२६-०१-०१", "<script>alert(1)</script>",
    "*" * 400, "{{ 7*7 }} %(x)s %s", "😀" * 3000, "-1", "\x00",
]
PER_FIELD = 2
# And every field gets a line break: text inputs drop them, a crafted POST keeps them, and a
# one-line value is written where a line break means something (an .ics line, a header).
ALWAYS = ["line one\r\nline two"]


def _future(days: int, hour: int, fmt: str = "%Y-%m-%dT%H:%M") -> str:
    return (timezone.now() + dt.timedelta(days=days)).replace(hour=hour, minute=0).strftime(fmt)


@dataclass
class Target:
    persona: str
    url: Callable[[World], str]
    valid: Callable[[World], dict[str, Any]]
    # What a refused POST must leave as it was.
    stored: Callable[[World], Any]
    # Pages that show what a saved POST stored, and who looks at them.
    pages: Callable[[World], list[tuple[str, str]]]
    choices: tuple[str, ...] = ()
    # After a success the object may be gone (a removed member): a later POST is a 404.
    gone_after_success: bool = False


def _row(model, **lookup):
    return lambda w: [model_to_dict(o) for o in model.objects.filter(**lookup(w))]


def _session(w):
    return w.extra["session_a"]


def _session_row(w):
    from onboarding.models import OnboardingSession

    return model_to_dict(OnboardingSession.objects.get(pk=_session(w).pk))


def _chapter_row(w):
    from chapters.models import Chapter

    chapter = Chapter.objects.get(pk=w.chapter_a.pk)
    return model_to_dict(chapter), sorted((d.language, d.text)
                                          for d in chapter.descriptions.all())


def _count(model_path: str):
    def count(w):
        module, name = model_path.rsplit(".", 1)
        return __import__(module, fromlist=[name]).__dict__[name].objects.count()

    return count


def _public(w, *names_args):
    return [("anonymous", reverse(name, args=args)) for name, args in names_args]


TARGETS: dict[str, Target] = {
    "onboarding:edit": Target(
        "organizer", lambda w: reverse("onboarding:edit", args=[_session(w).pk]),
        lambda w: {"title": "Welcome", "description": "What we do.",
                   "starts_at": _future(3, 10), "ends_at": _future(3, 11), "format": "online",
                   "language": "en", "capacity": "20", "facilitators": "Ana",
                   "venue_address": "", "call_link": "https://meet.example.org/x",
                   "registration_closes_at": ""},
        _session_row,
        lambda w: [*_public(w, ("onboarding:list", []), ("onboarding:detail", [_session(w).pk]),
                            ("onboarding:ics", [_session(w).pk]),
                            ("onboarding:feed", [w.chapter_a.slug]),
                            ("chapters:detail", [w.chapter_a.slug])),
                   ("organizer", reverse("onboarding:manage", args=[w.chapter_a.slug])),
                   ("organizer", reverse("onboarding:edit", args=[_session(w).pk]))],
        choices=("format", "language")),
    "chapters:edit": Target(
        "organizer", lambda w: reverse("chapters:edit", args=[w.chapter_a.slug]),
        lambda w: {"description": "Hello", "languages": "en", "meeting_frequency": "weekly",
                   "founded_on": "2020-01-01", "email": "alpha@example.org",
                   "website": "https://alpha.example.org", "signal": "", "matrix": "",
                   "mastodon": "", "discord": "", "description_de": "Hallo"},
        _chapter_row,
        lambda w: [*_public(w, ("chapters:detail", [w.chapter_a.slug]), ("chapters:api", []),
                            ("chapters:directory", []), ("chapters:embed", []),
                            ("federation:feed", [])),
                   ("anonymous", "/sitemap.xml"),
                   ("organizer", reverse("chapters:edit", args=[w.chapter_a.slug]))],
        choices=("languages",)),
    "members:policy": Target(
        "organizer", lambda w: reverse("members:policy", args=[w.chapter_a.slug]),
        lambda w: {"allow_supporters": "on", "approval_required": "on",
                   "questions": "* Which sector?\nHow did you hear of us?", "note": "Ours"},
        _count("members.models.PolicyVersion"),
        lambda w: [("applicant", reverse("members:join", args=[w.chapter_a.slug])),
                   ("organizer", reverse("members:policy", args=[w.chapter_a.slug])),
                   ("organizer", reverse("members:policy_history", args=[w.chapter_a.slug])),
                   ("organizer", reverse("members:policy_review", args=[w.chapter_a.slug]))]),
    "members:remove": Target(
        "organizer", lambda w: reverse("members:remove", args=[
            w.chapter_a.slug, w.extra["membership_a"].pk]),
        lambda w: {"reason": "Left the company", "notify": "on"},
        lambda w: model_to_dict(type(w.extra["membership_a"]).objects.get(
            pk=w.extra["membership_a"].pk)),
        lambda w: [("organizer", reverse("members:members", args=[w.chapter_a.slug])),
                   ("member", reverse("members:me")), ("admin", reverse("audit:log"))],
        gone_after_success=True),
    "outreach:compose": Target(
        "organizer", lambda w: reverse("outreach:compose", args=[w.chapter_a.slug]),
        lambda w: {"subject": "News", "body": "**Hello** *all*", "text_format": "markdown",
                   "audience": "followers", "session": "", "is_public": "on"},
        _count("outreach.models.Message"),
        lambda w: [("organizer", reverse("outreach:manage", args=[w.chapter_a.slug])),
                   ("organizer", reverse("outreach:draft", args=[
                       __import__("outreach.models", fromlist=["Message"]).Message.objects
                       .latest("pk").pk]))],
        choices=("text_format", "audience", "session")),
    "network:help_new": Target(
        "organizer", lambda w: reverse("network:help_new", args=[w.chapter_a.slug]),
        lambda w: {"kind": "design", "title": "A flyer", "description": "One page",
                   "skill": "Design", "language": "en", "hours": "5",
                   "deadline": _future(30, 0, "%Y-%m-%d")},
        _count("network.models.HelpRequest"),
        lambda w: [("member", reverse("network:help")),
                   ("organizer", reverse("network:help_detail", args=[
                       __import__("network.models", fromlist=["HelpRequest"]).HelpRequest
                       .objects.latest("pk").pk]))],
        choices=("kind", "language")),
    "network:library_share": Target(
        "organizer", lambda w: reverse("network:library_share"),
        lambda w: {"chapter": str(w.chapter_a.pk), "title": "Slides", "description": "Ours",
                   "url": "https://slides.example.org", "tags": "flyer, onboarding",
                   "languages": "en"},
        _count("network.models.Material"),
        lambda w: [("member", reverse("network:library"))],
        choices=("chapter", "languages")),
    "cdp:coaching_note": Target(
        "coach", lambda w: reverse("cdp:coaching_note", args=[w.extra["application"].pk]),
        lambda w: {"date": _future(-1, 0, "%Y-%m-%d"), "text": "Met the core group"},
        _count("cdp.models.CoachingNote"),
        lambda w: [("coach", reverse("cdp:detail", args=[w.extra["application"].pk])),
                   ("admin", reverse("cdp:detail", args=[w.extra["application"].pk])),
                   ("admin", reverse("cdp:review"))]),
}


def _cases(valid: dict[str, Any]):
    """(label, data): each field alone with a few nasty values, missing, and given twice."""
    for i, field in enumerate([*valid, "unknown_field"]):
        for value in [*ALWAYS, *(NASTY[(i * PER_FIELD + k) % len(NASTY)]
                                 for k in range(PER_FIELD))]:
            yield f"{field}={value[:12]!r}", {**valid, field: value}, field, value
        if field in valid:
            yield f"{field} missing", {k: v for k, v in valid.items() if k != field}, None, None
            yield f"{field} twice", {**valid, field: [valid[field], "second"]}, None, None


def _kept(value: str, html: str) -> bool:
    return escape(value, quote=True) in html or escape(value, quote=False) in html


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_one_nasty_field_among_valid_ones_is_refused_cleanly_or_saved_renderably(name, world):
    target = TARGETS[name]
    client = world.client(target.persona)
    url = target.url(world)
    valid = target.valid(world)
    failures = []
    gone = False
    for label, data, field, value in _cases(valid):
        cache.clear()  # rate limits
        before = target.stored(world) if not gone else None
        response = client.post(url, data)
        status = response.status_code
        if field and "\x00" in value:
            if status != 400:
                failures.append((label, status, "a NUL byte is refused as a whole"))
            continue
        if gone and status == 404:
            continue
        if status not in (200, 302, 400):
            failures.append((label, status))
            continue
        if status == 302:
            gone = gone or target.gone_after_success
            for persona, page in target.pages(world):
                shown = world.client(persona).get(page).status_code
                if shown != 200:
                    failures.append((label, "then", persona, page, shown))
            continue
        if not gone and target.stored(world) != before:
            failures.append((label, status, "a refused POST changed what is stored"))
        html = response.content.decode()
        if (field in valid and field not in target.choices and value == value.strip()
                and not re.search(r"[\x00-\x1f\x7f]", value) and not _kept(value, html)):
            failures.append((label, status, "what was typed is not shown again"))
    assert not failures, failures[:10]


# Ids of chapter B in the fields that pick an object: refused, and nothing made for B.
def test_a_session_of_another_chapter_is_no_audience_for_an_announcement(world):
    from outreach.models import Message
    from tests.factories import make_session

    theirs = make_session(world.chapter_b)
    before = Message.objects.count()
    response = world.client("organizer").post(
        reverse("outreach:compose", args=[world.chapter_a.slug]),
        {"subject": "News", "body": "Hello", "text_format": "plain", "audience": "registrants",
         "session": str(theirs.pk)})
    assert response.status_code == 400
    assert Message.objects.count() == before


def test_material_cannot_be_shared_in_the_name_of_another_chapter(world):
    from network.models import Material

    before = Material.objects.count()
    response = world.client("organizer").post(reverse("network:library_share"), {
        "chapter": str(world.chapter_b.pk), "title": "Slides", "url": "https://x.example.org",
        "languages": "en"})
    assert response.status_code == 400
    assert Material.objects.count() == before
    assert not Material.objects.filter(chapter=world.chapter_b).exists()
