"""Forms of the directory: the search, a chapter's page, its status, partner organizations."""

from __future__ import annotations

import functools

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from core.forms import Textarea
from core.locale import language_name, locale_for

from .enums import DEFAULT_LISTED_STATUSES, ChapterKind, ChapterStatus
from .models import Chapter, PartnerOrganization, PeerNetwork

# Languages a chapter may work in; names are shown in the viewer's language.
CHAPTER_LANGUAGES = ("ar", "ca", "da", "de", "el", "en", "es", "fi", "fr", "ga", "hi", "it",
                     "ja", "ko", "nl", "no", "pl", "pt", "ro", "ru", "sv", "sw", "tr", "uk",
                     "xh", "zh", "zu")


def language_choices() -> tuple[tuple[str, str], ...]:
    return _language_choices(get_language() or "en")


def country_choices() -> tuple[tuple[str, str], ...]:
    return _country_choices(get_language() or "en")


# Babel's names, sorted for the viewer's language: the same for every request, so worked
# out once per language and process.
@functools.cache
def _language_choices(language: str) -> tuple[tuple[str, str], ...]:
    names = locale_for(language).languages
    pairs = ((code, names.get(code, code)) for code in CHAPTER_LANGUAGES)
    return tuple(sorted(pairs, key=lambda pair: pair[1].casefold()))


@functools.cache
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    territories = locale_for(language).territories
    pairs = [(code, name) for code, name in territories.items()
             if len(code) == 2 and code.isalpha() and code not in ("ZZ", "EU", "EZ", "UN")]
    return tuple(sorted(pairs, key=lambda pair: pair[1].casefold()))


class KeptChoices(BaseChoiceIterator):
    """Choices already in Django's normal form, made once per language: a field given a
    list re-normalizes it, item by item, on every request (250 countries and 27 languages
    for every search and API request, cached page or not)."""

    def __init__(self, choices: tuple[tuple[str, str], ...]):
        self.choices = choices

    def __iter__(self):
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)


@functools.cache
def _filter_choices(language: str) -> tuple[KeptChoices, KeptChoices]:
    """The country and language filters' choices, "any" first, in `language` (the active
    one)."""
    return (KeptChoices((("", gettext("Any country")), *_country_choices(language))),
            KeptChoices((("", gettext("Any language")), *_language_choices(language))))


def network_choices() -> tuple[tuple[str, str], ...]:
    """The peer networks a search may be restricted to (none: no network filter).

    Kept per process under the chapters' data version (a sync or a pause raises it): every
    API request and directory search builds the form, cached page or not."""
    from core.pagecache import CHAPTERS, remember

    return remember("network choices", [CHAPTERS], lambda: tuple(
        PeerNetwork.objects.filter(is_paused=False).order_by("name")
        .values_list("slug", "name")))


class QuickSelect(forms.Select):
    """A <select> written in Python: the same HTML as forms.Select, without one template
    render (or one format_html) per option: 250 countries took milliseconds per page."""

    def render(self, name, value, attrs=None, renderer=None):
        if any(isinstance(label, (list, tuple)) for _value, label in self.choices):
            return super().render(name, value, attrs, renderer)  # option groups: as usual
        selected = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(option))}"'
            f'{" selected" if str(option) in selected else ""}>{escape(str(label))}</option>'
            for option, label in self.choices
        )
        return format_html("<select name=\"{}\"{}>{}</select>", name,
                           flatatt(self.build_attrs(self.attrs, attrs)), mark_safe(options))


class DirectoryForm(forms.Form):
    """The directory's one GET form: a place or chapter name, or coordinates, and filters."""

    q = forms.CharField(label=_("City or chapter name"), required=False, max_length=200)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90,
                           widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180,
                           widget=forms.HiddenInput)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=QuickSelect)
    language = forms.ChoiceField(label=_("Language"), required=False, widget=QuickSelect)
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("Local and online")), *ChapterKind.choices])
    status = forms.MultipleChoiceField(
        label=_("Status"), required=False, choices=ChapterStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    network = forms.ChoiceField(label=_("Network"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        peers = network_choices()
        if peers:
            from django.conf import settings

            self.fields["network"].choices = [("", _("Every network")),
                                              ("ours", settings.NETWORK_NAME), *peers]
        else:
            del self.fields["network"]  # no peers: nothing to choose between
        countries, languages = _filter_choices(get_language() or "en")
        self.fields["country"].choices = countries
        self.fields["language"].choices = languages
        if not self.is_bound or not self.data.get("status"):
            self.initial["status"] = list(DEFAULT_LISTED_STATUSES)

    @property
    def filters_key(self) -> tuple | None:
        """What the filters' HTML follows from (the language aside): the networks to choose
        from and the values chosen; None when a filter has an error (rendered as usual)."""
        names = [name for name in self.fields if name not in ("q", "lat", "lon")]
        if self.is_bound and any(name in self.errors for name in names):
            return None
        values = []
        for name in names:
            value = self[name].value()
            values.append(tuple(value) if isinstance(value, list) else value)
        return (tuple(self.fields["network"].choices) if "network" in self.fields else (),
                self.is_bound, tuple(values))

    def clean_status(self) -> list[str]:
        return self.cleaned_data["status"] or list(DEFAULT_LISTED_STATUSES)

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise forms.ValidationError(_("A location needs both a latitude and a longitude."))
        return data


class NearForm(forms.Form):
    """Coordinates from the browser, sent in a POST body so that no access log keeps them."""

    lat = forms.FloatField(min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(min_value=-180, max_value=180, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "locate_%s")  # the search form has its own lat and lon
        super().__init__(*args, **kwargs)


class ChapterForm(forms.ModelForm):
    """What organizers keep current on their chapter's page (never its status)."""

    languages = forms.MultipleChoiceField(
        label=_("Languages"), required=False, widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Chapter
        fields = ["description", "languages", "meeting_frequency", "founded_on", "email",
                  "website", "signal", "matrix", "mastodon", "discord"]
        widgets = {"founded_on": forms.DateInput(attrs={"type": "date"}),
                   "description": Textarea}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = language_choices()
        # The description in the chapter's first language, then one box per other language
        # of the interface: a visitor reads the one in their language when there is one.
        first = (self.instance.languages or [""])[0]
        if first:
            self.fields["description"].label = _("Description (in %(language)s)") % {
                "language": language_name(first)}
        existing = ({d.language: d.text for d in self.instance.descriptions.all()}
                    if self.instance.pk else {})
        order = ["description"]
        for code, _name in settings.LANGUAGES:
            if code == first:
                continue
            name = f"description_{code}"
            self.fields[name] = forms.CharField(
                label=_("Description in %(language)s") % {"language": language_name(code)},
                required=False, widget=Textarea(attrs={"rows": 3}),
                initial=existing.get(code, ""),
                help_text=_("Optional. Visitors reading %(language)s see this one.")
                % {"language": language_name(code)})
            order.append(name)
        self.order_fields(order)

    def translated_descriptions(self) -> dict[str, str]:
        """language -> description typed in its box (empty: no translation)."""
        return {name.removeprefix("description_"): value.strip()
                for name, value in self.cleaned_data.items()
                if name.startswith("description_")}


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ChapterStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=Textarea)
    successor_name = forms.CharField(label=_("Successor organization"), max_length=200,
                                     required=False)
    successor_url = forms.URLField(label=_("Successor's website"), required=False)
    graduated_on = forms.DateField(label=_("Graduated on"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("status") == ChapterStatus.GRADUATED:
            if not data.get("successor_name"):
                self.add_error("successor_name",
                               _("A graduated chapter names the organization it became."))
            if not data.get("successor_url"):
                self.add_error("successor_url", _("Link to the successor organization."))
        return data


class PartnerForm(forms.ModelForm):
    countries = forms.CharField(
        label=_("Countries"), required=False, max_length=500,
        help_text=_("Two-letter country codes separated by spaces, e.g. GB IE FR."),
    )

    class Meta:
        model = PartnerOrganization
        fields = ["name", "url", "countries", "sectors", "summary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["countries"] = " ".join(self.instance.countries)

    def clean_countries(self) -> list[str]:
        codes = self.cleaned_data["countries"].replace(",", " ").upper().split()
        validator = RegexValidator(r"^[A-Z]{2}$", _("Use two-letter country codes."))
        for code in codes:
            validator(code)
        return sorted(set(codes))


class ApiPageForm(forms.Form):
    """Which page of the API: how many chapters, after which one (the `next` link's id)."""

    limit = forms.IntegerField(required=False, min_value=1, max_value=1000)
    after = forms.IntegerField(required=False, min_value=0, max_value=2**63 - 1)
    # Past our own chapters, the pages go on through peer networks' groups.
    peers_after = forms.IntegerField(required=False, min_value=0, max_value=2**63 - 1)
