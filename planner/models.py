"""The board's undo steps: what one action on the board changed, so that it can be taken back.

A step keeps, per session it changed, the tracked fields before and after (times, venue, status), and the
ids of the sessions it created (a copy). Undoing goes through visits.services with the undoer as actor, so
the audit log records it; a step is undoable only until the visit's next publication (planner.undo).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from visits.models import Visit


class UndoStep(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="undo_steps")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    label = models.CharField(_("label"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # [{"session": id, "before": {field: value}, "after": {field: value}}], as planner.undo stores them.
    changed = models.JSONField(_("changed sessions"), default=list)
    # Ids of the sessions the step created: undoing it deletes them.
    created = models.JSONField(_("created sessions"), default=list)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("undo step")
        verbose_name_plural = _("undo steps")
        indexes = [models.Index(fields=["visit", "-created_at"])]

    def __str__(self) -> str:
        return self.label
