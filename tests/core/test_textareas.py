"""A textarea's limit is the one the browser enforced: a browser counts a line break as one
character against `maxlength` and sends it as CR LF."""

import importlib

import pytest
from django import forms
from django.apps import apps

from core.forms import Textarea, browser_text


def _project_forms():
    ours = {app.name for app in apps.get_app_configs() if "site-packages" not in app.path}
    for name in ours:
        try:
            importlib.import_module(f"{name}.forms")
        except ModuleNotFoundError:
            continue

    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    return {cls for cls in below(forms.BaseForm) if cls.__module__.split(".")[0] in ours}


def test_every_textarea_of_the_project_reads_the_browsers_line_breaks():
    found = _project_forms()
    assert len(found) > 20
    plain = [f"{cls.__module__}.{cls.__name__}.{name}" for cls in found
             for name, field in getattr(cls, "base_fields", {}).items()
             if isinstance(field.widget, forms.Textarea)
             and not isinstance(field.widget, Textarea)]
    assert plain == []


def test_line_breaks_are_read_as_the_browser_counted_them():
    assert browser_text("a\r\nb\rc\nd") == "a\nb\nc\nd"
    widget = Textarea()
    assert widget.value_from_datadict({"t": "x\r\ny"}, {}, "t") == "x\ny"
    assert widget.value_from_datadict({}, {}, "t") is None


@pytest.mark.django_db
def test_a_field_at_its_limit_in_the_browser_is_accepted():
    class Form(forms.Form):
        text = forms.CharField(max_length=10, widget=Textarea)

    # What a browser sends for "ab", line break, "cd", line break, "efgh": 10 typed.
    form = Form({"text": "ab\r\ncd\r\nefgh"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["text"] == "ab\ncd\nefgh"
