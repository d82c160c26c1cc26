"""Forms of the members app: joining, profile, policy, organizer decisions."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import Textarea

from .enums import MembershipRole, MembershipStatus
from .models import User
from .rules import QUESTION_TEXT, Rules, needed_questions

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class ProfileForm(forms.ModelForm):
    """The least a profile holds; an employer is never asked."""

    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"), choices=settings.LANGUAGES, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = User
        fields = ["display_name", "pronouns", "work_kind", "languages", "preferred_language"]
        labels = {"preferred_language": _("Language of the emails we send you")}

    def __init__(self, *args, join: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
        self.fields["work_kind"].required = True
        self.fields["pronouns"].help_text = _("Optional.")
        if join:
            del self.fields["preferred_language"]


class JoinForm(forms.Form):
    """Only the questions the chapter's rules need, and the chapter's own questions."""

    def __init__(self, *args, rules: Rules, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rules = rules
        for key in needed_questions(rules):
            self.fields[key] = forms.ChoiceField(
                label=QUESTION_TEXT[key], choices=YES_NO, widget=forms.RadioSelect,
            )
        for index, question in enumerate(rules.questions):
            self.fields[f"question_{index}"] = forms.CharField(
                label=question.text, required=question.required, max_length=2000,
                widget=Textarea(attrs={"rows": 3}),
                help_text="" if question.required else _("Optional."),
            )

    def answers(self) -> dict:
        data = {key: self.cleaned_data[key] for key in needed_questions(self.rules)}
        data["questions"] = {
            q.text: self.cleaned_data.get(f"question_{i}", "").strip()
            for i, q in enumerate(self.rules.questions)
        }
        return data


# A chapter's own questions, each one field of the join form.
MAX_QUESTIONS = 20
MAX_QUESTION_LENGTH = 300


def _lines_to_questions(text: str) -> list[dict]:
    questions = []
    for line in text.splitlines():
        line = line.strip()
        question = line.lstrip("* ").strip()
        if question:
            questions.append({"text": question, "required": line.startswith("*")})
    return questions


class PolicyForm(forms.Form):
    exclude_hire_fire = forms.BooleanField(
        label=_("Exclude people who can hire or fire, or decide who is hired or fired"),
        required=False)
    exclude_owners_executives_investors = forms.BooleanField(
        label=_("Exclude owners, executives and investors"), required=False)
    allow_supporters = forms.BooleanField(
        label=_("Welcome people who do not work in tech but support workers' organizing"),
        required=False)
    approval_required = forms.BooleanField(
        label=_("An organizer approves each request"), required=False)
    questions = forms.CharField(
        label=_("Your own questions"), required=False, widget=Textarea(attrs={"rows": 4}),
        help_text=_("One question per line. Start a line with * to make its answer required."))
    note = forms.CharField(
        label=_("Why this change?"), max_length=300,
        help_text=_("A short note shown in the history, for example \"managers without "
                    "firing power may now join\"."))

    def clean_questions(self) -> str:
        """Refused rather than cut or merged: a question longer than the join form keeps,
        more questions than it asks, or one asked twice (its answers would be one)."""
        questions = _lines_to_questions(self.cleaned_data["questions"])
        if len(questions) > MAX_QUESTIONS:
            raise forms.ValidationError(
                _("Ask at most %(max)d questions (these lines have %(count)d)."),
                params={"max": MAX_QUESTIONS, "count": len(questions)}, code="too_many")
        seen = set()
        for question in questions:
            if len(question["text"]) > MAX_QUESTION_LENGTH:
                raise forms.ValidationError(
                    _("Keep each question within %(max)d characters: “%(start)s…” has "
                      "%(length)d."),
                    params={"max": MAX_QUESTION_LENGTH, "start": question["text"][:40],
                            "length": len(question["text"])}, code="too_long")
            if question["text"] in seen:
                raise forms.ValidationError(
                    _("Ask each question once: “%(text)s” is there twice."),
                    params={"text": question["text"]}, code="duplicate")
            seen.add(question["text"])
        return self.cleaned_data["questions"]

    def __init__(self, *args, baseline: Rules | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.baseline = baseline
        if baseline is None:
            return
        fixed = {
            "exclude_hire_fire": baseline.exclude_hire_fire,
            "exclude_owners_executives_investors": baseline.exclude_owners_executives_investors,
            "allow_supporters": not baseline.allow_supporters,
            "approval_required": baseline.approval_required,
        }
        for name, is_fixed in fixed.items():
            if is_fixed:
                self.fields[name].disabled = True
                self.initial[name] = name != "allow_supporters"
                self.fields[name].help_text = _("Set by the network for every chapter.")

    def rules(self) -> dict:
        data = {name: self.cleaned_data[name] for name in (
            "exclude_hire_fire", "exclude_owners_executives_investors", "allow_supporters",
            "approval_required")}
        data["questions"] = _lines_to_questions(self.cleaned_data["questions"])
        return data


def policy_initial(version) -> dict:
    if version is None:
        return {"allow_supporters": True, "approval_required": True}
    return {
        "exclude_hire_fire": version.exclude_hire_fire,
        "exclude_owners_executives_investors": version.exclude_owners_executives_investors,
        "allow_supporters": version.allow_supporters,
        "approval_required": version.approval_required,
        "questions": "\n".join(
            ("* " if q.get("required") else "") + str(q.get("text", ""))
            for q in version.questions if isinstance(q, dict)),
    }


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or email"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Any status"))] + list(MembershipStatus.choices))
    role = forms.ChoiceField(
        label=_("Role"), required=False,
        choices=[("", _("Any role"))] + list(MembershipRole.choices))


class RemoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
    notify = forms.BooleanField(label=_("Email the person the reason"), required=False)


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that this deletes my account and cannot be undone."))
