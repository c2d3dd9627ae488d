"""The public request form, the requester's answer, and the coordinators' decision."""

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from intake.models import MAX_GROUP_SIZE, RequestLanguage, VisitRequest
from visits.fields import translated_language_choices
from visits.models import TargetGroup, Theme

LONGEST_VISIT_DAYS = 21
# How far ahead a visit may be asked for: the agency plans a year or two ahead at most.
FURTHEST_AHEAD_DAYS = 2 * 366
# The honeypot: a field people do not see (hidden by the page's style, skipped by the keyboard) and bots fill.
HONEYPOT = "website"


class RequestForm(forms.ModelForm):
    submission = forms.UUIDField(widget=forms.HiddenInput)
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(),
        required=False,
        label=_("Themes"),
        widget=forms.CheckboxSelectMultiple,
    )
    target_group = forms.ChoiceField(
        choices=TargetGroup.choices, label=_("Target group"), widget=forms.RadioSelect
    )
    languages = forms.TypedMultipleChoiceField(
        choices=translated_language_choices,
        label=_("Languages"),
        help_text=_("Languages the group can follow a meeting in (choose one or more)."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    consent = forms.BooleanField(label=_("I agree to the processing of these data"))

    class Meta:
        model = VisitRequest
        fields = [
            "organisation",
            "country",
            "target_group",
            "themes",
            "themes_note",
            "starts_on",
            "ends_on",
            "dates_note",
            "group_size",
            "languages",
            "contact_name",
            "contact_title",
            "contact_email",
            "contact_phone",
            "language",
            "message",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "themes_note": forms.Textarea(attrs={"rows": 3}),
            "message": forms.Textarea(attrs={"rows": 4}),
            "group_size": forms.NumberInput(attrs={"min": 1, "max": MAX_GROUP_SIZE}),
        }
        labels = {
            "starts_on": _("Preferred first day"),
            "ends_on": _("Preferred last day"),
            "language": _("We write to you in"),
            "message": _("Anything else we should know"),
        }
        help_texts = {
            "group_size": _("How many people would travel (1 to %(most)d).") % {"most": MAX_GROUP_SIZE},
            "dates_note": _("How flexible the dates are, for instance."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4())
            page = (get_language() or "en")[:2]
            self.initial.setdefault("language", page if page in RequestLanguage.values else "en")
        self.fields[HONEYPOT].help_text = ""

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        today = timezone.localdate()
        if starts_on is not None:
            if starts_on <= today:
                self.add_error("starts_on", _("Give a first day after today."))
            elif starts_on > today + dt.timedelta(days=FURTHEST_AHEAD_DAYS):
                self.add_error("starts_on", _("Give a first day within two years from today."))
        if starts_on is not None and ends_on is not None:
            if ends_on < starts_on:
                self.add_error("ends_on", _("The last day cannot be before the first day."))
            elif (ends_on - starts_on).days + 1 > LONGEST_VISIT_DAYS:
                self.add_error(
                    "ends_on",
                    _("A study visit lasts at most %(days)d days: give a last day closer to the first.")
                    % {"days": LONGEST_VISIT_DAYS},
                )
        return data

    def request_data(self) -> dict[str, Any]:
        """The request's own fields, as the service saves them."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "themes"}
        data["contact_email"] = data["contact_email"].strip()
        return data


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("At most 4,000 characters."),
    )


class DecisionForm(forms.Form):
    ACCEPT, MORE, DECLINE = "accept", "more", "decline"

    action = forms.ChoiceField(
        choices=[(ACCEPT, _("Accept")), (MORE, _("Ask for more")), (DECLINE, _("Decline"))],
        label=_("Decision"),
    )
    message = forms.CharField(
        label=_("Message to the requester"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sent in the requester's language; needed to ask for more or to decline."),
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("action") in {self.MORE, self.DECLINE} and not (data.get("message") or "").strip():
            self.add_error("message", _("Write what you ask for, or why the request is declined."))
        return data


def retention_days() -> int:
    return int(settings.INTAKE_RETENTION_DAYS)
