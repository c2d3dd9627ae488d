"""The session form of the board: times typed in a zone the form names, experts chosen with the session.

It builds on the admin's `SessionForm`, which remembers the version the coordinator opened and refuses a save
over a newer one. Times are read in the zone the form showed them in (a hidden field carries it), so what the
coordinator read beside the fields is what their typing means; the page's script keeps that zone in step with
the chosen venue's.
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from visits.admin.forms import SessionForm
from visits.fields import validate_time_zone
from visits.models import Organisation, Person, Session, Venue, Visit

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class VenueSelect(forms.Select):
    """A venue list whose options carry their time zone, for the page's script."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zones: dict[int, str] = {}

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        key = getattr(option["value"], "value", option["value"])  # a ModelChoiceIteratorValue
        if key in self.zones:
            option["attrs"]["data-zone"] = self.zones[key]
        return option


def zone_named(name: object) -> ZoneInfo | None:
    if not isinstance(name, str) or not name:
        return None
    try:
        validate_time_zone(name)
    except ValidationError:
        return None
    return ZoneInfo(name)


class PlannerSessionForm(SessionForm):
    experts = forms.ModelMultipleChoiceField(
        label=_("Experts"),
        queryset=Person.objects.select_related("organisation").order_by("name"),
        required=False,
        help_text=_("The people who lead the session. Hold Ctrl (⌘ on a Mac) to choose more than one."),
    )
    # The zone the times are typed in: the venue's, or the visit's when there is no venue.
    time_zone = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Session
        fields = [
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "outside_visit_dates",
            "venue",
            "host_organisation",
            "attendance",
            "language",
            "interpreter_needed",
            "interpretation_language",
            "description",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
            "venue": VenueSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, visit: Visit, zone: ZoneInfo, check_only: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.instance.visit = visit
        self.check_only = check_only
        typed = zone_named(self.data.get(self.add_prefix("time_zone"))) if self.is_bound else None
        self.zone = typed or zone
        self.fields["time_zone"].initial = str(self.zone)
        venues = Venue.objects.order_by("name")
        self.fields["venue"].queryset = venues  # type: ignore[attr-defined]
        self.fields["venue"].widget.zones = dict(venues.values_list("pk", "time_zone"))
        self.fields["host_organisation"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]
            # Shown as wall-clock time in the form's zone; naive values are shown as they are.
            value = self.initial.get(name)
            if isinstance(value, dt.datetime) and timezone.is_aware(value):
                self.initial[name] = value.astimezone(self.zone).replace(tzinfo=None)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["experts"] = [e.person_id for e in self.instance.session_experts.all()]

    def full_clean(self) -> None:
        # The typed times mean wall-clock time in the form's zone.
        with timezone.override(self.zone):
            super().full_clean()

    def clean(self) -> dict[str, Any] | None:
        if self.check_only:
            self.cleaned_data["seen_version"] = None  # a check saves nothing, so a newer version is no matter
        return super().clean()

    def is_stale(self) -> bool:
        return self.has_error(NON_FIELD_ERRORS, "stale")

    def chosen_experts(self) -> list[int]:
        return [person.pk for person in self.cleaned_data.get("experts") or []]


class NewVisitForm(forms.ModelForm):
    """A new visit, in draft: what the board needs to draw its days. The rest is edited in the admin."""

    class Meta:
        model = Visit
        fields = [
            "title",
            "kind",
            "delegation",
            "starts_on",
            "ends_on",
            "city",
            "country",
            "time_zone",
            "programme_languages",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        starts, ends = self.cleaned_data.get("starts_on"), self.cleaned_data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", gettext("The last day cannot be before the first."))
        return cleaned
