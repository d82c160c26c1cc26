"""Form pieces every app's forms share."""

from django import forms
from django.utils.translation import ngettext

MAX_MESSAGE = 2000  # a free-text note posted without a form: a decline message, a reason


def too_long(limit: int, count: int) -> str:
    """The refusal of a text over its limit, with both counts (never a silent cut)."""
    return ngettext("Keep it to %(limit)s character (it has %(count)s).",
                    "Keep it to %(limit)s characters (it has %(count)s).", limit) % {
        "limit": limit, "count": count}


def browser_text(value: str) -> str:
    """A textarea's text with the line breaks the browser counted.

    A browser counts a line break as one character against a textarea's `maxlength`, then
    sends it as CR LF: a text at its limit with line breaks would arrive over the limit, and
    be refused with a count the person never saw (or cut, losing its end). Read back with LF,
    the text is the length the browser let the person type."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


class Textarea(forms.Textarea):
    """The project's textarea: its value is read with the browser's line breaks
    (`browser_text`), so `max_length` counts what the browser's `maxlength` counted."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return browser_text(value) if isinstance(value, str) else value
