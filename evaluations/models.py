"""Evaluations: the agency's questions, a survey per visit, who was asked, and what they answered.

Anonymity is the agency's setting (`EvaluationSettings`, one row, in the admin), copied onto each survey when
the survey is made (`Survey.anonymous`): what a participant was promised when asked is what holds for their
answers, even if the agency changes its setting later. An anonymous response is linked to its survey (the
visit) only, never to the person: who has answered is known (so nobody is reminded or answers twice), what
they answered is not. A named response is linked to the person's invitation (`SurveyRecipient`) and may be
changed with the same link.

What reports count (ratings per question per visit) hangs on the survey, not on a person, so it survives
the erasure of personal data (evaluations.privacy).
"""

import uuid
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notifications.models import new_token
from visits.models import Person, Visit

RATING_MIN, RATING_MAX = 1, 5
TEXT_MAX_LENGTH = 2000


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating from 1 to 5")
    TEXT = "text", _("Free text")


def validate_translations(value: Any) -> None:
    from django.core.exceptions import ValidationError

    if not isinstance(value, dict) or not all(
        isinstance(code, str) and isinstance(text, str) and 2 <= len(code) <= 8
        for code, text in value.items()
    ):
        raise ValidationError(
            _('Give the translations as {"language code": "text"}, such as {"ru": "…", "lv": "…"}.'),
            # Not "invalid": a field's own message for that code ("Enter a valid JSON.") would replace this.
            code="not_translations",
        )


class Question(models.Model):
    """One question the agency asks after every visit and seminar. Agency admins keep them in the admin."""

    Kind = QuestionKind

    text_en = models.CharField(_("question (English)"), max_length=300)
    text_sv = models.CharField(_("question (Swedish)"), max_length=300)
    translations = models.JSONField(
        _("other languages"),
        default=dict,
        blank=True,
        validators=[validate_translations],
        help_text=_('The question in other languages, by language code: {"ru": "…", "lv": "…"}.'),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RATING)
    required = models.BooleanField(_("an answer is required"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Asked in surveys sent from now on. Surveys already sent keep theirs."),
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("evaluation question")
        verbose_name_plural = _("evaluation questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in QuestionKind]), name="evaluation_question_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.text_in(get_language() or "en")

    def text_in(self, language: str) -> str:
        """The question in `language` (a code such as "sv", "ru", "pt-br"), falling back to English."""
        code = (language or "").lower().replace("_", "-")
        base = code.split("-")[0]
        if base == "sv":
            return self.text_sv or self.text_en
        if base == "en":
            return self.text_en
        found = (self.translations or {}).get(code) or (self.translations or {}).get(base)
        return found if isinstance(found, str) and found.strip() else self.text_en


class EvaluationSettings(models.Model):
    """The agency's one row of evaluation settings (made by the data migration; the admin edits it)."""

    anonymous = models.BooleanField(
        _("anonymous answers"),
        default=True,
        help_text=_(
            "Answers are kept without the person's name: coordinators see what was said, not who said it, "
            "and answers cannot be changed after they are sent. Applies to surveys sent from now on."
        ),
    )

    class Meta:
        verbose_name = _("evaluation settings")
        verbose_name_plural = _("evaluation settings")

    def __str__(self) -> str:
        return str(_("Evaluation settings"))

    @classmethod
    def current(cls) -> "EvaluationSettings":
        row = cls.objects.order_by("pk").first()
        return row if row is not None else cls.objects.create()


class Survey(models.Model):
    """The survey after one visit or seminar: made once, when the visit has ended."""

    visit = models.OneToOneField(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="survey"
    )
    anonymous = models.BooleanField(_("anonymous answers"))
    questions = models.ManyToManyField(Question, verbose_name=_("questions"), related_name="surveys")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return f"Survey of {self.visit}"


class SurveyRecipient(models.Model):
    """One participant asked to answer one survey: their link (token), until when it works, and whether they
    have answered (the day only, not the time: see the module's note on anonymity)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="survey_invitations")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    expires_at = models.DateTimeField(_("link works until"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey recipient")
        verbose_name_plural = _("survey recipients")
        constraints = [
            models.UniqueConstraint("survey", "person", name="survey_recipient_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.survey}"


class SurveyResponse(models.Model):
    """One filled-in survey. A random id, so that the order of rows does not give away who answered when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # Only in a named survey; empty in an anonymous one, and after the person's data was erased.
    recipient = models.OneToOneField(
        SurveyRecipient, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    submitted_on = models.DateField(_("submitted on"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"Response to {self.survey}"


class SurveyAnswer(models.Model):
    """The answer to one question in one response: a rating or a text."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )
    text = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint("response", "question", name="survey_answer_once_per_question"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="survey_answer_rating_in_range",
            ),
        ]
        indexes = [models.Index(fields=["question", "rating"])]

    def __str__(self) -> str:
        return f"{self.question}: {self.rating if self.rating is not None else self.text[:40]}"
