"""The outbox (every outgoing message is a row first) and the personal tokens behind feeds and links."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from visits.models import Person, Session, Visit


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # Not sent, and not to be: a reminder after the expert answered or the session was cancelled.
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Allowed moves of a message's status; notifications.outbox.outbox_move is the one place that moves them.
OUTBOX_TRANSITIONS: dict[str, set[str]] = {
    OutboxStatus.QUEUED: {OutboxStatus.SENDING, OutboxStatus.FAILED, OutboxStatus.WITHDRAWN},
    # Back to queued: a temporary failure to retry, or a worker that died mid-send (the sweep).
    OutboxStatus.SENDING: {
        OutboxStatus.SENT,
        OutboxStatus.QUEUED,
        OutboxStatus.FAILED,
        OutboxStatus.WITHDRAWN,
    },
    # A delivery report came back for it (inbound.processing reads the DSN): it did not arrive after all.
    OutboxStatus.SENT: {OutboxStatus.FAILED},
    OutboxStatus.WITHDRAWN: set(),
    # "Send again" by a coordinator.
    OutboxStatus.FAILED: {OutboxStatus.QUEUED},
}


class MessageKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation or update")
    CANCELLATION = "cancellation", _("Cancellation")
    PROGRAMME = "programme", _("Programme")
    REMINDER = "reminder", _("Reminder to answer")
    NOTICE = "notice", _("Notice to coordinators")
    # A participant's evaluation survey after a visit, or its one reminder (composed by evaluations).
    SURVEY = "survey", _("Evaluation survey")


class OutboxMessage(models.Model):
    """One e-mail to one person. Written in the same transaction as the change that causes it.

    It keeps what is needed to compose the message again (kind, person, session, sequence, language), not
    only bytes: a message re-sent after an edit shows the session as it is, under the same UID and SEQUENCE.
    """

    Status = OutboxStatus
    Kind = MessageKind

    # session:recipient:sequence:method for invitations; programme:version:recipient for programme e-mails.
    idempotency_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED, db_index=True
    )
    # None for mail about no visit yet: the replies to a request for a visit (intake), before it is accepted.
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, null=True, blank=True, related_name="outbox")
    # A person (expert, participant, interpreter); for a notice, a coordinator (a user) or none, when it goes
    # to the organiser's mailbox (settings.ORGANIZER_EMAIL).
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="outbox")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="outbox"
    )
    # What a notice or reminder is about, to compose it again: {"answers": [ids]}, {"expert": id}, ...
    payload = models.JSONField(null=True, blank=True)
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="outbox"
    )
    # Kept when the session is deleted, so a cancellation can still be composed (from the snapshot).
    session_key = models.BigIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    role = models.CharField(_("role"), max_length=20, blank=True)
    # What to compose from when the session row is gone: the session as last published.
    snapshot = models.JSONField(null=True, blank=True)
    version_number = models.PositiveIntegerField(null=True, blank=True)
    to_email = models.EmailField(_("to"))
    language = models.CharField(max_length=8, default="en")
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    send_at = models.DateTimeField(_("send at"), db_index=True, help_text=_("Not before this time."))
    sending_since = models.DateTimeField(null=True, blank=True)
    # Written every OUTBOX_HEARTBEAT_SECONDS by the worker that holds the row in "sending"
    # (notifications.heartbeat): a beat older than the claim, or gone quiet, means that worker died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    message_id = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in OutboxStatus]), name="outbox_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in MessageKind]), name="outbox_kind_valid"
            ),
            models.CheckConstraint(
                condition=(Q(kind="notice") & Q(person__isnull=True))
                | (~Q(kind="notice") & Q(person__isnull=False) & Q(user__isnull=True)),
                name="outbox_recipient_matches_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["visit", "status"]),
            models.Index(fields=["status", "send_at"], name="outbox_due", condition=Q(status="queued")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_email} ({self.get_status_display()})"


class PeriodicRun(models.Model):
    """When a periodic task (run by beat) last ran: what `manage.py health` and the metrics read to tell
    that beat and a worker are alive."""

    task = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField()

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")

    def __str__(self) -> str:
        return f"{self.task} at {self.last_run_at:%Y-%m-%d %H:%M:%S} UTC"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class PersonalToken(models.Model):
    """A secret, revocable token: a person's feed and programme page, or a visit's feed for coordinators."""

    class Purpose(models.TextChoices):
        PERSON_FEED = "person_feed", _("Personal calendar feed and programme page")
        VISIT_FEED = "visit_feed", _("Visit calendar feed for coordinators")

    token = models.CharField(max_length=64, unique=True, default=new_token)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="tokens")
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, null=True, blank=True, related_name="tokens")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("personal token")
        verbose_name_plural = _("personal tokens")
        constraints = [
            models.CheckConstraint(
                condition=(Q(purpose="person_feed") & Q(person__isnull=False) & Q(visit__isnull=True))
                | (Q(purpose="visit_feed") & Q(visit__isnull=False) & Q(person__isnull=True)),
                name="personal_token_owner_matches_purpose",
            ),
            # At most one live token per owner and purpose; revoking makes room for a new one.
            models.UniqueConstraint(
                "person",
                "purpose",
                condition=Q(revoked_at__isnull=True),
                name="personal_token_one_live_per_person",
            ),
            models.UniqueConstraint(
                "visit",
                "purpose",
                condition=Q(revoked_at__isnull=True),
                name="personal_token_one_live_per_visit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({'revoked' if self.revoked_at else 'live'})"


class FeedStamp(models.Model):
    """A person's feed change stamp: a new `revision` whenever anything their feed shows, or their token's
    expiry reads, is written, by any door. PostgreSQL triggers keep it (the feed_stamps migration); the
    feed answers a poll from it and what it kept beside it (notifications.feed_polls). SQLite has no
    triggers and no rows: every poll is answered the slower way there.

    No foreign key: the triggers may write a row for a person being deleted in the same transaction."""

    person = models.OneToOneField(
        Person, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    # From one sequence, so a value is never given twice, even to a row deleted and made again.
    revision = models.BigIntegerField()

    class Meta:
        verbose_name = _("feed stamp")
        verbose_name_plural = _("feed stamps")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.revision}"
