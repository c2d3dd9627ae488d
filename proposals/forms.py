"""The planner's form for a wanted session: what it is, with whom, where and roughly when."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from proposals.models import WantedSession
from visits.access import AnyUser, people_to_choose
from visits.models import Venue, Visit


class WantedSessionForm(forms.ModelForm):
    class Meta:
        model = WantedSession
        fields = [
            "title",
            "kind",
            "minutes",
            "experts",
            "venues",
            "language",
            "interpreter_needed",
            "earliest_day",
            "latest_day",
            "earliest_time",
            "latest_time",
            "preferred_time",
            "after",
        ]
        widgets = {
            "earliest_day": forms.DateInput(attrs={"type": "date"}),
            "latest_day": forms.DateInput(attrs={"type": "date"}),
            "earliest_time": forms.TimeInput(attrs={"type": "time"}),
            "latest_time": forms.TimeInput(attrs={"type": "time"}),
            "preferred_time": forms.TimeInput(attrs={"type": "time"}),
        }
        help_texts = {
            "experts": _("Several: the solver chooses one of them. None: no expert."),
            "venues": _("Several: the solver chooses one of them."),
            "after": _("This session starts after each of these ends."),
        }

    def __init__(self, *args: Any, visit: Visit, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visit = visit
        fields: Any = self.fields
        fields["experts"].queryset = people_to_choose(user, None).order_by("name")
        fields["venues"].queryset = Venue.objects.order_by("name")
        fields["after"].queryset = WantedSession.objects.filter(visit=visit, session__isnull=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        visit = self.visit
        for name in ("earliest_day", "latest_day"):
            day = data.get(name)
            if day is not None and not visit.starts_on <= day <= visit.ends_on:
                self.add_error(
                    name,
                    gettext("Give a day of the visit, from %(first)s to %(last)s.")
                    % {"first": visit.starts_on.isoformat(), "last": visit.ends_on.isoformat()},
                )
        if data.get("earliest_day") and data.get("latest_day") and data["earliest_day"] > data["latest_day"]:
            self.add_error("latest_day", gettext("The latest day must not be before the earliest day."))
        if (
            data.get("earliest_time")
            and data.get("latest_time")
            and data["earliest_time"] >= data["latest_time"]
        ):
            self.add_error("latest_time", gettext("“Ends by” must be later than “not before”."))
        return data
