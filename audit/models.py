"""The audit log: one row per change to a visit, session, delegation, member, person, expert's answer, token
or outbox message, written by the service that makes the change (audit.log.record), never by a model signal.

Why a model of our own and not a kept library (checked with django-auditlog 3.4.1 and django-simple-history
3.13.0 installed beside Django 5.2, December 2026):
- Both record from model signals (auditlog/registry.py connects pre_save, post_save, post_delete and
  m2m_changed; simple_history/models.py post_save, post_delete and m2m_changed). The writes that matter most
  here send none: an expert's answer moves by bulk_update (responses.answers.answer_move), an outbox message
  by a conditional QuerySet.update (notifications.outbox.outbox_move, so that exactly one worker claims it),
  a token is revoked by QuerySet.update. Those changes would leave no trace at all.
- Their actor is a user set by their middleware. Ours is also an expert's or a participant's link (a person,
  no account), a calendar reply or the system, and the door it came through; neither has a place for these.
- Both ship commands that delete entries (auditlog's `auditlogflush`; simple_history's `clean_old_history`,
  `clean_duplicate_history`): an application path that deletes the log, which this log must not have.
- A visit's history would be a query over content types and generic keys (auditlog) or a union of eight
  historical tables (simple_history); here it is one indexed column. (django-pghistory is PostgreSQL only.)

Append-only: AuditEntry refuses save() of an existing row and delete(), its manager's update() and delete(),
the admin shows it read-only, and on PostgreSQL a trigger (migration 0002) refuses UPDATE and DELETE, with
one exception: audit.log.redact_person, which the erasure of personal data calls.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    """An attempt to change or delete an audit entry."""


class ActorKind(models.TextChoices):
    USER = "user", _("a user")
    EXPERT_LINK = "expert_link", _("an expert's link")
    PARTICIPANT_LINK = "participant_link", _("a participant's link")
    CALENDAR = "calendar", _("a calendar reply")
    SYSTEM = "system", _("the system")


class Door(models.TextChoices):
    """Where a change came in (audit.doors sets it per request and per task)."""

    PLANNER = "planner", _("in the planner")
    API = "api", _("through the API")
    ADMIN = "admin", _("in the admin")
    LINK = "link", _("through a personal link")
    TASK = "task", _("by a background task")
    # Neither a request nor a task: a management command or the shell.
    COMMAND = "command", _("from the command line")


class Action(models.TextChoices):
    CREATE = "create", _("created")
    CHANGE = "change", _("changed")
    DELETE = "delete", _("deleted")


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("Audit entries are never changed (only audit.log.redact_person redacts them).")

    def delete(self) -> NoReturn:
        raise AppendOnly("Audit entries are never deleted.")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor_kind = models.CharField(_("who (kind)"), max_length=20, choices=ActorKind.choices)
    # No foreign key constraint and no SET_NULL: deleting a user must not UPDATE the log (the trigger would
    # refuse it), and the entry keeps the id; actor_label keeps the name as it was.
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # The expert or participant whose link made the change.
    actor_person_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(_("who"), max_length=300, blank=True)
    door = models.CharField(_("door"), max_length=10, choices=Door.choices)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # What changed: "app_label.model_name", the row's id (kept after it is deleted) and its name then.
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    # {field: [before, after]}, each value as JSON (times in UTC ISO 8601, a related row by its name).
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # Whose history it is part of: plain ids, so the entry outlives the rows.
    visit_id = models.BigIntegerField(null=True, blank=True)
    delegation_id = models.BigIntegerField(null=True, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True)
    # Personal values replaced by audit.log.redact_person (the erasure of a person's data).
    redacted = models.BooleanField(default=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["visit_id", "at"], name="audit_visit_at"),
            models.Index(fields=["delegation_id", "at"], name="audit_delegation_at"),
            models.Index(fields=["person_id", "at"], name="audit_person_at"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or self.actor_kind} {self.action} {self.object_repr}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("Audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly("Audit entries are never deleted.")
