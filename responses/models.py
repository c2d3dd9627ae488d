"""Experts' answers as a record: every move of an expert's answer, who made it, when, through which door, and
the times they proposed.

The current answer lives on the expert's row (visits.SessionExpert.response); every move of it is one line of
its history here, written by responses.answers.answer_move, so the latest line is always the row's state. The
answers the expert gave (`ExpertAnswer.objects`) are kept for the coordinators and for the daily digest of
confirmations; the moves made for them (invited at publish, a colleague's invitation, a coordinator's change
in the admin) are in `ExpertAnswer.history` too, and do not count as answers.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from visits.models import Person, SessionExpert, SessionInterpreter


class Door(models.TextChoices):
    """Through which door an answer came (its column keeps the name `channel`)."""

    LINK = "link", _("Link in the invitation")
    PHONE = "phone", _("Recorded by a coordinator")
    API = "api", _("Through the API")
    # Accept, Decline, Tentative, Delegate or Propose new time in the expert's calendar program: an iTIP
    # REPLY or COUNTER to the invitation's reply address (responses.calendar_replies).
    CALENDAR = "calendar", _("Calendar reply")
    # Moves made for the expert, not answers of theirs: they do not count in SessionExpert.answers.
    ADMIN = "admin", _("Changed in the admin")
    REMINDER = "reminder", _("Invitation or reminder")
    COLLEAGUE = "colleague", _("Passed on by a colleague")


class Settlement(models.TextChoices):
    """What a coordinator decided about an answer that needed them."""

    ACCEPTED = "accepted", _("Proposed time accepted")
    REFUSED = "refused", _("Proposed time refused")
    REPLACED = "replaced", _("Another expert asked")
    NOTED = "noted", _("Noted")


class AnswersOnly(models.Manager["ExpertAnswer"]):
    def get_queryset(self) -> models.QuerySet["ExpertAnswer"]:
        return super().get_queryset().filter(is_answer=True)


class ExpertAnswer(models.Model):
    Door = Door

    expert = models.ForeignKey(SessionExpert, on_delete=models.CASCADE, related_name="answer_history")
    response = models.CharField(_("answer"), max_length=20, choices=SessionExpert.Response.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    channel = models.CharField(_("channel"), max_length=10, choices=Door.choices)
    # An answer the expert gave (it uses up their links), or a move made for them (see Door).
    is_answer = models.BooleanField(default=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The session's SEQUENCE the answer was given for.
    sequence = models.PositiveIntegerField(_("sequence"))
    # For an answer passed on: the colleague it went to.
    colleague = models.ForeignKey(
        Person,
        verbose_name=_("colleague"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("answered at"), auto_now_add=True, db_index=True)
    # Set once the answer has been in a coordinators' digest (confirmations) or notice (the rest).
    told_at = models.DateTimeField(_("coordinators told at"), null=True, blank=True)
    # A decline, a proposal or a colleague needs a coordinator's decision (planner's "needs you"): set once
    # they made it (responses.decisions), so the answer leaves the list and a second click says so.
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("settled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    settled_as = models.CharField(_("settled as"), max_length=10, choices=Settlement.choices, blank=True)

    history = models.Manager()  # every move: the expert's answers and the moves made for them alike
    objects = AnswersOnly()  # the expert's answers: the default, which the admin, digest and notices read

    class Meta:
        default_manager_name = "objects"
        ordering = ["-created_at", "-id"]
        verbose_name = _("expert's answer")
        verbose_name_plural = _("experts' answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_answer=False)
                | Q(response__in=["confirmed", "declined", "proposed", "passed"]),
                name="expert_answer_is_an_answer",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=[c.value for c in Door]), name="expert_answer_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert.person} – {self.get_response_display()}"


class TakenOffRole(models.TextChoices):
    EXPERT = "expert", _("Expert")
    INTERPRETER = "interpreter", _("Interpreter")


class TakenOff(models.Model):
    """An expert's or interpreter's row as it was when they were taken off a session (the row deleted, or
    moved to another session or person): enough to recognise the links it was sent with (notifications.links)
    and say, in their language, that there is nothing left to answer, and to send their cancellation from the
    same ORGANIZER (their reply address) as their invitation. Written by responses.taken_off."""

    Role = TakenOffRole

    # The row's id: a SessionExpert's, or a SessionInterpreter's (role).
    expert_row = models.PositiveIntegerField(_("row"), db_index=True)
    role = models.CharField(
        _("role"), max_length=12, choices=TakenOffRole.choices, default=TakenOffRole.EXPERT
    )
    session = models.ForeignKey(
        "visits.Session", verbose_name=_("session"), on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    answers = models.PositiveIntegerField(_("answers recorded"))
    taken_off_at = models.DateTimeField(_("taken off at"), auto_now_add=True)

    class Meta:
        ordering = ["-taken_off_at", "-id"]
        verbose_name = _("person taken off a session")
        verbose_name_plural = _("people taken off sessions")
        indexes = [models.Index(fields=["session", "person", "role"], name="taken_off_session_person")]

    def __str__(self) -> str:
        return f"{self.person} – {self.session}"


class ProposedTime(models.Model):
    """One alternative time an expert proposed."""

    answer = models.ForeignKey(ExpertAnswer, on_delete=models.CASCADE, related_name="proposed_times")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("proposed time")
        verbose_name_plural = _("proposed times")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="proposed_time_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class ReplyOutcome(models.TextChoices):
    ANSWERED = "answered", _("Recorded as an answer")
    TENTATIVE = "tentative", _("Tentative: noted, still to answer")
    DELEGATED = "delegated", _("Passed to a colleague")
    COUNTER = "counter", _("Another time proposed")
    STALE = "stale", _("Stale: for an older invitation or an earlier reply")
    # The same words for an expert's reply and an interpreter's.
    UNKNOWN_ATTENDEE = "unknown-attendee", _("Not from the person invited")
    UNKNOWN_EVENT = "unknown-event", _("Not about this invitation's session")
    GONE = "gone", _("No longer on the session")
    REFUSED = "refused", _("Could not be recorded")

    @classmethod
    def processed(cls) -> tuple["ReplyOutcome", ...]:
        """The outcomes that changed something: their DTSTAMP is the one a later reply must be newer than."""
        return (cls.ANSWERED, cls.TENTATIVE, cls.DELEGATED, cls.COUNTER)


class CalendarReply(models.Model):
    """One iTIP REPLY or COUNTER received at an invitation's reply address, and what became of it: recorded
    as an answer (`answer`, or `interpreter_answer` for an interpreter's reply), or why not. Written by
    responses.calendar_replies and responses.interpreter_replies; the DTSTAMP of the person's last processed
    reply is how a reply that arrives late (an earlier click) is recognised as stale. The reply address names
    either an expert's row or an interpreter's: one of `expert_row` and `interpreter_row` is set."""

    Outcome = ReplyOutcome

    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    expert = models.ForeignKey(
        SessionExpert,
        verbose_name=_("expert"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calendar_replies",
    )
    # The expert's row the reply address names (the row may be gone since).
    expert_row = models.PositiveIntegerField(_("expert's row"), null=True, blank=True, db_index=True)
    interpreter = models.ForeignKey(
        SessionInterpreter,
        verbose_name=_("interpreter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calendar_replies",
    )
    # The interpreter's row the reply address names (the row may be gone since).
    interpreter_row = models.PositiveIntegerField(
        _("interpreter's row"), null=True, blank=True, db_index=True
    )
    method = models.CharField(_("method"), max_length=20)
    uid = models.CharField("UID", max_length=255, blank=True)
    attendee = models.CharField(_("attendee"), max_length=254, blank=True)
    partstat = models.CharField("PARTSTAT", max_length=20, blank=True)
    sequence = models.PositiveIntegerField("SEQUENCE", null=True, blank=True)
    dtstamp = models.DateTimeField("DTSTAMP", null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReplyOutcome.choices)
    answer = models.ForeignKey(
        ExpertAnswer,
        verbose_name=_("answer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calendar_replies",
    )
    interpreter_answer = models.ForeignKey(
        "InterpreterAnswer",
        verbose_name=_("interpreter's answer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calendar_replies",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("calendar reply")
        verbose_name_plural = _("calendar replies")
        constraints = [
            models.CheckConstraint(
                condition=Q(expert_row__isnull=False, interpreter_row__isnull=True)
                | Q(expert_row__isnull=True, interpreter_row__isnull=False),
                name="calendar_reply_names_one_row",
            )
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.partstat} {self.attendee} – {self.get_outcome_display()}"


class InterpreterAnswersOnly(models.Manager["InterpreterAnswer"]):
    def get_queryset(self) -> models.QuerySet["InterpreterAnswer"]:
        return super().get_queryset().filter(is_answer=True)


class InterpreterAnswer(models.Model):
    """Every move of an interpreter's answer (visits.SessionInterpreter.response), written by
    responses.interpreters.interpreter_answer, so the latest line is always the row's state: who made it,
    when, through which door, and for a decline or a colleague whether a coordinator has dealt with it."""

    Door = Door

    interpreter = models.ForeignKey(
        SessionInterpreter, on_delete=models.CASCADE, related_name="answer_history"
    )
    response = models.CharField(_("answer"), max_length=20, choices=SessionInterpreter.Response.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    channel = models.CharField(_("channel"), max_length=10, choices=Door.choices)
    is_answer = models.BooleanField(default=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    colleague = models.ForeignKey(
        Person,
        verbose_name=_("colleague"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("answered at"), auto_now_add=True, db_index=True)
    told_at = models.DateTimeField(_("coordinators told at"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("settled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = models.Manager()
    objects = InterpreterAnswersOnly()

    class Meta:
        default_manager_name = "objects"
        ordering = ["-created_at", "-id"]
        verbose_name = _("interpreter's answer")
        verbose_name_plural = _("interpreters' answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_answer=False) | Q(response__in=["confirmed", "declined", "passed"]),
                name="interpreter_answer_is_an_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.interpreter.person} – {self.get_response_display()}"
