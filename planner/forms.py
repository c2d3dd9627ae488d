"""The session form of the board: times typed in a zone the form names, and the session's people chosen
with it: its experts, its interpreters with their languages, and, when only some members attend, which.

It builds on `visits.forms.SessionForm`, which remembers the revision the coordinator opened and refuses a
save over a newer one. Times are read in the zone the form showed them in (a hidden field carries it), so
what the coordinator read beside the fields is what their typing means; the page's script keeps that zone in
step with the chosen venue's.

The interpreters are a small formset inside the form: a row each, with a couple of empty rows to add more,
so the page works without its script. The form is valid only when its rows are.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from scheduling.directory import experts_to_choose, interpreters_to_choose
from visits.access import AnyUser, delegations_for_user
from visits.fields import language_choices, translated_language_choices, validate_time_zone
from visits.forms import SessionForm, offer_languages
from visits.models import DelegationMember, Organisation, Person, Session, Venue, Visit
from visits.pickers import searchable
from visits.wording import languages_for

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


def person_label(person: Person) -> str:
    """A person as a picker names them: with their organisation, for two of the same name."""
    return f"{person.name} ({person.organisation.name})" if person.organisation else person.name


class ExpertChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class MemberChoiceField(forms.ModelMultipleChoiceField):
    """Delegation members by name and role: they are all of the visit's delegation, so it goes unsaid."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.person.name} ({obj.get_role_display()})"


class Choosable(NamedTuple):
    """A person the interpreters' picker offers."""

    pk: int
    name: str
    label: str
    interprets: bool


class InterpreterForm(forms.Form):
    """One interpreter on the session: who, and the languages they interpret between."""

    person = forms.TypedChoiceField(label=_("Interpreter"), coerce=int, empty_value=None, required=False)
    languages = forms.TypedMultipleChoiceField(
        label=_("Languages"),
        choices=translated_language_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def __init__(
        self,
        *args: Any,
        people: Sequence[Choosable],
        default_languages: Sequence[str],
        search_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The people are read once for every row, so that more rows cost no more queries. Interpreters first.
        groups = (
            (gettext("Interpreters"), [(p.pk, p.label) for p in people if p.interprets]),
            (gettext("Others in the directory"), [(p.pk, p.label) for p in people if not p.interprets]),
        )
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            ("", "---------"),
            *((group, options) for group, options in groups if options),
        ]
        self.fields["person"].error_messages["invalid_choice"] = gettext(
            "Choose an interpreter from the list: %(value)s is not one of them."
        )
        searchable(self.fields["person"], search_url=search_url)
        searchable(self.fields["languages"])
        self.names: Mapping[int, str] = {p.pk: p.name for p in people}
        self.default_languages = list(default_languages)

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        person = cleaned.get("person")
        if person is None or cleaned.get("languages") or self.has_error("languages"):
            return cleaned
        if len(self.default_languages) < 2:
            self.add_error(
                "languages",
                gettext(
                    "Choose the languages %(person)s interprets between, or give the session's language and "
                    "the language it is interpreted into."
                )
                % {"person": self.names[person]},
            )
        else:
            cleaned["languages"] = list(self.default_languages)
        return cleaned


class InterpreterRows(forms.BaseFormSet):
    """The interpreter rows: those already booked, and empty ones to book more. An empty row is no booking."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.booking_forms():
            person = form.cleaned_data["person"]
            if person in seen:
                raise ValidationError(
                    gettext("%(person)s is in the list twice; give each interpreter once.")
                    % {"person": form.names[person]}
                )
            seen.add(person)

    def booking_forms(self) -> list[InterpreterForm]:
        return [
            form
            for form in self.forms
            if form.cleaned_data.get("person") is not None and not form.cleaned_data.get("DELETE")
        ]

    def bookings(self) -> dict[int, list[str]]:
        """Each interpreter chosen, with the languages they interpret between."""
        return {form.cleaned_data["person"]: form.cleaned_data["languages"] for form in self.booking_forms()}


InterpreterFormSet = forms.formset_factory(
    InterpreterForm, formset=InterpreterRows, extra=2, can_delete=True, can_delete_extra=False
)


class PlannerSessionForm(SessionForm):
    experts = ExpertChoiceField(
        label=_("Experts"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("The people who lead the session. Hold Ctrl (⌘ on a Mac) to choose more than one."),
    )
    attendees = MemberChoiceField(
        label=_("Chosen members"),
        queryset=DelegationMember.objects.none(),
        required=False,
        help_text=_(
            "When attendance is “Chosen members”: the members of the delegation who attend. Hold Ctrl "
            "(⌘ on a Mac) to choose more than one."
        ),
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
            "title_translations",
            "description_translations",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
            "venue": VenueSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self,
        *args: Any,
        visit: Visit,
        zone: ZoneInfo,
        reader: AnyUser | None = None,
        check_only: bool = False,
        interpreter_language: str = "",
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.instance.visit = visit
        self.check_only = check_only
        offer_languages(self, languages_for(visit))
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
        self.limit_chosen_members_to_the_delegation(visit)
        for name in ("language", "interpretation_language"):
            # By their names in the reader's language ("Rumänska"), as the conflicts name them.
            spoken = self.fields[name]
            assert isinstance(spoken, forms.ChoiceField)
            blank: list[tuple[str, str]] = [(k, str(v)) for k, v in list(spoken.choices) if k == ""]  # type: ignore[arg-type]
            spoken.choices = [*blank, *translated_language_choices()]
        # The experts' directory and the interpreters, as the reader may see them (scheduling.directory), and
        # whoever is on the session already; None reads everyone (tests, tools).
        experts = self.fields["experts"]
        assert isinstance(experts, ExpertChoiceField)
        experts.queryset = (
            experts_to_choose(reader, self.instance).select_related("organisation").order_by("name", "pk")
        )
        experts.error_messages["invalid_choice"] = gettext(
            "Choose experts from the experts' directory: %(value)s is not one of them."
        )
        interpreters = interpreters_to_choose(reader, self.instance)
        people = [
            Choosable(person.pk, person.name, person_label(person), getattr(person, "interprets", False))
            for person in interpreters.select_related("organisation").order_by("name", "pk")
        ]
        search_url = reverse("planner:people_search", args=[visit.pk])
        searchable(experts, search_url=f"{search_url}?kind=experts")
        searchable(*(self.fields[name] for name in ("venue", "host_organisation", "attendees")))
        searchable(*(self.fields[name] for name in ("language", "interpretation_language")))
        booked: list[dict[str, Any]] = []
        if self.instance.pk is not None and not self.is_bound:
            self.initial["experts"] = [e.person_id for e in self.instance.session_experts.all()]
            self.initial["attendees"] = [a.member_id for a in self.instance.session_chosen_members.all()]
            place = {p.pk: n for n, p in enumerate(people)}  # in the order of the people's names
            booked = [
                {"person": row.person_id, "languages": row.languages}
                for row in sorted(
                    self.instance.session_interpreters.all(),
                    key=lambda row: place.get(row.person_id, len(place)),
                )
            ]
        if interpreter_language in dict(language_choices()) and not self.is_bound:
            # A conflict's "Book an interpreter for …": a row ready for one, its language chosen.
            booked.append({"languages": [*dict.fromkeys([*self.session_languages(), interpreter_language])]})
        rows = InterpreterFormSet(
            self.data if self.is_bound else None,
            prefix=self.add_prefix("interpreters"),
            initial=booked,
            form_kwargs={
                "people": people,
                "default_languages": self.session_languages(),
                "search_url": f"{search_url}?kind=interpreters",
            },
        )
        assert isinstance(rows, InterpreterRows)
        self.interpreters = rows

    def limit_chosen_members_to_the_delegation(self, visit: Visit) -> None:
        field = self.fields["attendees"]
        assert isinstance(field, MemberChoiceField)
        members = DelegationMember.objects.none()
        if visit.delegation_id is not None:
            members = DelegationMember.objects.filter(delegation_id=visit.delegation_id)
        field.queryset = members.select_related("person").order_by("person__name", "pk")
        # The message is formatted with the refused value; a % in the delegation's name must stay a %.
        delegation = str(visit.delegation or "–").replace("%", "%%")
        field.error_messages["invalid_choice"] = gettext(
            "Choose members of this visit's delegation (%(delegation)s)."
        ) % {"delegation": delegation}

    def session_languages(self) -> list[str]:
        """The session's language and the language it is interpreted into, as typed: the languages of an
        interpreter whose row leaves them out."""
        if self.is_bound:
            typed = [self.data.get(self.add_prefix(name)) for name in ("language", "interpretation_language")]
        else:
            typed = [self.instance.language, self.instance.interpretation_language]
        known = dict(language_choices())
        return list(dict.fromkeys(code for code in typed if isinstance(code, str) and code in known))

    def full_clean(self) -> None:
        # The typed times mean wall-clock time in the form's zone.
        with timezone.override(self.zone):
            super().full_clean()

    def is_valid(self) -> bool:
        session_valid = super().is_valid()
        return self.interpreters.is_valid() and session_valid

    def clean(self) -> dict[str, Any] | None:
        if self.check_only:
            self.cleaned_data["seen_revision"] = None  # a check saves nothing: a newer revision is no matter
        return super().clean()

    def is_stale(self) -> bool:
        return self.has_error(NON_FIELD_ERRORS, "stale")

    def problems(self) -> list[str]:
        """Every error of the form and its interpreter rows, each after the name of its field."""
        found = []
        for form in [self, *self.interpreters.forms]:
            for name, errors in form.errors.items():
                field = form.fields.get(name)
                found += [f"{field.label}: {error}" if field is not None else error for error in errors]
        return found + list(self.interpreters.non_form_errors())

    def chosen_experts(self) -> list[int]:
        return [person.pk for person in self.cleaned_data.get("experts") or []]

    def chosen_members(self) -> list[int]:
        """The delegation members chosen; they attend when the session's attendance is "chosen"."""
        return [member.pk for member in self.cleaned_data.get("attendees") or []]

    def chosen_participants(self) -> list[int]:
        return [member.person_id for member in self.cleaned_data.get("attendees") or []]

    def chosen_interpreters(self) -> dict[int, list[str]]:
        return self.interpreters.bookings()


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
            "target_group",
            "title_translations",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        delegation = self.fields["delegation"]
        assert isinstance(delegation, forms.ModelChoiceField)
        delegation.queryset = delegations_for_user(user).order_by("name")
        delegation.help_text = _(
            "A delegation you coordinate. Register a new one under People and places › Delegations."
        )
        searchable(
            *(self.fields[name] for name in ("delegation", "country", "time_zone", "programme_languages"))
        )

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        starts, ends = self.cleaned_data.get("starts_on"), self.cleaned_data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", gettext("The last day cannot be before the first."))
        return cleaned
