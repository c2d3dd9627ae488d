"""The forms on an expert's answer page. Times proposed are read in the zone of the session's venue."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from responses.answers import Proposal
from responses.services import NOTE_MAX

PROPOSAL_ROWS = 3


class AnswerForm(forms.Form):
    ACTIONS = ("confirm", "decline", "propose", "pass")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=NOTE_MAX, widget=forms.Textarea
    )
    colleague_name = forms.CharField(label=_("Your colleague's name"), required=False, max_length=200)
    colleague_email = forms.EmailField(label=_("Your colleague's e-mail"), required=False)

    def __init__(self, *args: Any, zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        for row in range(1, PROPOSAL_ROWS + 1):
            self.fields[f"date_{row}"] = forms.DateField(
                label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
            )
            self.fields[f"start_{row}"] = forms.TimeField(
                label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
            )
            self.fields[f"end_{row}"] = forms.TimeField(
                label=_("To"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
            )

    def proposal_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"date_{r}"], self[f"start_{r}"], self[f"end_{r}"]) for r in range(1, PROPOSAL_ROWS + 1)
        ]

    def proposals(self) -> list[Proposal]:
        """The rows filled in, as aware times in the venue's zone. Half-filled rows are errors."""
        found = []
        for row in range(1, PROPOSAL_ROWS + 1):
            date = self.cleaned_data.get(f"date_{row}")
            start = self.cleaned_data.get(f"start_{row}")
            end = self.cleaned_data.get(f"end_{row}")
            if not (date or start or end):
                continue
            if not (date and start and end):
                self.add_error(f"date_{row}", _("Give a date, a start and an end, or leave the row empty."))
                continue
            starts = dt.datetime.combine(date, start, tzinfo=self.zone)
            ends = dt.datetime.combine(date, end, tzinfo=self.zone)
            found.append(Proposal(starts, ends))
        return found


class InterpreterAnswerForm(forms.Form):
    ACTIONS = ("confirm", "decline", "pass")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=NOTE_MAX, widget=forms.Textarea
    )
    colleague_name = forms.CharField(label=_("Your colleague's name"), required=False, max_length=200)
    colleague_email = forms.EmailField(label=_("Your colleague's e-mail"), required=False)
