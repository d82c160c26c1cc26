from pathlib import Path

import pytest
from django.conf import settings

from tests.i18n.template_text import project_templates, untranslated_text


def test_no_template_holds_user_facing_text_not_marked_for_translation():
    offenders = {}
    for path in project_templates():
        found = untranslated_text(path.read_text(encoding="utf-8"), html=path.suffix != ".txt")
        if found:
            offenders[str(path.relative_to(settings.BASE_DIR))] = found
    assert offenders == {}, "Mark these for translation ({% translate %} / {% blocktranslate %})"


def test_the_check_reads_every_template_including_emails():
    names = {path.relative_to(Path(settings.BASE_DIR)).as_posix() for path in project_templates()}
    assert "templates/base.html" in names
    assert "templates/emails/test_message_body.txt" in names


@pytest.mark.parametrize("source", [
    "<p>Hello</p>",
    "{% if x %}<p>Hello {{ name }}</p>{% endif %}",
    '<img src="a.png" alt="A map">',
    '<input type="search" placeholder="Your city">',
    '<nav aria-label="Main">{% translate "Home" %}</nav>',
    '<meta name="description" content="Find a chapter">',
    '<input type="submit" value="Send">',
    '<button hx-post="/x" hx-confirm="Are you sure?">{% translate "Delete" %}</button>',
    "{{ km }} km",
    "{% translate 'Fine' %} but not this",
])
def test_the_check_catches_bare_text(source):
    assert untranslated_text(source)


@pytest.mark.parametrize("source", [
    '<p>{% translate "Hello" %}</p>',
    "<p>{% blocktranslate with name=user %}Hello {{ name }}{% endblocktranslate %}</p>",
    "{% blocktranslate count n=k %}one{% plural %}many{% endblocktranslate %}",
    '<nav aria-label="{% translate "Main" %}"></nav>',
    '<img alt="{{ chapter.name }}" src="{% static "x.png" %}">',
    "{# a comment #}{% comment %}Notes for developers{% endcomment %}",
    '<a class="button" href="{% url "x" %}">{{ label }}</a> · &middot; 3 / 4 &amp;',
    '<input type="hidden" name="next" value="home">',
    '<meta name="htmx-config" content=\'{"allowEval":false}\'>',
    '<a href="https://signal.group/x">Signal</a>',
    "{% block main_class %}narrow account-page{% endblock %}",
])
def test_the_check_accepts_marked_text_and_markup(source):
    assert untranslated_text(source) == []


def test_the_check_reads_email_text_line_by_line():
    assert untranslated_text("{% translate 'Hi' %}\nBye {{ name }}", html=False) == ["Bye"]
    assert untranslated_text("{% translate 'Hi' %}\n{{ SITE_URL }}/me/", html=False) == []
