"""The people on a session: its experts with their answers (the states and their allowed moves beside them),
the delegation's members chosen for it, and its interpreters."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from visits.fields import LanguageListField
from visits.models.delegations import DelegationMember
from visits.models.deletion import PROTECT_IF_PUBLISHED
from visits.models.people import Person
from visits.models.programme import Session


class ExpertResponse(models.TextChoices):
    """The expert's answer so far. The concept is "the answer"; the column (SessionExpert.response) and the
    API field `response` keep their names, which clients rely on. It moves only through
    responses.answers.answer_move, along EXPERT_ANSWER_TRANSITIONS."""

    NOT_ASKED = "not_asked", _("Not asked")
    INVITED = "invited", _("Invited")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    PROPOSED = "proposed", _("Proposed another time")
    PASSED = "passed", _("Passed to a colleague")


# Still to answer: an invitation's link is for these; every other state is an answer.
AWAITING_ANSWER = frozenset({ExpertResponse.NOT_ASKED, ExpertResponse.INVITED})
# The answers an expert gives (through their link, by phone to a coordinator, ...).
ANSWERS = frozenset(set(ExpertResponse) - AWAITING_ANSWER)

# Allowed moves of an expert's answer. "Not asked" is only where a row starts. Publishing invites (and asks
# again after the session moved); an expert may change their mind through a fresh link, and a coordinator may
# record what an expert told them or ask them again. Giving the same answer again is recorded too.
EXPERT_ANSWER_TRANSITIONS: dict[str, set[str]] = {
    ExpertResponse.NOT_ASKED: {ExpertResponse.INVITED, *ANSWERS},
    ExpertResponse.INVITED: set(ANSWERS),
    ExpertResponse.CONFIRMED: {ExpertResponse.INVITED, *ANSWERS},
    ExpertResponse.DECLINED: {ExpertResponse.INVITED, *ANSWERS},
    ExpertResponse.PROPOSED: {ExpertResponse.INVITED, *ANSWERS},
    ExpertResponse.PASSED: {ExpertResponse.INVITED, *ANSWERS},
}


class SessionExpert(models.Model):
    """An expert asked to lead a session, and their answer."""

    Response = ExpertResponse

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="session_experts")
    person = models.ForeignKey(
        Person, verbose_name=_("expert"), on_delete=PROTECT_IF_PUBLISHED, related_name="expert_roles"
    )
    response = models.CharField(
        _("response"), max_length=20, choices=Response.choices, default=Response.NOT_ASKED
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # How many answers the expert has given (moves made for them, such as an invitation, do not count): a link
    # made before the latest one is used up (notifications.links). Written by responses.answers.answer_move.
    answers = models.PositiveIntegerField(_("answers recorded"), default=0, editable=False)

    class Meta:
        ordering = ["session", "person__name"]
        verbose_name = _("session expert")
        verbose_name_plural = _("session experts")
        constraints = [
            models.UniqueConstraint(
                "session",
                "person",
                name="session_expert_unique",
                violation_error_message=_("This expert is already on this session."),
            ),
            models.CheckConstraint(
                condition=Q(response__in=[r.value for r in ExpertResponse]),
                name="session_expert_response_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_response_display()}"

    @classmethod
    def published_filter(cls) -> Q:
        return Q(session__visit__first_published_at__isnull=False)

    @classmethod
    def protected_deletion_message(cls, rows: list["SessionExpert"]) -> str:
        row = rows[0]
        return gettext(
            "%(person)s cannot be deleted: they are an expert in “%(session)s” of the published visit "
            "“%(visit)s”. Published programmes are kept as a record."
        ) % {"person": row.person, "session": row.session.title, "visit": row.session.visit.title}


class ChosenMember(models.Model):
    """A delegation member chosen for a session whose attendance is 'chosen members'.

    Its verbose name is still "session attendee": a translated string, left as it was."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="session_chosen_members")
    member = models.ForeignKey(DelegationMember, verbose_name=_("member"), on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("session attendee")
        verbose_name_plural = _("session attendees")
        constraints = [models.UniqueConstraint("session", "member", name="session_attendee_unique")]

    def __str__(self) -> str:
        return str(self.member.person)

    def clean(self) -> None:
        if (
            self.session_id
            and self.member_id
            and self.member.delegation_id != self.session.visit.delegation_id
        ):
            raise ValidationError(
                {
                    "member": gettext("Choose a member of this visit's delegation (%(delegation)s).")
                    % {"delegation": self.session.visit.delegation or "–"}
                }
            )


class InterpreterResponse(models.TextChoices):
    """An interpreter's answer to their booking. A booking starts as an invitation; it moves only through
    responses.interpreters.interpreter_answer, along INTERPRETER_ANSWER_TRANSITIONS."""

    INVITED = "invited", _("Invited")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    PASSED = "passed", _("Passed to a colleague")


# The interpreter's answers; "invited" is only waiting for one.
INTERPRETER_ANSWERS = frozenset(set(InterpreterResponse) - {InterpreterResponse.INVITED})
# An interpreter who declined or passed the session on no longer interprets it (scheduling's language rule).
NOT_INTERPRETING = frozenset({InterpreterResponse.DECLINED, InterpreterResponse.PASSED})
INTERPRETER_ANSWER_TRANSITIONS: dict[str, set[str]] = {
    state: {InterpreterResponse.INVITED, *INTERPRETER_ANSWERS} for state in InterpreterResponse
}


class SessionInterpreter(models.Model):
    """An interpreter booked for a session, and their answer."""

    Response = InterpreterResponse

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="session_interpreters")
    person = models.ForeignKey(
        Person,
        verbose_name=_("interpreter"),
        on_delete=PROTECT_IF_PUBLISHED,
        related_name="interpreter_roles",
    )
    languages = LanguageListField(_("languages"), help_text=_("The languages interpreted between."))
    response = models.CharField(
        _("response"), max_length=20, choices=Response.choices, default=Response.INVITED
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # How many answers the interpreter has given: uses up their links (notifications.links), as an expert's.
    answers = models.PositiveIntegerField(_("answers recorded"), default=0, editable=False)

    class Meta:
        verbose_name = _("session interpreter")
        verbose_name_plural = _("session interpreters")
        constraints = [
            models.UniqueConstraint("session", "person", name="session_interpreter_unique"),
            models.CheckConstraint(
                condition=Q(response__in=[r.value for r in InterpreterResponse]),
                name="session_interpreter_response_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)

    @classmethod
    def published_filter(cls) -> Q:
        return Q(session__visit__first_published_at__isnull=False)

    @classmethod
    def protected_deletion_message(cls, rows: list["SessionInterpreter"]) -> str:
        row = rows[0]
        return gettext(
            "%(person)s cannot be deleted: they interpreted “%(session)s” of the published visit "
            "“%(visit)s”. "
            "Published programmes are kept as a record."
        ) % {"person": row.person, "session": row.session.title, "visit": row.session.visit.title}
