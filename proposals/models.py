"""What a coordinator asks the solver for (the sessions a visit wants) and what it answered (a proposal).

A proposal is a draft: nothing in it is a session until the coordinator accepts it (proposals.services)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from visits.fields import LanguageField
from visits.models import Person, Session, Venue, Visit
from visits.models.programme import SessionKind


class WantedSession(models.Model):
    """A session the visit needs, with whom and roughly where and when; the solver finds the time."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="wanted_sessions")
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=20, choices=SessionKind.choices, default=SessionKind.MEETING
    )
    minutes = models.PositiveIntegerField(
        _("length in minutes"), default=60, validators=[MinValueValidator(15), MaxValueValidator(600)]
    )
    experts = models.ManyToManyField(
        Person,
        verbose_name=_("expert, or one of these experts"),
        blank=True,
        related_name="wanted_sessions",
    )
    venues = models.ManyToManyField(
        Venue, verbose_name=_("venue, or one of these venues"), blank=True, related_name="wanted_sessions"
    )
    language = LanguageField(_("language"), blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    earliest_day = models.DateField(_("earliest day"), null=True, blank=True)
    latest_day = models.DateField(_("latest day"), null=True, blank=True)
    earliest_time = models.TimeField(_("not before"), null=True, blank=True)
    latest_time = models.TimeField(_("ends by"), null=True, blank=True)
    preferred_time = models.TimeField(_("preferred start"), null=True, blank=True)
    after = models.ManyToManyField(
        "self", verbose_name=_("comes after"), symmetrical=False, blank=True, related_name="before"
    )
    # The session it became when a proposal was accepted; from then on it is a fixed point, no longer wanted.
    session = models.OneToOneField(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="wanted_as"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("wanted session")
        verbose_name_plural = _("wanted sessions")
        ordering = ["visit", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def key(self) -> str:
        return f"w{self.pk}"


class ProposalStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SOLVING = "solving", _("Solving")
    FOUND = "found", _("Found (best within the time limit)")
    OPTIMAL = "optimal", _("Found (proven best)")
    INFEASIBLE = "infeasible", _("No programme possible")
    UNKNOWN = "unknown", _("Nothing found in time")
    FAILED = "failed", _("Failed")
    ACCEPTED = "accepted", _("Accepted")
    DISCARDED = "discarded", _("Discarded")


# The allowed moves; proposals.services.proposal_move is the one place that moves a proposal.
PROPOSAL_TRANSITIONS: dict[str, set[str]] = {
    ProposalStatus.QUEUED: {ProposalStatus.SOLVING, ProposalStatus.FAILED, ProposalStatus.DISCARDED},
    ProposalStatus.SOLVING: {
        ProposalStatus.FOUND,
        ProposalStatus.OPTIMAL,
        ProposalStatus.INFEASIBLE,
        ProposalStatus.UNKNOWN,
        ProposalStatus.FAILED,
        ProposalStatus.SOLVING,  # a better programme found: progress
    },
    ProposalStatus.FOUND: {ProposalStatus.ACCEPTED, ProposalStatus.DISCARDED},
    ProposalStatus.OPTIMAL: {ProposalStatus.ACCEPTED, ProposalStatus.DISCARDED},
    ProposalStatus.INFEASIBLE: {ProposalStatus.DISCARDED},
    ProposalStatus.UNKNOWN: {ProposalStatus.DISCARDED},
    ProposalStatus.FAILED: {ProposalStatus.DISCARDED},
    ProposalStatus.ACCEPTED: set(),
    ProposalStatus.DISCARDED: set(),
}
OPEN = {ProposalStatus.FOUND, ProposalStatus.OPTIMAL}  # a draft that may be accepted


class Proposal(models.Model):
    """One run of the solver for a visit, and its draft programme.

    `placements`: [{key, title, start, end, expert, venue}] with ISO times in UTC; `score`: [{term, amount,
    weight, points}]; `reasons`: [{code, params}] when there is no programme; `progress`: the better
    programmes found as the search went, [{objective, bound, seconds}]; `pinned`: the keys kept where the
    previous proposal (`repair_of`) had them; `accepted`: the keys saved as sessions so far."""

    Status = ProposalStatus

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="proposals")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    repair_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    is_repair = models.BooleanField(_("repair"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    pinned = models.JSONField(default=list, blank=True)
    progress = models.JSONField(default=list, blank=True)
    placements = models.JSONField(default=list, blank=True)
    score = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    moved = models.JSONField(default=list, blank=True)
    accepted = models.JSONField(default=list, blank=True)
    objective = models.IntegerField(null=True, blank=True)
    bound = models.IntegerField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.visit} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def stage(self) -> str:
        """Where the search is: queued, solving, first feasible, improving, optimal or finished otherwise."""
        if self.status == ProposalStatus.SOLVING:
            return {0: "solving", 1: "first_feasible"}.get(len(self.progress), "improving")
        return str(self.status)
