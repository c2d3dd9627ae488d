"""What participants say: whether they attend each session (their answer), and what they need during a visit.

No ParticipantAnswer row means the person has not answered yet. Needs belong to a person for one visit: a
lunch, a site visit and an interpreted seminar of that visit all read the same row. What the coordinators
note on a delegation membership is a row of the same table (ParticipantNeeds says how the two kinds differ).

"Attendance" is the session's own setting (visits.roster: the whole delegation or chosen members); what a
participant says is their answer. The verbose names stay "attendance": translated strings, left as they were.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from visits.fields import LanguageField
from visits.models import DelegationMember, Person, Session, Visit

# A note is read by a coordinator, not filed: a few paragraphs at most.
NOTE_MAX_LENGTH = 2000


class ParticipantAnswerChoice(models.TextChoices):
    ATTENDING = "attending", _("Attending")
    NOT_ATTENDING = "not_attending", _("Not attending")


class ParticipantAnswer(models.Model):
    """A participant's answer to one session. A person may change it until the session starts."""

    Answer = ParticipantAnswerChoice

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="participant_answers"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="participant_answers"
    )
    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        ordering = ["session", "person__name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                "session",
                "person",
                name="participant_answer_unique",
                violation_error_message=_("This person has already answered for this session."),
            ),
            models.CheckConstraint(
                condition=models.Q(answer__in=[a.value for a in ParticipantAnswerChoice]),
                name="participant_answer_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_answer_display()}"


class Diet(models.TextChoices):
    NONE = "none", _("No special diet")
    VEGETARIAN = "vegetarian", _("Vegetarian")
    VEGAN = "vegan", _("Vegan")
    HALAL = "halal", _("Halal")
    KOSHER = "kosher", _("Kosher")
    GLUTEN_FREE = "gluten_free", _("Gluten-free")
    LACTOSE_FREE = "lactose_free", _("Lactose-free")
    OTHER = "other", _("Other (say which in the note)")


def validate_diets(value: Any) -> None:
    """A list of Diet values, each at most once; 'none' only on its own."""
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_('Give a list of diets, such as ["vegetarian"].'), code="invalid")
    unknown = [code for code in value if code not in Diet.values]
    if unknown:
        raise ValidationError(
            _("“%(value)s” is not a diet. Choose from: %(choices)s."),
            params={"value": unknown[0], "choices": ", ".join(Diet.values)},
            code="invalid_choice",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each diet can be chosen once."), code="duplicate")
    if Diet.NONE in value and len(value) > 1:
        raise ValidationError(
            _("Choose “No special diet” on its own, or only the diets that apply."), code="none_and_diets"
        )


def note_field(verbose_name: Any, help_text: Any = "") -> models.TextField:
    return models.TextField(
        verbose_name,
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        validators=[MaxLengthValidator(NOTE_MAX_LENGTH)],
        help_text=help_text,
    )


def note_fits(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(name), NOTE_MAX_LENGTH), name=f"participant_needs_{name}_length"
    )


class ParticipantNeeds(models.Model):
    """What one participant needs: meals, access, and interpreting. The one place needs are stored.

    A row is one of two kinds:
    - the participant's own statement for one visit (`person` and `visit`; `member` empty), given on their
      programme page: every field may be filled in;
    - the coordinators' notes on a delegation membership (`member`; `person` and `visit` empty), typed in
      the directory's member form, the member import, the admin or the API, and true of every visit of that
      delegation: only `dietary_note` and `accessibility_note`, free text never sorted into a diet.
    The membership, not the person, owns the notes: a person in two delegations may need different things in
    each, and removing a member removes their notes. Readers merge the two kinds (participation.totals: the
    participant's statement wins; a coordinator's note counts where they have said nothing).
    """

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="participant_needs",
        null=True,
        blank=True,
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        on_delete=models.CASCADE,
        related_name="participant_needs",
        null=True,
        blank=True,
    )
    member = models.OneToOneField(
        DelegationMember,
        verbose_name=_("delegation member"),
        on_delete=models.CASCADE,
        related_name="needs",
        null=True,
        blank=True,
    )
    # A JSON list of Diet values, so that it works the same on SQLite and PostgreSQL. Empty: not said.
    dietary = models.JSONField(_("diet"), default=list, blank=True, validators=[validate_diets])
    dietary_note = note_field(_("note on diet"))
    wheelchair = models.BooleanField(_("uses a wheelchair"), default=False)
    accessibility_note = note_field(_("note on accessibility"))
    interpreting_language = LanguageField(
        _("interpreting into"), blank=True, help_text=_("Empty: no interpreting needed.")
    )
    interpreting_note = note_field(_("note on interpreting"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["visit", "person__name"]
        verbose_name = _("participant's needs")
        verbose_name_plural = _("participants' needs")
        constraints = [
            models.UniqueConstraint(
                "person",
                "visit",
                name="participant_needs_unique",
                violation_error_message=_("This person's needs for this visit are already recorded."),
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=False, visit__isnull=False, member__isnull=True)
                | models.Q(person__isnull=True, visit__isnull=True, member__isnull=False),
                name="participant_needs_one_kind",
            ),
            note_fits("dietary_note"),
            note_fits("accessibility_note"),
            note_fits("interpreting_note"),
        ]

    def __str__(self) -> str:
        if self.member_id is not None:
            return str(self.member)
        return f"{self.person} – {self.visit}"

    def clean(self) -> None:
        super().clean()
        if isinstance(self.dietary, list) and Diet.OTHER in self.dietary and not self.dietary_note.strip():
            raise ValidationError(
                {"dietary_note": gettext("You chose “Other”: say in the note which diet you follow.")}
            )

    @property
    def diets(self) -> list[str]:
        """The diets as labels in the active language."""
        labels = dict(Diet.choices)
        return [str(labels[code]) for code in self.dietary if code in labels]
