"""The report's period: `from` and `to` dates in the query string; the current year where left out."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from reports.figures import Period

DATE_ERROR = gettext_lazy("Enter a date as year-month-day, such as 2027-01-31.")


class PeriodForm(forms.Form):
    """`from` and `to` are Python keywords, so the fields are added by name rather than declared."""

    def __init__(self, data: Any = None, *, today: dt.date | None = None) -> None:
        self.today = today or timezone.localdate()
        defaults = Period.year(self.today.year)
        given = {
            key: data.get(key, "").strip() for key in ("from", "to") if data and data.get(key, "").strip()
        }
        super().__init__({"from": defaults.first.isoformat(), "to": defaults.last.isoformat(), **given})
        self.fields["from"] = forms.DateField(
            label=gettext_lazy("From"),
            input_formats=["%Y-%m-%d"],
            error_messages={"invalid": DATE_ERROR, "required": DATE_ERROR},
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
        self.fields["to"] = forms.DateField(
            label=gettext_lazy("To (the last day counted)"),
            input_formats=["%Y-%m-%d"],
            error_messages={"invalid": DATE_ERROR, "required": DATE_ERROR},
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("from"), cleaned.get("to")
        if first and last and last < first:
            self.add_error(
                "to",
                gettext("The last day cannot be before the first day (%(first)s).")
                % {"first": first.isoformat()},
            )
        return cleaned

    @property
    def period(self) -> Period:
        """The period asked for; only once the form is valid."""
        return Period(self.cleaned_data["from"], self.cleaned_data["to"])

    def errors_by_field(self) -> list[str]:
        """Each error as one line naming its field, for the page's summary and for a bad export link."""
        lines: list[str] = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else name
            lines.extend(f"{label} ({name}): {error}" for error in errors)
        return lines
