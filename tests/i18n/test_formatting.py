from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from core.locale import format_distance


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load i18n_extras humanize %}" + source).render(Context(context))


@pytest.mark.parametrize(("language", "km", "expected"), [
    ("en", 1234, "1,234 km"),
    ("de", 1234, "1.234 km"),
    ("it", 1234, "1.234 km"),
    ("es", 14, "14 km"),
    ("fr", 1234.4, "1\u00a0234\u00a0km"),
    ("en", 2.54, "2.5 km"),
    ("de", 2.54, "2,5 km"),
    ("en", 3.0, "3 km"),
    ("en", 14.6, "15 km"),
])
def test_distances_follow_the_languages_number_conventions(language, km, expected):
    assert render("{{ km|distance }}", language, km=km) == expected


@pytest.mark.parametrize("garbage", [None, "", "far", float("nan"), float("inf")])
def test_a_distance_that_is_not_a_number_shows_nothing(garbage):
    assert format_distance(garbage) == ""


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Italian"), ("it", "italiano"), ("de", "Italienisch"), ("fr", "italien"), ("es", "italiano"),
])
def test_language_names_come_in_the_viewers_language(language, expected):
    assert render("{{ code|language_name }}", language, code="it") == expected


def test_a_list_of_languages_reads_as_one_phrase():
    assert render("{{ codes|language_names }}", "en", codes=["it", "en"]) == "Italian and English"
    assert render("{{ codes|language_names }}", "de", codes=["it", "en"]) == "Italienisch und Englisch"
    assert render("{{ codes|language_names }}", "fr", codes=[]) == ""


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Germany"), ("it", "Germania"), ("de", "Deutschland"), ("fr", "Allemagne"), ("es", "Alemania"),
])
def test_country_names_come_in_the_viewers_language(language, expected):
    assert render("{{ code|country_name }}", language, code="de") == expected


def test_unknown_codes_come_back_unchanged():
    assert render("{{ 'zz'|language_name }} {{ 'ZZ'|country_name }} [{{ ''|country_name }}]", "fr") == "zz ZZ []"


@pytest.mark.parametrize(("language", "expected"), [
    # Django's own Italian formats and month names: "07 Marzo 2027".
    ("en", "March 7, 2027"), ("it", "07 Marzo 2027"), ("de", "7. März 2027"),
    ("fr", "7 mars 2027"), ("es", "7 de marzo de 2027"),
])
def test_dates_follow_the_language(language, expected):
    assert render("{{ day|date:'DATE_FORMAT' }}", language, day=date(2027, 3, 7)) == expected


def test_times_and_numbers_follow_the_language():
    moment = datetime(2027, 3, 7, 18, 30, tzinfo=UTC)
    assert render("{{ moment|time:'TIME_FORMAT' }}", "de", moment=moment) == "18:30"
    assert render("{{ moment|time:'TIME_FORMAT' }}", "en", moment=moment) == "6:30 p.m."
    assert render("{{ n|intcomma }} {{ x|floatformat:2 }}", "de", n=12345, x=3.5) == "12.345 3,50"
    assert render("{{ n|intcomma }} {{ x|floatformat:2 }}", "en", n=12345, x=3.5) == "12,345 3.50"
