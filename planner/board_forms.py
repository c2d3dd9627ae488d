"""The forms of the board's actions: where a session goes (move, copy) and what several sessions get.

Times are read on the visit's clock, the clock the board places sessions on: a day and a start with a length
in minutes (the "Move" form, the board's drags), or a start and an end. Starts and lengths snap to 5 minutes.
Each error names its field.
"""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from planner.undo import BULK_ACTIONS, outside_visit, outside_visit_message
from visits.models import Session, Venue, Visit

SNAP = 5  # minutes
LONGEST = 24 * 60  # minutes


def snapped(minutes: int) -> int:
    return max(SNAP, SNAP * round(minutes / SNAP))


def snapped_time(moment: dt.datetime) -> dt.datetime:
    """The moment on the nearest 5 minutes (every zone's offset is a multiple of 5 minutes)."""
    epoch = moment.astimezone(dt.UTC)
    minutes = round((epoch.minute * 60 + epoch.second) / (SNAP * 60)) * SNAP
    return epoch.replace(minute=0, second=0, microsecond=0) + dt.timedelta(minutes=minutes)


def session_of(visit: Visit, value: Any) -> Session:
    """One of the visit's sessions by its id; another visit's session is one that does not exist here."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise forms.ValidationError(gettext("Give the number of a session of this visit.")) from None
    session = Session.objects.select_related("venue").filter(visit_id=visit.pk, pk=pk).first()
    if session is None:
        raise forms.ValidationError(gettext("This visit has no session with that number."))
    session.visit = visit
    return session


class MoveForm(forms.Form):
    """Where a session goes: `day` + `start` (+ `length`, else its own), or `starts_at` + `ends_at`."""

    session = forms.CharField(widget=forms.HiddenInput)
    revision = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    day = forms.DateField(label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Start"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    length = forms.IntegerField(label=_("Length in minutes"), required=False, min_value=1, max_value=LONGEST)
    starts_at = forms.CharField(required=False, widget=forms.HiddenInput)
    ends_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, visit: Visit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visit = visit
        self.fields["length"].widget.attrs["step"] = SNAP

    def clean_session(self) -> Session:
        return session_of(self.visit, self.cleaned_data.get("session"))

    def moment(self, name: str) -> dt.datetime | None:
        """A posted date-time; without a zone it is on the visit's clock."""
        raw = (self.cleaned_data.get(name) or "").strip()
        if not raw:
            return None
        try:
            moment = dt.datetime.fromisoformat(raw)
        except ValueError:
            self.add_error(name, gettext("Give a date and time such as 2027-03-23T09:00."))
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=self.visit.zone)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        session = data.get("session")
        if not isinstance(session, Session) or self.errors:
            return data
        own_length = int((session.ends_at - session.starts_at).total_seconds() // 60)
        if data.get("starts_at") or data.get("ends_at"):
            starts, ends = self.moment("starts_at"), self.moment("ends_at")
            if "starts_at" not in self.errors and starts is None:
                self.add_error("starts_at", gettext("Give the new start."))
            if starts is not None and ends is None and "ends_at" not in self.errors:
                ends = starts + dt.timedelta(minutes=own_length)
        else:
            for name, message in (
                ("day", gettext("Choose a day.")),
                ("start", gettext("Give a start time.")),
            ):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, message)
            if self.errors:
                return data
            starts = dt.datetime.combine(data["day"], data["start"], tzinfo=self.visit.zone)
            length = data.get("length") or own_length
            ends = starts + dt.timedelta(minutes=snapped(length))
        if self.errors or starts is None or ends is None:
            return data
        starts, ends = snapped_time(starts), snapped_time(ends)
        if ends <= starts:
            self.add_error("ends_at", gettext("The end must be after the start."))
        elif outside_visit(session, starts, ends):
            self.add_error("starts_at" if data.get("starts_at") else "day", outside_visit_message(self.visit))
        data["starts"], data["ends"] = starts, ends
        return data

    def problems(self) -> dict[str, list[str]]:
        return {name: [str(e) for e in errors] for name, errors in self.errors.items()}


class BulkForm(forms.Form):
    """An action on the selected sessions of the visit."""

    ACTIONS = [
        ("shift", _("Shift")),
        ("venue", _("Set venue")),
        ("confirm", _("Confirm")),
        ("cancel", pgettext_lazy("a session", "Cancel")),
    ]
    sessions = forms.CharField(required=False)  # read from getlist in clean_sessions
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    days = forms.IntegerField(label=_("Days"), required=False, min_value=-60, max_value=60, initial=0)
    minutes = forms.IntegerField(
        label=_("Minutes"), required=False, min_value=-LONGEST, max_value=LONGEST, initial=0
    )
    venue = forms.ModelChoiceField(
        label=_("Venue"), queryset=Venue.objects.order_by("name"), required=False, empty_label=_("No venue")
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, visit: Visit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visit = visit
        assert set(BULK_ACTIONS) == {value for value, _label in self.ACTIONS}

    def clean_sessions(self) -> list[Session]:
        raw = self.data.getlist("sessions") if hasattr(self.data, "getlist") else []
        if not raw:
            raise forms.ValidationError(gettext("Select at least one session on the board."))
        try:
            ids = {int(value) for value in raw}
        except ValueError:
            raise forms.ValidationError(gettext("Give the numbers of sessions of this visit.")) from None
        sessions = list(
            Session.objects.filter(visit_id=self.visit.pk, pk__in=ids).order_by("starts_at", "id")
        )
        if len(sessions) != len(ids):
            raise forms.ValidationError(gettext("This visit has no session with one of those numbers."))
        for session in sessions:
            session.visit = self.visit
        return sessions

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "shift" and not (data.get("days") or data.get("minutes")):
            self.add_error("minutes", gettext("Give the days or minutes to shift by."))
        return data

    def problems(self) -> dict[str, list[str]]:
        return {name: [str(e) for e in errors] for name, errors in self.errors.items()}
