from django import forms
from django.conf import global_settings
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.utils.translation import gettext_lazy as _

from chapters.enums import ChapterKind
from chapters.geo import resolve_place
from members.models import User

from .models import Application, TrainingResource

MAX_INVITES = 20


class PlaceChoiceField(forms.ChoiceField):
    """Its choices come from the city typed in the same form, so clean() checks the value."""

    def valid_value(self, value) -> bool:
        return True


class ApplicationForm(forms.ModelForm):
    """The application; `place` is offered once the city has been looked up."""

    languages = forms.MultipleChoiceField(
        label=_("Languages the chapter will use"), choices=global_settings.LANGUAGES,
        required=False, widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or Cmd) to choose more than one."),
    )
    invited_emails = forms.CharField(
        label=_("Invite co-applicants (optional)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One email address per line. They get an email asking them to sign in "
                    "with that address to see and edit this application."),
    )
    place = PlaceChoiceField(label=_("Which place do you mean?"), required=False,
                             choices=(), widget=forms.RadioSelect)

    class Meta:
        model = Application
        fields = ["proposed_name", "kind", "city", "country", "languages", "core_group_size",
                  "why", "sectors", "how_heard", "exclude_hire_fire",
                  "exclude_owners_executives_investors", "allow_supporters",
                  "approval_required"]
        widgets = {"kind": forms.RadioSelect, "why": forms.Textarea(attrs={"rows": 4}),
                   "sectors": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"country": _("Two letters, for example DE or IT. Optional.")}

    def __init__(self, *args, invite: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = []
        self.fields["core_group_size"].validators.append(MinValueValidator(1))
        self.fields["core_group_size"].widget.attrs.update(min=1, max=1000)
        self.fields["core_group_size"].validators.append(MaxValueValidator(1000))
        if not invite:
            del self.fields["invited_emails"]

    def clean_country(self) -> str:
        country = (self.cleaned_data.get("country") or "").strip().upper()
        if country and not (len(country) == 2 and country.isalpha()):
            raise forms.ValidationError(_("Use the two-letter country code, for example DE."))
        return country

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
                                     "the country code."))
            return data
        self.places = places
        self.fields["place"].choices = [
            (p.pk, f"{p.name}, {p.region_name + ', ' if p.region_name else ''}{p.country_code}")
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
        fields = {name: data[name] for name in self.Meta.fields}
        place = data.get("place_obj")
        fields["place"] = place
        if place is not None:
            fields["city"], fields["country"] = place.name, place.country_code
        if data["kind"] == ChapterKind.ONLINE:
            fields.update(place=None, city="", country="")
        return fields


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class CoachingNoteForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("Note"), max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 3}))


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
