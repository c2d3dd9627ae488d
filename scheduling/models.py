"""Scheduling data: availability, travel times, acknowledged warnings, and published programme versions."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from scheduling.domain import changes
from visits.models import OpeningHours, Person, Session, Venue, Visit


class ExpertHours(models.Model):
    """A weekly interval in which an expert can usually lead sessions, in the expert's home time zone.

    An expert with no weekly hours is taken to be available at any time, save for their exceptions.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=OpeningHours.Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        ordering = ["person", "weekday", "starts"]
        verbose_name = _("expert's weekly hours")
        verbose_name_plural = _("experts' weekly hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")),
                name="expert_hours_ends_after_start",
                violation_error_message=_("The end of the hours must be after their start."),
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="expert_hours_weekday_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class AvailabilityException(models.Model):
    """A dated exception to an expert's hours or a venue's opening hours.

    "Away 12–16 May" is UNAVAILABLE for those days; "busy 13:00–15:00 on 12 May" is UNAVAILABLE with times;
    "mornings only, 12–16 May" is ONLY with times 08:00–12:00, replacing the weekly hours on those days.
    """

    class Kind(models.TextChoices):
        UNAVAILABLE = "unavailable", _("Unavailable")
        ONLY = "only", _("Available only")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="availability_exceptions"
    )
    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, null=True, blank=True, related_name="availability_exceptions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.UNAVAILABLE)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    starts = models.TimeField(_("from"), null=True, blank=True, help_text=_("Empty for the whole day."))
    ends = models.TimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("availability exception")
        verbose_name_plural = _("availability exceptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, venue__isnull=True)
                | Q(person__isnull=True, venue__isnull=False),
                name="availability_exception_one_owner",
                violation_error_message=_("An exception belongs to either an expert or a venue."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="availability_exception_dates_in_order",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=(Q(starts__isnull=True) & Q(ends__isnull=True))
                | (Q(starts__isnull=False) & Q(ends__isnull=False) & Q(ends__gt=F("starts"))),
                name="availability_exception_times_in_order",
                violation_error_message=_("Give both times, with the end after the start, or neither."),
            ),
            models.CheckConstraint(
                condition=Q(kind="unavailable") | Q(starts__isnull=False),
                name="availability_exception_only_has_times",
                violation_error_message=_("“Available only” needs the times that are available."),
            ),
        ]

    def __str__(self) -> str:
        owner = self.person or self.venue
        return f"{owner}: {self.get_kind_display()} {self.starts_on}–{self.ends_on}"


class TravelTime(models.Model):
    """Minutes needed between two venues, in either direction. Stored once per pair, lower id first."""

    venue_a = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="+")
    venue_b = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="+")
    minutes = models.PositiveIntegerField(_("minutes"))

    class Meta:
        verbose_name = _("travel time between venues")
        verbose_name_plural = _("travel times between venues")
        constraints = [
            models.UniqueConstraint("venue_a", "venue_b", name="travel_time_pair_unique"),
            models.CheckConstraint(condition=Q(venue_a__lt=F("venue_b")), name="travel_time_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.venue_a} ↔ {self.venue_b}: {self.minutes} min"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.venue_a_id and self.venue_b_id and self.venue_a_id > self.venue_b_id:
            self.venue_a_id, self.venue_b_id = self.venue_b_id, self.venue_a_id
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class CityTravelTime(models.Model):
    """The default minutes between venues in two cities (or within one), where no venue pair is set."""

    city_a = models.CharField(_("city"), max_length=100)
    city_b = models.CharField(_("other city"), max_length=100)
    minutes = models.PositiveIntegerField(_("minutes"))

    class Meta:
        verbose_name = _("travel time between cities")
        verbose_name_plural = _("travel times between cities")
        constraints = [
            models.UniqueConstraint("city_a", "city_b", name="city_travel_time_pair_unique"),
            models.CheckConstraint(
                condition=Q(city_a__lte=F("city_b")), name="city_travel_time_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city_a} ↔ {self.city_b}: {self.minutes} min"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.city_a > self.city_b:
            self.city_a, self.city_b = self.city_b, self.city_a
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ConflictAcknowledgement(models.Model):
    """A coordinator has seen a warning and accepts it. Fatal conflicts cannot be acknowledged."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="acknowledgements")
    key = models.CharField(_("conflict"), max_length=300, help_text=_("The conflict's stable key."))
    message = models.TextField(_("message"), help_text=_("The warning as the coordinator saw it."))
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("acknowledged warning")
        verbose_name_plural = _("acknowledged warnings")
        constraints = [models.UniqueConstraint("visit", "key", name="conflict_acknowledgement_unique")]

    def __str__(self) -> str:
        return self.message


class KeptConflicts(models.Model):
    """A visit's conflicts as last checked, kept so that the dashboard does not check every visit it lists on
    every request (scheduling.kept). Only what counting them for a reader needs is kept: each conflict's kind,
    subject, sessions, the (session, visit) pairs it names and whether it is acknowledged.

    On PostgreSQL, triggers (the kept_conflicts migration) make a row when a visit is made and mark it stale
    when anything its conflicts depend on is written, by any door; `generation` goes up with each mark, so
    that a check that read the programme before a write cannot store its result as fresh after it.
    """

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, primary_key=True, related_name="+")
    conflicts = models.JSONField(default=list)
    # Fatal conflicts and open warnings as read by whoever may see all the visits they name, and those.
    open = models.PositiveIntegerField(default=0)
    others = models.JSONField(default=list)
    rules = models.CharField(max_length=300, blank=True)  # the rules they were checked under (settings)
    stale = models.BooleanField(default=True)
    generation = models.PositiveIntegerField(default=0)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kept conflicts")
        verbose_name_plural = _("kept conflicts")

    def __str__(self) -> str:
        return f"{self.visit_id}: {len(self.conflicts)}{' (stale)' if self.stale else ''}"


class ProgrammeVersion(models.Model):
    """A published, frozen programme of a visit. Version 1 is the first publication."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # {session id: the session as published}; see scheduling.domain.changes.SessionSnapshot.
    snapshot = models.JSONField(_("programme"))
    # True from the publish's commit until the messages the version calls for are written, in a transaction
    # of their own (scheduling.publishing.write_pending_messages); the outbox sweep completes one left so.
    messages_pending = models.BooleanField(_("messages not yet written"), default=False, editable=False)

    class Meta:
        ordering = ["visit", "-number"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [models.UniqueConstraint("visit", "number", name="programme_version_unique")]
        indexes = [
            models.Index(
                fields=["visit"], condition=models.Q(messages_pending=True), name="version_messages_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.visit.title} v{self.number}"


class ChangeKind(models.TextChoices):
    """The kinds of scheduling.domain.changes.Kind, with their labels."""

    ADDED = changes.Kind.ADDED.value, _("Session added")
    MOVED = changes.Kind.MOVED.value, _("Session moved")
    VENUE_CHANGED = changes.Kind.VENUE_CHANGED.value, _("Session moved to another venue")
    DETAILS_CHANGED = changes.Kind.DETAILS_CHANGED.value, _("Session details changed")
    CANCELLED = changes.Kind.CANCELLED.value, _("Session cancelled")
    PERSON_ADDED = changes.Kind.PERSON_ADDED.value, _("Person added")
    PERSON_REMOVED = changes.Kind.PERSON_REMOVED.value, _("Person removed")


class ProgrammeChange(models.Model):
    """One change between a version and the one before it, and the people it concerns."""

    Kind = ChangeKind

    version = models.ForeignKey(ProgrammeVersion, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=20, choices=ChangeKind.choices)
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Kept when the session itself is later deleted.
    session_key = models.BigIntegerField(_("session id"))
    session_title = models.CharField(_("session"), max_length=300)
    sequence = models.PositiveIntegerField(
        _("sequence"), help_text=_("The session's SEQUENCE after the change.")
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["version", "id"]
        verbose_name = _("programme change")
        verbose_name_plural = _("programme changes")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.session_title}"


class ChangeRecipient(models.Model):
    """A person a change concerns, and what their calendar must do: take an invitation, or a cancellation."""

    class Action(models.TextChoices):
        REQUEST = changes.Action.REQUEST.value, _("Invitation or update")
        CANCEL = changes.Action.CANCEL.value, _("Cancellation")

    class Role(models.TextChoices):
        EXPERT = changes.Role.EXPERT.value, _("Expert")
        INTERPRETER = changes.Role.INTERPRETER.value, _("Interpreter")
        PARTICIPANT = changes.Role.PARTICIPANT.value, _("Participant")

    change = models.ForeignKey(ProgrammeChange, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)

    class Meta:
        verbose_name = _("person concerned")
        verbose_name_plural = _("people concerned")
        constraints = [models.UniqueConstraint("change", "person", name="change_recipient_unique")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_action_display()})"


class Programme(Visit):
    """A visit as its coordinator publishes it: the admin's page for conflicts, the preview and publishing."""

    class Meta:
        proxy = True
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
