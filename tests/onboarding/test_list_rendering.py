"""The public list renders its filters once per language and value, and its rows from values
the view works out: the HTML is what the form and the per-row tags rendered."""

import re

import pytest
from django.core.cache import caches
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from core.templatetags import once
from onboarding.forms import FilterForm
from onboarding.times import annotate_times
from tests.factories import make_registration, make_session

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "de", "fr"]

# A row as the template wrote it before: {% url %}, the choice's display, the language's
# name and the places left counted by {% blocktranslate %}, in every row.
ROW_AS_TAGS = (
    "{% load i18n i18n_extras %}"
    "<h2><a href=\"{% url 'onboarding:detail' session.pk %}\">{{ session.title }}</a></h2>\n"
    "        <p>{{ session.chapter.name }} · {{ session.get_format_display }} · "
    "{{ session.language|language_name|capfirst }}\n"
    "          {% if session.is_cancelled %}<span class=\"badge badge-warn\">"
    "{% translate \"Cancelled\" %}</span>\n"
    "          {% elif session.places_left %}<span class=\"badge\">{% blocktranslate count "
    "places=session.places_left %}{{ places }} place left{% plural %}{{ places }} places "
    "left{% endblocktranslate %}</span>\n"
    "          {% else %}<span class=\"badge badge-warn\">{% translate \"Full: waitlist\" %}"
    "</span>{% endif %}</p>")


def _page(client, query: str, language: str) -> str:
    caches["fragments"].clear()
    caches["pages"].clear()
    response = client.get(reverse("onboarding:list") + query,
                          headers={"accept-language": language})
    assert response.status_code in (200, 400)
    return response.content.decode()


@pytest.fixture
def sessions(chapter_a, chapter_b):
    made = [make_session(chapter_a, title="One place", capacity=2, format="online",
                         language="de"),
            make_session(chapter_b, title="Five places <&>", capacity=5, format="in_person",
                         language="it", days=8, venue_address="Via 1"),
            make_session(chapter_a, title="Full", capacity=1, language="fr", days=9),
            make_session(chapter_b, title="Called off", language="es", days=10,
                         status="cancelled")]
    make_registration(made[0])
    make_registration(made[2])
    return made


@pytest.mark.parametrize("language", LANGUAGES)
def test_rows_read_as_the_per_row_tags_wrote_them(language, sessions, client):
    page = _page(client, "", language)
    from onboarding.models import OnboardingSession

    rows = list(OnboardingSession.objects.filter(pk__in=[s.pk for s in sessions])
                .with_taken().select_related("chapter"))
    with translation.override(language):
        annotate_times(rows, None)
        for session in rows:
            expected = Template(ROW_AS_TAGS).render(Context({"session": session}))
            assert expected in page, expected
    assert "places left" in _page(client, "", "en") and "1 place left" in _page(client, "", "en")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("query", ["", "?language=de", "?format=online&language=fr",
                                   "?chapter=alpha&format=hybrid", "?chapter=beta"])
def test_filters_rendered_once_are_the_forms_own_html(language, query, sessions, client):
    once._rendered.clear()
    first = _page(client, query, language)  # rendered, and kept for the next visitor
    kept = _page(client, query, language)
    assert kept == first or _without_tokens(kept) == _without_tokens(first)
    data = dict(part.split("=") for part in query.lstrip("?").split("&") if part) or None
    with translation.override(language):
        form = FilterForm(data)
        for field in form:
            assert str(field) in kept
    # The kept lists answer another typed chapter with that chapter in its own box.
    other = _page(client, query.replace("alpha", "gamma") + ("&" if query else "?")
                  + "chapter=gamma", language)
    assert 'value="gamma"' in other


def test_a_form_with_errors_shows_them_every_time(sessions, client):
    once._rendered.clear()
    _page(client, "?language=de", "en")
    page = _page(client, "?language=xx", "en")
    assert "errorlist" in page and "Some filters are not valid" in page
    assert '<option value="de" selected>' not in page


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
