"""Change forms that guard a status and a session's revision, used by the admin and the planner alike.

A status offers only the allowed transitions; a session form remembers the revision it was opened at, and is
refused if someone saved the session since. The forms validate; the writes are visits.services'.
"""

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from visits.models import SESSION_TRANSITIONS, VISIT_TRANSITIONS, Session, StaleEdit, Visit


class StatusTransitionForm(forms.ModelForm):
    """Offers only the statuses the current one may move to, so a wrong move is a form error, not a 500."""

    statuses: ClassVar[type[models.TextChoices]]
    transitions: ClassVar[dict[str, set[str]]]
    # Statuses reached only through a service outside this form; offered only to show the current one.
    not_offered: ClassVar[set[str]] = set()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("status")
        if isinstance(field, forms.ChoiceField):
            current = self.instance.status
            allowed = {current, *(self.transitions.get(current, set()) - self.not_offered)}
            field.choices = [(value, label) for value, label in self.statuses.choices if value in allowed]


class VisitForm(StatusTransitionForm):
    statuses = Visit.Status
    transitions = VISIT_TRANSITIONS
    not_offered = {Visit.Status.PUBLISHED}


class SessionForm(StatusTransitionForm):
    statuses = Session.Status
    transitions = SESSION_TRANSITIONS

    # The revision the coordinator opened; Session.save() moves it on every save.
    seen_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_revision"].initial = self.instance.revision

    def clean(self) -> dict[str, Any] | None:
        seen = self.cleaned_data.get("seen_revision")
        if self.instance.pk is not None and seen is not None and seen != self.instance.revision:
            raise ValidationError(str(StaleEdit(self.instance)), code="stale")
        return super().clean()


def model_data(form: forms.ModelForm) -> dict[str, Any]:
    """What a valid model form would save, by field name, for a write service: its model's fields as the form
    set them on its instance, and its many-to-many fields as cleaned. Fields the form declares besides its
    model's (a session's experts, say) are left to the caller."""
    opts = form.instance._meta
    named = set(form._meta.fields or form.fields)
    data = {
        field.name: getattr(form.instance, field.name)
        for field in opts.concrete_fields
        if field.name in named and field.name in form.cleaned_data
    }
    data.update(
        (field.name, form.cleaned_data[field.name])
        for field in opts.many_to_many
        if field.name in named and field.name in form.cleaned_data
    )
    return data
