"""The public registration form and the coordinators' settings form. Every field says what it accepts; the
sizes are the model's, so nothing the database would refuse gets that far."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from participation.models import NOTE_MAX_LENGTH, Diet, validate_diets
from registration.models import TEXT_MAX_LENGTH, RegistrationSettings
from registration.services import Answers
from visits.fields import translated_language_choices
from visits.models import TargetGroup

NAME_MAX_LENGTH = 200


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=NAME_MAX_LENGTH)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("Your confirmation, calendar invitation and programme come to this address."),
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=TEXT_MAX_LENGTH)
    role = forms.CharField(label=_("Your role or title"), max_length=TEXT_MAX_LENGTH, required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", "—"), *TargetGroup.choices])
    dietary = forms.MultipleChoiceField(
        label=_("Diet"), choices=Diet.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    dietary_note = forms.CharField(
        label=_("Note on diet"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    wheelchair = forms.BooleanField(label=_("I use a wheelchair"), required=False)
    accessibility_note = forms.CharField(
        label=_("Other accessibility needs"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    interpreting_language = forms.ChoiceField(
        label=_("Interpreting into"),
        required=False,
        help_text=_("Leave empty if you need no interpreting."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the organisers keep these details to run this seminar, and erase them after it, as "
            "the privacy notice says."
        ),
        error_messages={"required": _("Tick this box to register: we cannot register you without it.")},
    )
    # Left empty by people (it is hidden from them); filled in by robots that fill in every field.
    website = forms.CharField(required=False, label=_("Leave this field empty"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["interpreting_language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", "—"), *translated_language_choices()]

    def clean_name(self) -> str:
        name: str = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(gettext("Give your name."), code="required")
        return name

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip()

    def clean_dietary(self) -> list[str]:
        value = list(self.cleaned_data.get("dietary") or [])
        validate_diets(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if Diet.OTHER in (cleaned.get("dietary") or []) and not (cleaned.get("dietary_note") or "").strip():
            self.add_error(
                "dietary_note", gettext("You chose “Other”: say in the note which diet you follow.")
            )
        return cleaned

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))

    def answers(self, language: str) -> Answers:
        data = self.cleaned_data
        return Answers(
            name=data["name"],
            email=data["email"],
            organisation=data["organisation"].strip(),
            role=data["role"].strip(),
            sector=data["sector"],
            dietary=data["dietary"],
            dietary_note=data["dietary_note"].strip(),
            wheelchair=data["wheelchair"],
            accessibility_note=data["accessibility_note"].strip(),
            interpreting_language=data["interpreting_language"],
            language=language,
        )


class RegistrationSettingsForm(forms.ModelForm):
    class Meta:
        model = RegistrationSettings
        fields = ["is_open", "capacity", "closes_at", "confirm_within_hours"]
