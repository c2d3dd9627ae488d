"""Received mail: each message that reaches us (LMTP or IMAP) is a row first; then a task processes it."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReceivedStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSING = "processing", _("Processing")
    # A handler (a calendar reply) or the DSN check dealt with it; `outcome` says how.
    PROCESSED = "processed", _("Processed")
    # Not for us to read: sent on to the coordinators' mailbox (ORGANIZER_EMAIL).
    FORWARDED = "forwarded", _("Forwarded")
    FAILED = "failed", _("Failed")


# Allowed moves of a received message's status; inbound.processing.received_move is the one place that
# moves them.
RECEIVED_TRANSITIONS: dict[str, set[str]] = {
    ReceivedStatus.RECEIVED: {ReceivedStatus.PROCESSING},
    # Back to received: a temporary failure to forward, or a worker that died mid-task (the sweep).
    ReceivedStatus.PROCESSING: {
        ReceivedStatus.PROCESSED,
        ReceivedStatus.FORWARDED,
        ReceivedStatus.FAILED,
        ReceivedStatus.RECEIVED,
    },
    ReceivedStatus.PROCESSED: set(),
    ReceivedStatus.FORWARDED: set(),
    # "Process again" once the cause is fixed.
    ReceivedStatus.FAILED: {ReceivedStatus.RECEIVED},
}


class Channel(models.TextChoices):
    LMTP = "lmtp", _("LMTP")
    IMAP = "imap", _("IMAP")


class ReceivedMessage(models.Model):
    Status = ReceivedStatus
    Channel = Channel

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    mail_from = models.CharField(_("envelope sender"), max_length=320, blank=True)
    recipients = models.JSONField(_("envelope recipients"), default=list)
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True)
    # sha256 of the message without its trace headers (inbound.digest): the same message received twice, over
    # one channel or both, is one row.
    digest = models.CharField(max_length=64, unique=True)
    # The message as received; emptied INBOUND_KEEP_DAYS after it was received (inbound.tasks.erase_old_raw).
    raw = models.BinaryField(_("raw message"), default=b"")
    raw_erased_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ReceivedStatus.choices,
        default=ReceivedStatus.RECEIVED,
        db_index=True,
    )
    # What processing did: "answered", "stale", "bounce", "forwarded", ... (a short label).
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processing_since = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("received message")
        verbose_name_plural = _("received messages")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ReceivedStatus]), name="received_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=[c.value for c in Channel]), name="received_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id or self.digest[:12]} ({self.get_status_display()})"
