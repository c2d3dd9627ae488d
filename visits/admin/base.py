"""What every admin of the domain shares: times shown in their zone, `DomainAdmin`, and two mixins.

`DomainAdmin` shows and reads a change form's times in the zone of the object it edits, and a refused deletion
says why, in the words of the model that refused it. `ReadOnlyMixin` is for records that are only read;
`VisibleDelegationsOnly` keeps a delegation field to the delegations the user may see.
"""

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, unquote
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, router
from django.db.models.deletion import ProtectedError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext

from visits.access import actor_of, delegations_for_user, people_for_user
from visits.forms import model_data
from visits.models import Session, StaleEdit
from visits.models.deletion import PROTECT_IF_PUBLISHED, explain_protection
from visits.services import Writes, deletion_refusal, person_mail_check
from visits.timefmt import format_span


def session_when(session: Session) -> str:
    if not session.visit_id or session.starts_at is None or session.ends_at is None:
        return "–"
    return format_span(session.starts_at, session.ends_at, session.zone)


def adopt(obj: models.Model, saved: models.Model) -> None:
    """Make the admin's own copy `obj` the row a write service saved as `saved`: the admin goes on with `obj`
    (its inlines, its log entry, its redirect), so it takes on the saved row's values and identity."""
    if obj is saved:
        return
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


def status_apart(form: Any) -> tuple[dict[str, Any], str | None]:
    """A valid status form's data for a write service, and the status it asks for. The form has already set
    that status on its instance; it is put back, so that the service moves it along the allowed transitions
    after saving the rest."""
    data = model_data(form)
    if "status" not in data:
        return data, None
    target = data.pop("status")
    form.instance.status = form.initial.get("status", target)
    return data, target


def kept_rows(formset: Any) -> list[dict[str, Any]]:
    """The cleaned rows an inline formset keeps: neither marked for deletion nor left empty. Nothing is saved;
    the formset sorts its rows into new, changed and deleted, which the admin's change message reads."""
    formset.save(commit=False)
    return [
        row.cleaned_data for row in formset.forms if row.cleaned_data and not formset._should_delete_form(row)
    ]


def formset_write(formset: Any, writes: Writes, *, parent: models.Model, actor: User | None) -> None:
    """Save an inline formset's rows through their write services: the removed rows deleted, the new ones
    created on `parent`, the changed ones updated; unchanged rows are left alone, as the admin leaves them."""
    formset.save(commit=False)  # nothing saved: it sorts the rows into new, changed and deleted
    for row in formset.deleted_objects:
        writes.destroy(**{writes.noun: row}, actor=actor)
    for row in formset.forms:
        if formset._should_delete_form(row) or not row.has_changed():
            continue
        data = model_data(row)
        if row.instance.pk is None:
            saved = writes.create(data={**data, formset.fk.name: parent}, actor=actor)
        else:
            saved = writes.update(**{writes.noun: row.instance}, data=data, actor=actor)
        adopt(row.instance, saved)


def deletion_refusals(objs: Any, using: str) -> list[str]:
    """The models' own explanations of why deleting `objs` is refused, if a published programme refuses it.

    Only rows protected by PROTECT_IF_PUBLISHED on a foreign key to something being deleted are explained:
    a session is also protected by its venue (plain PROTECT), and its message is about its visit.
    """
    collector = NestedObjects(using=using)
    collector.collect(list(objs))
    deleted_models: set[Any] = set(collector.model_objs)
    explained = {
        row
        for row in collector.protected
        if any(
            field.remote_field.on_delete is PROTECT_IF_PUBLISHED and field.related_model in deleted_models
            for field in row._meta.concrete_fields
            if isinstance(field, models.ForeignKey)
        )
    }
    if not explained:
        return []
    return [str(explain_protection(ProtectedError("", explained)).args[0])]


class ReadOnlyMixin:
    """Viewing only: a record (a published version, an answer given) is never edited by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VisibleDelegationsOnly:
    """A delegation field offers only the delegations the user may see (visits.access), superusers all."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "delegation":
            # The autocomplete only lists; this refuses a posted id of a delegation the user may not see.
            kwargs["queryset"] = delegations_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class VisiblePeopleOnly:
    """A person field offers only the people the user may see (visits.access): another coordinator's
    delegate is neither listed nor accepted by id."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "person":
            kwargs["queryset"] = people_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class SharedRecordAdmin:
    """The admin of a shared record (organisation, venue, theme, person): deleting one that a visit uses is
    refused with the count of visits (visits.services), and the confirmation page lists nothing else: the
    sessions that use it may be other coordinators', whose titles are not for this page."""

    def get_deleted_objects(
        self, objs: Any, request: HttpRequest
    ) -> tuple[list[str], dict[str, int], set[str], list[str]]:
        refusals = [refusal for obj in objs if (refusal := deletion_refusal(obj)) is not None]
        if refusals:
            return [], {}, set(), refusals
        return super().get_deleted_objects(objs, request)  # type: ignore[misc]


class MailCheckedAdmin:
    """A person's change form refuses, on the field, a change of e-mail or name that the user may not make
    (visits.services.person_mail_check), before the service would refuse it."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        actor = actor_of(request)

        class Checked(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> Any:
                cleaned = super().clean()
                if self.instance.pk is not None:
                    try:
                        person_mail_check(person=self.instance, data=cleaned, actor=actor)
                    except ValidationError as refused:
                        self.add_error(None, refused)
                return cleaned

        return Checked


class ServiceWritesAdmin:
    """An admin whose rows are written through their services (`writes`), with the user as the actor."""

    writes: Writes

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = model_data(form)
        if change:
            saved = self.writes.update(**{self.writes.noun: obj}, data=data, actor=actor_of(request))
        else:
            saved = self.writes.create(data=data, actor=actor_of(request))
        adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.writes.destroy(**{self.writes.noun: obj}, actor=actor_of(request))

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class DomainAdmin(admin.ModelAdmin):
    """What every admin here shares: zone-aware change forms, and deletions that say why they are refused."""

    # Django 6 makes https the default scheme of a typed-in address; take it now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def form_zone(self, obj: Any) -> ZoneInfo | None:
        """The zone the change form of `obj` shows and reads times in; None for the site's zone."""
        return None

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateTimeField) and formfield is not None:
            # Called while the form class is built, so inside the zone override of changeform_view.
            zone_note = gettext("Time in %(zone)s.") % {"zone": timezone.get_current_timezone_name()}
            formfield.help_text = f"{formfield.help_text} {zone_note}".strip()
        return formfield

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        zone = self.form_zone(obj) if obj is not None else None
        try:
            if zone is None:
                return super().changeform_view(request, object_id, form_url, extra_context)
            with timezone.override(zone):
                response = super().changeform_view(request, object_id, form_url, extra_context)
                # Widgets localise their values when rendered, so render while the zone is still active.
                if isinstance(response, TemplateResponse):
                    response.render()
            return response
        except StaleEdit as error:
            # Someone saved a session between this form's check and its save; the transaction is rolled back.
            messages.error(request, str(error))
            return HttpResponseRedirect(request.get_full_path())

    def get_deleted_objects(
        self, objs: Any, request: HttpRequest
    ) -> tuple[list[str], dict[str, int], set[str], list[str]]:
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            for reason in deletion_refusals(objs, router.db_for_write(self.model)):
                messages.error(request, reason)
        return to_delete, model_count, perms_needed, protected
