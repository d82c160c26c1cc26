"""`{% load i18n_extras %}`: the locale helpers of core/locale.py as template filters
(`{{ km|distance }}`, `{{ code|language_name }}`, `{{ chapter|chapter_place }}`, …) and the
language switcher's options (`{% language_options %}`)."""

from django import template

from core import locale

register = template.Library()

register.filter("distance", locale.format_distance)
register.filter("language_name", locale.language_name)
register.filter("language_names", locale.language_names)
register.filter("country_name", locale.country_name)
register.filter("chapter_place", locale.chapter_place)
register.filter("place_label", locale.place_label)
register.filter("place_query", locale.place_query)
register.simple_tag(locale.language_options, name="language_options")
