"""Forms of the directory. Each error names the field and says what would be accepted."""

import functools
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from directory.tabular import MAX_FILE_BYTES, too_large_message
from participation.forms import MemberNeedsForm
from scheduling.models import AvailabilityException, ExpertHours
from visits.access import AnyUser, people_for_user
from visits.fields import language_choices, validate_language_code
from visits.models import Delegation, DelegationMember, Organisation, Person, Venue
from visits.pickers import searchable

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- Delegations -----------------------------------------------------------------------------------------


class DelegationForm(forms.ModelForm):
    """A delegation's own details; its coordinators are not edited here (registering makes you one)."""

    class Meta:
        model = Delegation
        fields = ["name", "countries", "organisations", "languages", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"organisations": _("The organisations the delegation comes from; visiting ones first.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = self.fields["organisations"]
        assert isinstance(organisations, forms.ModelMultipleChoiceField)
        # Visiting organisations first, but the others too: an organisation's side defaults to host, and one
        # left so by mistake should still be choosable rather than silently missing.
        visiting_first = Case(
            When(side=Organisation.Side.VISITING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        organisations.queryset = Organisation.objects.order_by(visiting_first, "name", "country")
        for name in ("countries", "organisations"):
            self.fields[name].widget.attrs.setdefault("size", 8)
        searchable(*(self.fields[name] for name in ("countries", "organisations", "languages")))

    def clean_name(self) -> str:
        # The model's clean() refuses a name taken in another case.
        return str(self.cleaned_data["name"]).strip()


# --- Members ----------------------------------------------------------------------------------------------


class PersonForm(forms.ModelForm):
    """The person behind a membership. People are shared: the same person may be in other delegations."""

    class Meta:
        model = Person
        fields = ["name", "email", "phone", "organisation", "title", "preferred_language", "gender"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args: Any, reader: AnyUser | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reader = reader  # who fills it in: another coordinator's delegate is not named to them
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = organisation.queryset.order_by("name", "country")  # type: ignore[union-attr]
        searchable(organisation, self.fields["preferred_language"])

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        other = Person.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).first()
        if (
            other is not None
            and self.reader is not None
            and not people_for_user(self.reader).filter(pk=other.pk).exists()
        ):
            raise ValidationError(
                _("%(email)s is already the address of someone in another coordinator's delegation."),
                params={"email": email},
                code="taken",
            )
        if other is not None:
            raise ValidationError(
                _(
                    "%(email)s is already the address of %(person)s. "
                    "Give another address, or add that person instead."
                ),
                params={"email": email, "person": other.name},
                code="taken",
            )
        return email


class MembershipForm(MemberNeedsForm):
    class Meta:
        model = DelegationMember
        fields = ["role", "languages"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        searchable(self.fields["languages"])


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("At most 1 MB and 2,000 rows. The first row names the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(too_large_message(), code="too_large")
        return upload


ROLE_WORDS_SV: dict[str, str] = {
    "delegationsledare": DelegationMember.Role.HEAD,
    "ledare": DelegationMember.Role.HEAD,
    "medlem": DelegationMember.Role.MEMBER,
    "deltagare": DelegationMember.Role.MEMBER,
    "tolk": DelegationMember.Role.INTERPRETER,
    "medföljande": DelegationMember.Role.ACCOMPANYING,
}


def role_from_text(text: str) -> str | None:
    """A role from its code, its English or Swedish label, or a common Swedish word; None if unknown."""
    wanted = text.strip().casefold()
    if not wanted:
        return DelegationMember.Role.MEMBER
    return _role_words().get(wanted)


@functools.cache
def _role_words() -> dict[str, str]:
    """Every word for a role, folded: built once, not once per row of an import of up to 2,000."""
    known: dict[str, str] = dict(ROLE_WORDS_SV)
    for value, label in DelegationMember.Role.choices:
        known[value] = value
        for language in ("en", "sv"):
            with translation.override(language):
                known[str(label).casefold()] = value
    return known


def language_from_text(text: str) -> str:
    """A language code from a code ("lv") or an English name ("Latvian"); ValidationError otherwise."""
    wanted = text.strip()
    by_name = {name.casefold(): code for code, name in language_choices()}
    code = by_name.get(wanted.casefold(), wanted.lower())
    validate_language_code(code)
    return code


class MemberRowForm(forms.Form):
    """One row of an imported members file, as plain text. Blank optional cells leave what is stored."""

    name = forms.CharField(
        label=_("name"), max_length=200, error_messages={"required": _("a name is required")}
    )
    email = forms.EmailField(
        label=_("e-mail"),
        max_length=254,
        error_messages={
            "required": _("an e-mail address is required"),
            "invalid": _("“%(value)s” is not an e-mail address; use one such as name@example.org"),
        },
    )
    phone = forms.CharField(label=_("phone"), max_length=40, required=False)
    organisation = forms.CharField(label=_("organisation"), max_length=200, required=False)
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    role = forms.CharField(label=_("role"), required=False)
    languages = forms.CharField(label=_("languages"), required=False)
    preferred_language = forms.CharField(label=_("preferred language"), required=False)
    dietary_needs = forms.CharField(label=_("dietary needs"), max_length=200, required=False)
    accessibility_needs = forms.CharField(label=_("accessibility needs"), max_length=200, required=False)

    def clean_role(self) -> str:
        role = role_from_text(self.cleaned_data["role"])
        if role is None:
            raise ValidationError(
                _("“%(value)s” is not a role; use one of: %(roles)s"),
                params={
                    "value": self.cleaned_data["role"],
                    "roles": ", ".join(str(value) for value in DelegationMember.Role.values),
                },
                code="invalid_role",
            )
        return role

    def clean_languages(self) -> list[str]:
        parts = [part for part in re.split(r"[,;/\s]+", self.cleaned_data["languages"]) if part]
        return [language_from_text(part) for part in parts]

    def clean_preferred_language(self) -> str:
        text = self.cleaned_data["preferred_language"]
        return language_from_text(text) if text else ""


# --- Experts' availability ---------------------------------------------------------------------------------


def check_times_in_order(form: forms.BaseForm, starts: str, ends: str) -> None:
    start, end = form.cleaned_data.get(starts), form.cleaned_data.get(ends)
    if start is not None and end is not None and end <= start:
        form.add_error(
            ends,
            ValidationError(
                _("The end must be after the start (%(start)s)."),
                params={"start": start.strftime("%H:%M")},
                code="end_before_start",
            ),
        )


def label_times_with_zone(form: forms.BaseForm, zone: str) -> None:
    """Every time says which zone it is in: "From (Europe/Stockholm)"."""
    for name in ("starts", "ends"):
        field = form.fields[name]
        field.label = f"{field.label} ({zone})"


class ExpertHoursForm(forms.ModelForm):
    class Meta:
        model = ExpertHours
        fields = ["weekday", "starts", "ends"]
        widgets = {"starts": TIME_INPUT, "ends": TIME_INPUT}

    def __init__(self, *args: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_times_with_zone(self, zone)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_times_in_order(self, "starts", "ends")
        return cleaned


class BaseExpertHoursFormSet(BaseModelFormSet):
    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        self.person = person
        kwargs.setdefault("queryset", ExpertHours.objects.filter(person=person).order_by("weekday", "starts"))
        kwargs.setdefault("form_kwargs", {"zone": person.home_time_zone})
        super().__init__(*args, **kwargs)

    def changes(
        self,
    ) -> tuple[list[dict[str, Any]], list[tuple[ExpertHours, dict[str, Any]]], list[ExpertHours]]:
        """The valid rows as scheduling.services.expert_weekly_hours_change takes them: the hours added, the
        hours changed (each with its new values) and the hours removed."""
        fields = ["weekday", "starts", "ends"]
        added, changed, removed = [], [], []
        for form in self.forms:
            deleted = form.cleaned_data.get("DELETE", False)
            if form.instance.pk is not None and deleted:
                removed.append(form.instance)
            elif form.instance.pk is not None and form.has_changed():
                changed.append((form.instance, {name: form.cleaned_data[name] for name in fields}))
            elif form.instance.pk is None and form.has_changed() and not deleted:
                added.append({name: form.cleaned_data[name] for name in fields})
        return added, changed, removed


ExpertHoursFormSet = modelformset_factory(
    ExpertHours, form=ExpertHoursForm, formset=BaseExpertHoursFormSet, extra=2, can_delete=True
)


class AvailabilityExceptionForm(forms.ModelForm):
    class Meta:
        model = AvailabilityException
        fields = ["kind", "starts_on", "ends_on", "starts", "ends", "note"]
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT, "starts": TIME_INPUT, "ends": TIME_INPUT}

    def __init__(self, *args: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_times_with_zone(self, zone)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("starts_on"), cleaned.get("ends_on")
        if first is not None and last is not None and last < first:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if (starts is None) != (ends is None) and not self.has_error("starts") and not self.has_error("ends"):
            missing = "ends" if ends is None else "starts"
            self.add_error(missing, _("Give both times, or neither for the whole day."))
        check_times_in_order(self, "starts", "ends")
        if cleaned.get("kind") == AvailabilityException.Kind.ONLY and starts is None and ends is None:
            self.add_error("starts", _("“Available only” needs the times that are available."))
        return cleaned


# --- Venues ----------------------------------------------------------------------------------------------


class TravelTimeForm(forms.Form):
    other = forms.ModelChoiceField(label=_("to venue"), queryset=Venue.objects.none())
    minutes = forms.IntegerField(
        label=_("minutes"),
        min_value=0,
        max_value=24 * 60,
        help_text=_("The same in both directions."),
    )

    def __init__(self, *args: Any, venue: Venue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        other = self.fields["other"]
        assert isinstance(other, forms.ModelChoiceField)
        other.queryset = Venue.objects.exclude(pk=venue.pk).order_by("city", "name")
        searchable(other)
