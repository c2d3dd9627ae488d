"""The record that a person's personal data was erased: when, why and by whom, and how much went.

It holds no personal value itself, so it stays after the erasure it records; the person's row stays too,
with a placeholder name, so that counts of past visits (members, countries, organisations) do not change.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from visits.models import Person


class ErasureReason(models.TextChoices):
    RETENTION = "retention", _("Retention period over")
    REQUEST = "request", _("On request")


class Erasure(models.Model):
    Reason = ErasureReason

    # A person deleted outright (one who was only ever on drafts) takes the record along: nothing of them is
    # left to account for.
    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="erasure"
    )
    erased_at = models.DateTimeField(_("erased at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=20, choices=ErasureReason.choices)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What went, by redactor key: {"person": 1, "needs": 2, "outbox": 5, ...}.
    rows = models.JSONField(_("rows changed"), default=dict)

    class Meta:
        ordering = ["-erased_at"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=[r.value for r in ErasureReason]), name="erasure_reason_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_reason_display()}"
