import datetime as dt

from django import forms
from django.conf import global_settings, settings
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chapters.enums import ChapterStatus
from core.forms import Textarea

from .models import HelpRequest, InactivityResolution
from .services import REVIEW_OUTCOMES

MAX_INVITES = 20
MAX_TAGS = 10


class HealthFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *ChapterStatus.choices])
    country = forms.CharField(label=_("Country code"), required=False, max_length=2)

    def clean_country(self) -> str:
        country = (self.cleaned_data.get("country") or "").strip().upper()
        return country if len(country) == 2 and country.isalpha() else ""


class ReviewInactiveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What now?"), widget=forms.RadioSelect,
        choices=[(value, label) for value, label in InactivityResolution.choices
                 if value in REVIEW_OUTCOMES])
    reason = forms.CharField(label=_("Reason"), max_length=300,
                             widget=Textarea(attrs={"rows": 2}))


class ReviveForm(forms.Form):
    """What the group says; everything else comes from the old chapter."""

    why = forms.CharField(label=_("Why bring it back now"), max_length=4000,
                          widget=Textarea(attrs={"rows": 4}))
    core_group_size = forms.IntegerField(label=_("People in the core group"), initial=1,
                                         validators=[MinValueValidator(1),
                                                     MaxValueValidator(1000)])
    sectors = forms.CharField(label=_("Workplaces or sectors involved"), required=False,
                              max_length=2000, widget=Textarea(attrs={"rows": 2}))
    invited_emails = forms.CharField(
        label=_("Invite co-applicants (optional)"), required=False, max_length=4000,
        widget=Textarea(attrs={"rows": 3}),
        help_text=_("One email address per line."))

    def clean_invited_emails(self) -> list[str]:
        emails = [line.strip() for line in self.cleaned_data["invited_emails"].splitlines()
                  if line.strip()]
        if len(emails) > MAX_INVITES:
            raise forms.ValidationError(_("Invite at most %(n)s people.") % {"n": MAX_INVITES})
        for email in emails:
            validate_email(email)
        return emails


class HelpRequestForm(forms.ModelForm):
    class Meta:
        model = HelpRequest
        fields = ["kind", "title", "description", "skill", "language", "hours", "deadline"]
        widgets = {"description": Textarea(attrs={"rows": 4}),
                   "deadline": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"hours": _("A rough guess is fine.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours"].widget.attrs.update(min=1, max=500)

    def clean_hours(self) -> int:
        hours = self.cleaned_data["hours"]
        if not 1 <= hours <= 500:
            raise forms.ValidationError(_("Between 1 and 500 hours."))
        return hours

    def clean_deadline(self) -> dt.date:
        deadline = self.cleaned_data["deadline"]
        today = timezone.localdate()
        if deadline < today:
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        if deadline > today + dt.timedelta(days=366):
            raise forms.ValidationError(_("Choose a deadline within a year."))
        return deadline


class OfferForm(forms.Form):
    message = forms.CharField(
        label=_("How you can help"), max_length=2000, widget=Textarea(attrs={"rows": 3}),
        help_text=_("Only this chapter's organizers see your offer. Your email address is "
                    "never shown: you talk in the app."))


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=4000,
                           widget=Textarea(attrs={"rows": 3}))


class RenderedOnceSelect(forms.Select):
    """Django's own <select>, rendered once per language, attributes and chosen value and
    kept in the process, for choices fixed where the form is declared: the library's ~100
    languages cost ~200 template includes on every request.

    A value that is not one of the choices (anything typed in the URL) is rendered as usual
    and not kept, so what is kept stays bounded by the choices."""

    _kept: dict[tuple, str] = {}
    _MAX_KEPT = 2048

    def render(self, name, value, attrs=None, renderer=None):
        chosen = tuple(self.format_value(value))
        values = tuple(str(option) for option, _label in self.choices)
        if not set(chosen) <= set(values):
            return super().render(name, value, attrs, renderer)
        key = (get_language(), name, values, chosen,
               tuple(sorted({**self.attrs, **(attrs or {})}.items())))
        html = self._kept.get(key)
        if html is None:
            if len(self._kept) >= self._MAX_KEPT:
                self._kept.clear()
            html = self._kept[key] = super().render(name, value, attrs, renderer)
        return html


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Title contains"), required=False, max_length=100)
    language = forms.ChoiceField(label=_("Language"), required=False, widget=RenderedOnceSelect,
                                 choices=[("", _("Any language")), *global_settings.LANGUAGES])
    tag = forms.CharField(label=_("Tag"), required=False, max_length=40)


def parse_tags(text: str) -> list[str]:
    tags = []
    for part in (text or "").replace(";", ",").split(","):
        tag = " ".join(part.split()).lower()[:40]
        if tag and tag not in tags:
            tags.append(tag)
    return tags


class MaterialForm(forms.Form):
    chapter = forms.ModelChoiceField(label=_("Shared by chapter"), queryset=None,
                                     empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=4000,
                                  widget=Textarea(attrs={"rows": 3}))
    url = forms.URLField(label=_("Link"), required=False, max_length=500,
                         help_text=_("A link (slides, a recording), or upload a file below."))
    file = forms.FileField(label=_("File"), required=False,
                           help_text=_("PDF, ODT, DOCX, PNG, JPEG or plain text, up to 10 MB."))
    languages = forms.MultipleChoiceField(label=_("Languages"), choices=settings.LANGUAGES,
                                          widget=forms.CheckboxSelectMultiple)
    tags = forms.CharField(label=_("Tags"), required=False, max_length=400,
                           help_text=_("Separated by commas, for example: flyer, onboarding."))

    def __init__(self, *args, chapters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chapter"].queryset = chapters

    def clean_file(self):
        from cdp.uploads import validate_resource_file

        file = self.cleaned_data.get("file")
        if file:
            validate_resource_file(file)
        return file

    def clean_tags(self) -> list[str]:
        tags = parse_tags(self.cleaned_data.get("tags", ""))
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(_("At most %(n)s tags.") % {"n": MAX_TAGS})
        return tags

    def clean(self):
        data = super().clean()
        if not data.get("url") and not data.get("file") and not self.has_error("file"):
            raise forms.ValidationError(_("Give a link or upload a file."))
        return data
