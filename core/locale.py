"""Locale helpers every app uses: the languages we speak, the viewer's time zone, and
formatting that follows the viewer's language. Python callers import them from here;
templates use the same functions as filters after `{% load i18n_extras %}`
(core/templatetags/i18n_extras.py):

- `{{ km|distance }}`: a distance in kilometres with the language's number conventions,
  one decimal under 10 km: "2.5 km" / "2,5 km"; "1,234 km" in English, "1.234 km" in German.
  From Python: `format_distance(km)`.
- `{{ code|language_name }}`: a language's name in the viewer's language from Babel's CLDR
  data: "it" is "Italian" in English, "italiano" in Italian, "Italienisch" in German.
  Unknown codes come back unchanged. Names are lowercase where the language writes them so
  (Italian, French, Spanish): add `|capfirst` at the start of a sentence or a label.
- `{{ chapter.languages|language_names }}`: a list of codes as one phrase,
  "Italian and English" / "italiano e inglese".
- `{{ code|country_name }}`: an ISO 3166 country code's name in the viewer's language:
  "DE" is "Germany", "Allemagne", "Deutschland". Unknown codes come back unchanged.
- `{{ chapter|chapter_place }}`, `{{ place|place_label }}`: where a chapter or a gazetteer
  place is, as people write it: "Berlin, Germany" (never "Berlin, Berlin, DE"), "London,
  Canada", "Boston, Massachusetts, United States"; the country in the viewer's language.

Dates, times and plain numbers need nothing from here: Django's own `{{ value|date }}`
(with named formats like "DATE_FORMAT" or "SHORT_DATETIME_FORMAT"), `floatformat` and
`intcomma` (django.contrib.humanize) already follow the active language.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache, lru_cache
from urllib.parse import unquote

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from django.conf import settings
from django.utils import formats
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info, gettext

# The cookie static/js/app.js sets to the browser's IANA time zone.
TZ_COOKIE = "tz"


def supported(code: str | None) -> str:
    """The code if it is one of our LANGUAGES (en, it, de, fr, es), else ""."""
    return code if code and code in dict(settings.LANGUAGES) else ""


@cache
def available_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    """A ZoneInfo for a known IANA name, None for anything else."""
    if not name or name not in available_zones():
        return None
    return zoneinfo.ZoneInfo(name)


def viewer_zone(request) -> zoneinfo.ZoneInfo | None:
    """The viewer's zone from the `tz` cookie that static/js/app.js sets, if valid."""
    return zone(unquote(request.COOKIES.get(TZ_COOKIE, "")[:100]))


@lru_cache(maxsize=32)
def locale_for(language: str) -> Locale:
    """The Babel locale of a language code, the site's default when Babel has none."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(settings.LANGUAGE_CODE)


def current_locale() -> Locale:
    """The Babel locale of the active language."""
    return locale_for(get_language() or settings.LANGUAGE_CODE)


def format_distance(km: float | Decimal | str | None) -> str:
    """A distance in km, in the active language's number format; "" for no distance."""
    try:
        value = Decimal(str(km))
    except (InvalidOperation, ValueError, TypeError):
        return ""
    if not value.is_finite():
        return ""
    rounded = value.quantize(Decimal("0.1") if abs(value) < 10 else Decimal(1), ROUND_HALF_UP)
    decimals = 0 if rounded == rounded.to_integral_value() else 1
    number = formats.number_format(rounded, decimals, use_l10n=True, force_grouping=True)
    # Translators: a distance; keep %(distance)s, adapt the unit's spacing if needed.
    return gettext("%(distance)s km") % {"distance": number}


def language_name(code) -> str:
    """The language's name in the viewer's language, or the code when Babel has none."""
    if not code:
        return ""
    code = str(code).replace("-", "_")
    names = current_locale().languages
    return names.get(code) or names.get(code.split("_")[0]) or str(code)


def language_names(codes: Iterable[str] | None) -> str:
    """Several languages as one phrase in the viewer's language."""
    names = [language_name(code) for code in codes or [] if code]
    return format_list(names, locale=current_locale()) if names else ""


def country_name(code) -> str:
    """The country's name in the viewer's language, or the code when Babel has none."""
    code = str(code or "").upper()
    if not code or code == "ZZ":  # ZZ is CLDR's "Unknown Region"
        return str(code)
    return current_locale().territories.get(code, code)


def format_place(city: str, region: str, country_code: str) -> str:
    """"City, Region, Country" without repeats or numeric region codes; the country named."""
    parts = [str(city or "").strip()]
    region = str(region or "").strip()
    if region and not region.isdigit() and region.casefold() not in (
            parts[0].casefold(), f"{parts[0]} city".casefold()):
        parts.append(region)
    if country_code:
        parts.append(country_name(country_code))
    return ", ".join(part for part in parts if part)


def chapter_place(chapter) -> str:
    """Where a chapter is; "" for an online one."""
    if getattr(chapter, "kind", "") == "online":
        return ""
    return format_place(chapter.city, chapter.region, chapter.country)


def place_label(place) -> str:
    """Where a gazetteer place is: its name, its region when known by name, its country."""
    return format_place(place.name, place.region_name, place.country_code)


def place_query(place) -> str:
    """What to search for to find exactly this place again: "London, Canada"."""
    return f"{place.name}, {country_name(place.country_code)}"


def language_options() -> str:
    """The language switcher's `<option>`s, the viewer's language selected: each language's
    own name ("Deutsch", "Italiano"). The same on every page, so built once per language."""
    return _language_options(get_language() or settings.LANGUAGE_CODE)


@lru_cache(maxsize=32)
def _language_options(current: str) -> str:
    return format_html_join("", '<option value="{}"{} lang="{}">{}</option>', (
        (code, mark_safe(" selected") if code == current else "", code,
         capfirst(get_language_info(code)["name_local"]))
        for code, _name in settings.LANGUAGES
    ))
