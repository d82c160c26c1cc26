"""The directory's country and language filters: choices made once per language, the same
options and the same validation as a list given afresh."""

import pytest
from django import forms
from django.utils import translation

from chapters.forms import DirectoryForm, QuickSelect, country_choices, language_choices

LANGUAGES = ["en", "de", "fr", "es", "it"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_kept_choices_render_as_a_fresh_list(language, db):
    with translation.override(language):
        form = DirectoryForm({"country": "DE", "language": "it"})
        for name, blank, choices in [("country", "Any country", country_choices()),
                                     ("language", "Any language", language_choices())]:
            fresh = forms.ChoiceField(choices=[("", translation.gettext(blank)), *choices],
                                      widget=QuickSelect, required=False)
            assert list(form.fields[name].choices) == list(fresh.choices)
            assert str(form[name]) == fresh.widget.render(name, form[name].value(),
                                                         attrs={"id": f"id_{name}"})
        assert form.is_valid(), form.errors


def test_a_value_off_the_list_is_refused_in_every_language(db):
    for language in LANGUAGES:
        with translation.override(language):
            form = DirectoryForm({"country": "XX", "language": "xx"})
            assert not form.is_valid()
            assert set(form.errors) == {"country", "language"}
