"""Forms: sessions entered in the chapter's time zone, sign-up, listing filters."""

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.forms import Textarea
from core.locale import zone

from .models import OnboardingSession, SessionFormat
from .times import in_zone, make_aware_strict

LOCAL_INPUT = "%Y-%m-%dT%H:%M"
TIME_FIELDS = ("starts_at", "ends_at", "registration_closes_at")
# A session is planned (or corrected) within this distance of today: year 9999 or year 1
# would only overflow time zone arithmetic for every visitor east or west of UTC.
SESSION_HORIZON = dt.timedelta(days=5 * 365)
# A session is a meeting, listed as upcoming until it ends: one lasting months would sit at
# the top of the list all that time.
LONGEST_SESSION = dt.timedelta(hours=24)
# The funnel looks back this far and no further ahead than the horizon.
FIRST_FUNNEL_YEAR = 2000


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format=LOCAL_INPUT)


class SessionForm(forms.ModelForm):
    """Times are typed as wall-clock times in the chapter's zone and stored in UTC."""

    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=LocalDateTimeInput(), input_formats=[LOCAL_INPUT,
                                                                           "%Y-%m-%d %H:%M"])
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=LocalDateTimeInput(), input_formats=[LOCAL_INPUT,
                                                                         "%Y-%m-%d %H:%M"])
    registration_closes_at = forms.DateTimeField(
        label=_("Registration closes at"), required=False, widget=LocalDateTimeInput(),
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"],
        help_text=_("Leave empty to close registration when the session starts."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = OnboardingSession
        fields = [
            "title", "description", "starts_at", "ends_at", "format", "language", "capacity",
            "facilitators", "venue_address", "call_link", "registration_closes_at",
        ]
        widgets = {"description": Textarea, "venue_address": Textarea}
        help_texts = {
            "facilitators": _("Names or pseudonyms, as they want to be shown."),
            "venue_address": _("Shown only to people with a confirmed place."),
            "call_link": _("Shown only to people with a confirmed place."),
        }

    def __init__(self, *args, chapter, usual_length: dt.timedelta | None = None, **kwargs):
        self.chapter = chapter
        self.usual_length = usual_length
        instance = kwargs.get("instance")
        if instance is not None and instance.pk and "initial" not in kwargs:
            tz = zone(chapter.timezone) or dt.UTC
            kwargs["initial"] = {
                name: in_zone(getattr(instance, name), tz).replace(tzinfo=None)
                for name in TIME_FIELDS if getattr(instance, name)
            }
        super().__init__(*args, **kwargs)
        self.fields["capacity"].min_value = 1
        self.fields["capacity"].widget.attrs.update(min=1, max=10000)
        for name in TIME_FIELDS:
            self.fields[name].help_text = (
                self.fields[name].help_text or _("In the chapter's time zone (%(zone)s).")
                % {"zone": chapter.timezone}
            )
        if usual_length:
            minutes = int(usual_length.total_seconds() // 60)
            self.fields["ends_at"].required = False
            self.fields["ends_at"].help_text = ngettext(
                "Leave empty for the chapter's usual length: %(minutes)d minute.",
                "Leave empty for the chapter's usual length: %(minutes)d minutes.", minutes,
            ) % {"minutes": minutes}

    def _clean_local(self, name):
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        # The field read the wall-clock time in the active zone; keep the wall-clock time.
        naive = value.replace(tzinfo=None)
        today = timezone.now().replace(tzinfo=None)
        if not today - SESSION_HORIZON <= naive <= today + SESSION_HORIZON:
            raise forms.ValidationError(
                _("Choose a time within five years of today."), code="out_of_range")
        aware = make_aware_strict(naive, self.chapter.timezone)
        if aware is None:
            raise forms.ValidationError(
                _("This time does not exist in %(zone)s (the clocks change that night)."),
                params={"zone": self.chapter.timezone}, code="dst_gap",
            )
        return aware

    def clean_starts_at(self):
        return self._clean_local("starts_at")

    def clean_ends_at(self):
        ends = self._clean_local("ends_at")
        starts = self.cleaned_data.get("starts_at")
        if ends is None and starts is not None and self.usual_length:
            return starts + self.usual_length
        return ends

    def clean_registration_closes_at(self):
        return self._clean_local("registration_closes_at")

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity < 1 or capacity > 10000:
            raise forms.ValidationError(_("Between 1 and 10,000 places."))
        return capacity

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        closes = data.get("registration_closes_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        elif starts and ends and ends - starts > LONGEST_SESSION:
            self.add_error("ends_at", _("A session lasts at most 24 hours. For a longer "
                                        "event, add a session for each day."))
        if starts and closes and closes > starts:
            self.add_error(
                "registration_closes_at", _("Registration must close before the session starts."))
        fmt = data.get("format")
        if fmt in (SessionFormat.IN_PERSON, SessionFormat.HYBRID) and not data.get(
                "venue_address"):
            self.add_error("venue_address", _("An in-person session needs a venue address."))
        if fmt in (SessionFormat.ONLINE, SessionFormat.HYBRID) and not data.get("call_link"):
            self.add_error("call_link", _("An online session needs a call link."))
        return data


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to everyone registered)"), max_length=300, required=False)


class RegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=120,
        help_text=_("A pseudonym is fine."))
    email = forms.EmailField(
        label=_("Email address"), max_length=254,
        help_text=_("We send a confirmation link. Nothing else is needed: no password."))


class OneTapForm(forms.Form):
    """A signed-in person signs up with their account's address: one tap. The name is asked
    only when the account has none."""

    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("A pseudonym is fine."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.display_name:
            del self.fields["name"]


class ConfirmForm(forms.Form):
    """Confirming a sign-up from the emailed link: the holder of the address sees the name it
    was made under (perhaps typed by someone else) and confirms under the name they choose."""

    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("A pseudonym is fine."))


class CodeForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    code = forms.CharField(label=_("Code from the email"), max_length=12)


class FilterForm(forms.Form):
    # Typed, not picked from a list: a network of thousands of chapters cannot ship them all
    # in every page. A chapter's slug (links from its page) or part of its name.
    chapter = forms.CharField(label=_("Chapter"), required=False, max_length=120)
    language = forms.ChoiceField(
        label=_("Language"), required=False,
        choices=[("", _("Any language"))] + list(settings.LANGUAGES))
    format = forms.ChoiceField(
        label=_("Format"), required=False,
        choices=[("", _("Any format"))] + list(SessionFormat.choices))


class MonthForm(forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m"], required=False,
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))

    def clean_month(self):
        month = self.cleaned_data.get("month")
        if month is None:
            return None
        last = (timezone.now() + SESSION_HORIZON).date()
        if not dt.date(FIRST_FUNNEL_YEAR, 1, 1) <= month <= last:
            raise forms.ValidationError(
                _("Choose a month between %(first)s and %(last)s."),
                params={"first": f"{FIRST_FUNNEL_YEAR}-01", "last": last.strftime("%Y-%m")},
                code="out_of_range")
        return month
