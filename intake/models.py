"""Requests for a visit: what a foreign organisation or an embassy asks for on the public page, and the
exchange with the coordinators who triage it (intake.services moves a request; nothing else does)."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from visits.fields import LanguageListField
from visits.models import Delegation, Person, TargetGroup, Theme, Visit

MAX_GROUP_SIZE = 60


class RequestStatus(models.TextChoices):
    TRIAGE = "triage", _("Waiting for triage")
    MORE_ASKED = "more_asked", _("More information asked")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


# Allowed moves of a request's status; intake.services.request_move is the one place that moves them.
REQUEST_TRANSITIONS: dict[str, set[str]] = {
    RequestStatus.TRIAGE: {RequestStatus.MORE_ASKED, RequestStatus.ACCEPTED, RequestStatus.DECLINED},
    # The requester's answer puts it back in triage; a coordinator may also decide without it.
    RequestStatus.MORE_ASKED: {RequestStatus.TRIAGE, RequestStatus.ACCEPTED, RequestStatus.DECLINED},
    RequestStatus.ACCEPTED: set(),
    RequestStatus.DECLINED: set(),
}


class RequestLanguage(models.TextChoices):
    """The languages the agency writes to requesters in (the site's)."""

    ENGLISH = "en", "English"
    SWEDISH = "sv", "Svenska"


class VisitRequest(models.Model):
    Status = RequestStatus

    # The form's own token: a form sent twice (a double click, a reload) makes one request.
    submission = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.TRIAGE
    )
    status_changed_at = models.DateTimeField(_("status changed"), auto_now_add=True)
    organisation = models.CharField(_("organisation"), max_length=200)
    country = CountryField(_("country"))
    target_group = models.CharField(_("target group"), max_length=20, choices=TargetGroup.choices)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="requests")
    themes_note = models.TextField(_("what you want to learn"), max_length=2000, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    dates_note = models.CharField(_("about the dates"), max_length=300, blank=True)
    group_size = models.PositiveSmallIntegerField(
        _("group size"), validators=[MinValueValidator(1), MaxValueValidator(MAX_GROUP_SIZE)]
    )
    languages = LanguageListField(_("languages"), help_text=_("Languages the group can follow a meeting in."))
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_title = models.CharField(_("contact's title or role"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact's e-mail"), max_length=254)
    contact_phone = models.CharField(_("contact's phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language of our replies"), max_length=2, choices=RequestLanguage.choices, default="en"
    )
    message = models.TextField(_("message"), max_length=4000, blank=True)
    consented_at = models.DateTimeField(_("consent given"))
    # The retention period the consent stated when it was given (the setting may change later).
    retention_days = models.PositiveIntegerField(_("retention (days)"))
    # What accepting it made: the delegation, its contact and the draft visit.
    delegation = models.ForeignKey(
        Delegation, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    contact = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request for a visit")
        verbose_name_plural = _("requests for a visit")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in RequestStatus]), name="visit_request_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(target_group__in=[t.value for t in TargetGroup]),
                name="visit_request_target_group_valid",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="visit_request_ends_on_or_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
        ]
        indexes = [models.Index(fields=["status", "status_changed_at"])]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.created_at:%Y-%m-%d})" if self.created_at else self.organisation


class NoteAuthor(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    REQUESTER = "requester", _("Requester")


class RequestNote(models.Model):
    """One message of the exchange about a request: a coordinator's question or decision (as e-mailed to the
    requester), or what the requester added through their link."""

    Author = NoteAuthor

    request = models.ForeignKey(VisitRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.CharField(_("from"), max_length=20, choices=NoteAuthor.choices)
    # The status the note went with: more_asked (a question), accepted, declined, or triage (an answer).
    step = models.CharField(_("step"), max_length=20, choices=RequestStatus.choices)
    text = models.TextField(_("text"), max_length=4000, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("note on a request")
        verbose_name_plural = _("notes on requests")

    def __str__(self) -> str:
        return f"{self.get_author_display()}: {self.text[:40]}"
