"""Forms: following, watching a place, writing an announcement."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import Textarea
from onboarding.models import OnboardingSession

from .models import Audience, FollowChoice, Message, TextFormat

CHOICES = [(c.value, c.label) for c in FollowChoice if c != FollowChoice.OFF]


class FollowForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254)
    choice = forms.ChoiceField(label=_("What would you like to receive?"), choices=CHOICES,
                               initial=FollowChoice.SESSIONS, widget=forms.RadioSelect)


class ChoiceForm(forms.Form):
    """Signed in: the address is the person's own; only the choice is asked."""

    choice = forms.ChoiceField(label=_("What would you like to receive?"),
                               choices=[*CHOICES, (FollowChoice.OFF.value,
                                                   _("Nothing: stop following"))],
                               initial=FollowChoice.SESSIONS, widget=forms.RadioSelect)


class WatchForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254)
    lat = forms.FloatField(min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(min_value=-180, max_value=180, widget=forms.HiddenInput)


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Message
        fields = ["subject", "body", "text_format", "audience", "session", "is_public"]
        labels = {"body": _("Text"), "is_public": _("Show it on the chapter's page and feed")}
        help_texts = {
            "text_format": _("Markdown: **bold**, *italics*, [a link](https://example.org), "
                             "lines starting with “- ” for a list."),
            "session": _("Only for the audience “people registered for an upcoming session”."),
        }
        widgets = {"text_format": forms.RadioSelect, "audience": forms.RadioSelect,
                   "body": Textarea}

    def __init__(self, *args, chapter=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].required = True
        self.fields["body"].required = True
        self.fields["body"].max_length = 20_000
        self.fields["text_format"].choices = TextFormat.choices
        if chapter is None:  # network-wide: followers and members of every chapter
            self.fields["audience"].choices = [(Audience.FOLLOWERS.value,
                                                _("Followers and members of every chapter"))]
            del self.fields["session"]
        else:
            self.fields["audience"].choices = Audience.choices
            self.fields["session"].queryset = (
                OnboardingSession.objects.filter(chapter=chapter).upcoming(timezone.now())
                .order_by("starts_at"))
            self.fields["session"].required = False

    def clean(self):
        data = super().clean()
        if data.get("audience") == Audience.REGISTRANTS and not data.get("session"):
            self.add_error("session", _("Choose the session whose registrants you write to."))
        return data


class SendForm(forms.Form):
    """The second look: the number of people the organizer saw and agreed to."""

    expected = forms.IntegerField(min_value=0, max_value=10_000_000, widget=forms.HiddenInput)
