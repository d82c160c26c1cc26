from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.utils.translation import gettext_lazy as _

from chapters.enums import ChapterKind
from chapters.forms import QuickSelect, country_choices, language_choices
from chapters.geo import resolve_place
from core.forms import Textarea
from members.models import MembershipPolicy, User

from .models import Application, TrainingResource

MAX_INVITES = 20


class PlaceChoiceField(forms.ChoiceField):
    """Its choices come from the city typed in the same form, so clean() checks the value."""

    def valid_value(self, value) -> bool:
        return True


# The rule fields of an application, and the baseline value that fixes each one: where the
# network's baseline already decides a rule, no chapter can loosen it (members.rules).
RULE_FIELDS_FIXED_BY = {
    "exclude_hire_fire": True,
    "exclude_owners_executives_investors": True,
    "allow_supporters": False,
    "approval_required": True,
}


def network_fixed_rules() -> dict[str, bool]:
    """The application's rule fields the network baseline decides, with their value."""
    version = MembershipPolicy.objects.current_versions([]).get(None)
    if version is None:
        return {}
    return {name: value for name, value in RULE_FIELDS_FIXED_BY.items()
            if getattr(version, name) == value}


class ApplicationForm(forms.ModelForm):
    """The application; `place` is offered once the city has been looked up. Rules the
    network fixes are shown as fixed, not as fields; a person without a display name is
    asked for one (the launched chapter names its organizers)."""

    languages = forms.MultipleChoiceField(
        label=_("Languages the chapter will use"), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    country = forms.ChoiceField(label=_("Country"), required=False, widget=QuickSelect,
                                help_text=_("Optional: it helps find the right city."))
    display_name = forms.CharField(
        label=_("Your name as others see it"), max_length=80, required=False,
        help_text=_("Shown to your coach and, once the chapter launches, on its page as "
                    "one of its organizers. A pseudonym is fine."),
    )
    invited_emails = forms.CharField(
        label=_("Invite co-applicants (optional)"), required=False,
        widget=Textarea(attrs={"rows": 3}),
        help_text=_("One email address per line. They get an email asking them to sign in "
                    "with that address to see and edit this application."),
    )
    place = PlaceChoiceField(label=_("Which place do you mean?"), required=False,
                             choices=(), widget=forms.RadioSelect)

    class Meta:
        model = Application
        fields = ["proposed_name", "kind", "city", "country", "languages", "core_group_size",
                  "why", "sectors", "how_heard", "description", "contact_email",
                  "meeting_frequency", "exclude_hire_fire",
                  "exclude_owners_executives_investors", "allow_supporters",
                  "approval_required"]
        widgets = {"kind": forms.RadioSelect, "why": Textarea(attrs={"rows": 4}),
                   "sectors": Textarea(attrs={"rows": 2}),
                   "description": Textarea(attrs={"rows": 4})}
        help_texts = {
            "description": _("For the chapter's public page: who you are, what you do, how "
                             "to take part. You can change it later."),
            "contact_email": _("Shown on the chapter's public page. A shared address is "
                               "safer than a personal one."),
            "meeting_frequency": _("For example: every second Tuesday, online."),
        }

    def __init__(self, *args, invite: bool = True, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = []
        self.fields["languages"].choices = language_choices()
        self.fields["country"].choices = [("", _("Choose a country")), *country_choices()]
        self.fixed_rules = network_fixed_rules()
        for name in self.fixed_rules:
            del self.fields[name]
        if user is None or user.display_name:
            del self.fields["display_name"]
        self.fields["core_group_size"].validators.append(MinValueValidator(1))
        self.fields["core_group_size"].widget.attrs.update(min=1, max=1000)
        self.fields["core_group_size"].validators.append(MaxValueValidator(1000))
        if not invite:
            del self.fields["invited_emails"]

    @property
    def fixed_rule_labels(self) -> list[str]:
        """The network's rules for every chapter, in the words of the fields they fix."""
        return [Application._meta.get_field(name).verbose_name if value
                else _("not open to supporters who do not work in tech")
                for name, value in self.fixed_rules.items()]

    def clean_invited_emails(self) -> list[str]:
        emails = [line.strip().lower() for line in
                  (self.cleaned_data.get("invited_emails") or "").replace(",", "\n").splitlines()
                  if line.strip()]
        if len(emails) > MAX_INVITES:
            raise forms.ValidationError(_("Invite at most %(n)d people.") % {"n": MAX_INVITES})
        for email in emails:
            try:
                validate_email(email)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(email)s” is not an email address.") % {"email": email[:100]},
                ) from None
        return emails

    def clean(self):
        data = super().clean()
        if data.get("kind") == ChapterKind.ONLINE:
            data["place_obj"] = None
            return data
        city = (data.get("city") or "").strip()
        if not city:
            self.add_error("city", _("A local chapter needs a city."))
            return data
        places = resolve_place(city[:120])
        if data.get("country"):
            places = [p for p in places if p.country_code == data["country"]]
        if not places:
            self.add_error("city", _("We could not find this city. Check the spelling or "
                                     "the country."))
            return data
        self.places = places
        country_names = dict(country_choices())
        self.fields["place"].choices = [
            (p.pk, f"{p.name}, {p.region_name + ', ' if p.region_name else ''}"
                f"{country_names.get(p.country_code, p.country_code)}")
            for p in places]
        chosen = data.get("place") or ""
        by_id = {str(p.pk): p for p in places}
        if len(places) == 1:
            data["place_obj"] = places[0]
        elif chosen in by_id:
            data["place_obj"] = by_id[chosen]
        else:
            data["place_obj"] = None
            self.needs_place_choice = True
        return data

    needs_place_choice = False

    def application_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields if name in self.fields}
        fields.update(self.fixed_rules)
        place = data.get("place_obj")
        fields["place"] = place
        if place is not None:
            fields["city"], fields["country"] = place.name, place.country_code
        if data["kind"] == ChapterKind.ONLINE:
            fields.update(place=None, city="", country="")
        return fields


class PageDetailsForm(forms.ModelForm):
    """What the launched chapter's page will say, asked for while the group is in the
    program when the application left it out."""

    languages = forms.MultipleChoiceField(
        label=_("Languages the chapter will use"), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Application
        fields = ["description", "contact_email", "meeting_frequency", "languages"]
        widgets = {"description": Textarea(attrs={"rows": 4})}
        help_texts = ApplicationForm.Meta.help_texts

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = language_choices()


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=5000,
                           widget=Textarea(attrs={"rows": 3}))


class CoachingNoteForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("Note"), max_length=10000,
                           widget=Textarea(attrs={"rows": 3}))


class AssignCoachForm(forms.Form):
    coach = forms.ModelChoiceField(label=_("Coach"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = User.objects.filter(is_coach=True, is_active=True)


class TrainingResourceForm(forms.ModelForm):
    class Meta:
        model = TrainingResource
        fields = ["title", "url", "file", "language"]

    def clean(self):
        data = super().clean()
        if not data.get("url") and not data.get("file"):
            raise forms.ValidationError(_("Give a link or upload a file."))
        return data
