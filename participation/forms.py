"""The participant's forms on their programme page: an answer per session, and their needs per visit; and
the coordinators' notes on what a delegation member needs, on the member's forms of the directory and the
admin.

The forms check the shape of what was sent; the services and the model decide what may be saved, and their
errors are shown on the fields they name.
"""

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from participation.models import NOTE_MAX_LENGTH, Diet, ParticipantNeeds
from participation.selectors import MEMBER_NOTES, member_notes
from visits.fields import language_choices
from visits.models import Visit


class AnswerForm(forms.Form):
    """The two buttons of one session: attending=yes or attending=no."""

    session = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    attending = forms.TypedChoiceField(
        choices=[("yes", _("I will attend")), ("no", _("I will not attend"))],
        coerce=lambda value: value == "yes",
        error_messages={"invalid_choice": _("Answer “yes” or “no”.")},
    )


def note(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def translated_language_choices(first: list[str]) -> list[Any]:
    """Languages by their names in the active language; those in `first` (the delegation's) on top."""
    named = sorted(
        ((code, str(get_language_info(code)["name_translated"])) for code, _name in language_choices()),
        key=lambda item: item[1].casefold(),
    )
    top = [(code, name) for code, name in named if code in first]
    if not top:
        return [("", _("No interpreting needed")), *named]
    rest = [(code, name) for code, name in named if code not in first]
    return [
        ("", _("No interpreting needed")),
        (_("Languages of your delegation"), top),
        (_("All languages"), rest),
    ]


class NeedsForm(forms.Form):
    """A participant's needs for one visit."""

    visit = forms.IntegerField(widget=forms.HiddenInput)
    dietary = forms.MultipleChoiceField(
        label=_("Food"),
        choices=Diet.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick all that apply. Leave empty if you prefer not to say."),
    )
    dietary_note = note(_("Anything else about food"), _("Allergies, or the diet you follow if “Other”."))
    wheelchair = forms.BooleanField(label=_("I use a wheelchair"), required=False)
    accessibility_note = note(
        _("Anything else about access"), _("Steps, hearing, seeing, walking distances, rest breaks.")
    )
    interpreting_language = forms.ChoiceField(label=_("I need interpreting into"), required=False, choices=[])
    interpreting_note = note(_("Anything else about language"))

    def __init__(self, *args: Any, visit: Visit, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"needs-{visit.pk}-%s")
        super().__init__(*args, **kwargs)
        self.needs_visit = visit  # not `visit`: in templates form.visit is the hidden field
        self.fields["visit"].initial = visit.pk
        delegation = visit.delegation
        first = list(delegation.languages) if delegation is not None else []
        languages = self.fields["interpreting_language"]
        assert isinstance(languages, forms.ChoiceField)
        languages.choices = translated_language_choices(first)

    @classmethod
    def initial_from(cls, needs: ParticipantNeeds | None) -> dict[str, Any]:
        if needs is None:
            return {}
        return {
            name: getattr(needs, name)
            for name in (
                "dietary",
                "dietary_note",
                "wheelchair",
                "accessibility_note",
                "interpreting_language",
                "interpreting_note",
            )
        }


class MemberNeedsForm(forms.ModelForm):
    """A delegation membership's form, with the coordinators' notes on what the member needs: not fields of
    the membership, but kept by participation (save them with participation.services.member_needs_set and
    `needs_data()`). Subclasses name DelegationMember and its fields in their Meta."""

    # Labelled as a model field's would be: the notes were fields of the membership once.
    dietary_needs = forms.CharField(label=capfirst(_("dietary needs")), max_length=200, required=False)
    accessibility_needs = forms.CharField(
        label=capfirst(_("accessibility needs")), max_length=200, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            notes = member_notes(self.instance)
            for name in MEMBER_NOTES:
                self.initial.setdefault(name, getattr(notes, name))

    def needs_data(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in MEMBER_NOTES}
