"""Visits and their programmes: themes, visits and sessions. The people on a session (its experts with their
answers, chosen members of the delegation, interpreters) are in visits.models.session_people."""

import datetime as dt
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from visits.fields import LanguageField, LanguageListField, TimeZoneField, TranslationsField
from visits.models.delegations import Delegation, DelegationMember
from visits.models.deletion import PROTECT_IF_PUBLISHED, ExplainedDeletionMixin
from visits.models.people import Organisation, Person
from visits.models.places import Venue
from visits.roster import RosterQuerySet, SessionAttendance

if TYPE_CHECKING:
    from visits.models.session_people import ChosenMember, SessionExpert, SessionInterpreter


class Theme(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_sv = models.CharField(_("name (Swedish)"), max_length=100)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_sv if (get_language() or "").startswith("sv") else self.name_en


class VisitStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PLANNED = "planned", _("Planned")
    PUBLISHED = "published", _("Published")
    UNDER_WAY = "under_way", _("Under way")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


VISIT_TRANSITIONS: dict[str, set[str]] = {
    VisitStatus.DRAFT: {VisitStatus.PLANNED, VisitStatus.PUBLISHED, VisitStatus.CANCELLED},
    VisitStatus.PLANNED: {VisitStatus.DRAFT, VisitStatus.PUBLISHED, VisitStatus.CANCELLED},
    VisitStatus.PUBLISHED: {VisitStatus.UNDER_WAY, VisitStatus.CANCELLED},
    VisitStatus.UNDER_WAY: {VisitStatus.COMPLETED, VisitStatus.CANCELLED},
    VisitStatus.COMPLETED: set(),
    # A cancelled visit can be taken up again; it starts over as a draft and keeps its sessions.
    VisitStatus.CANCELLED: {VisitStatus.DRAFT},
}


class VisitKind(models.TextChoices):
    STUDY_VISIT = "study_visit", _("Study visit in Sweden")
    SEMINAR_ABROAD = "seminar_abroad", _("Seminar abroad")


class TargetGroup(models.TextChoices):
    """Whom a visit or seminar is for, as Measure 31 reports it to government (issue 19)."""

    JUSTICE = "justice", _("Justice system")
    SOCIAL_SERVICES = "social_services", _("Social services")
    MINISTRIES = "ministries", _("Ministries")
    RESEARCH = "research", _("Research")
    MEDIA = "media", _("Journalists and opinion makers")
    NGOS = "ngos", _("NGOs")


class Visit(ExplainedDeletionMixin, models.Model):
    """The programme of one delegation's visit, or a seminar abroad with its own audience."""

    Kind = VisitKind
    Status = VisitStatus

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STUDY_VISIT)
    title = models.CharField(_("title"), max_length=200)
    title_translations = TranslationsField(
        _("title in other languages"),
        text_max_length=200,
        help_text=_("The title in the readers' languages, by language code; the title above is the English."),
    )
    delegation = models.ForeignKey(
        Delegation,
        verbose_name=_("delegation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        help_text=_("The visiting delegation. A seminar abroad may have an open audience instead."),
    )
    audience = models.TextField(_("audience"), blank=True, help_text=_("Who a seminar abroad is for."))
    target_group = models.CharField(
        _("target group"),
        max_length=20,
        choices=TargetGroup.choices,
        blank=True,
        help_text=_("Whom the visit or seminar is for, as the report to government counts it."),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    time_zone = TimeZoneField(_("time zone"), default=settings.TIME_ZONE)
    city = models.CharField(_("city"), max_length=100)
    country = CountryField(_("country"), default="SE")
    programme_languages = LanguageListField(_("programme languages"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="coordinated_visits",
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="visits")
    # The first day's start and the last day's end in the visit's zone, in UTC. Derived in save() so that
    # the database itself can check that sessions fall within the visit without a time-zone library.
    window_starts_at = models.DateTimeField(editable=False)
    window_ends_at = models.DateTimeField(editable=False)
    first_published_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_on", "title"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        # The agency admin's role (visits.access.is_agency_admin): sees every visit and delegation and manages
        # the coordinators. Given through the "Agency admins" group (visits/migrations/0010).
        permissions = [("agency_admin", _("Agency admin: sees everything, manages coordinators"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="visit_ends_on_or_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=Q(kind="seminar_abroad") | Q(delegation__isnull=False),
                name="visit_study_visit_has_delegation",
                violation_error_message=_("A study visit needs a delegation."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in VisitStatus]), name="visit_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in VisitKind]), name="visit_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(target_group__in=["", *(t.value for t in TargetGroup)]),
                name="visit_target_group_valid",
            ),
        ]
        indexes = [models.Index(fields=["starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.window_starts_at, self.window_ends_at = self.compute_window()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"starts_on", "ends_on", "time_zone"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "window_starts_at", "window_ends_at"}
        super().save(*args, **kwargs)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def compute_window(self) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(self.starts_on, dt.time.min, tzinfo=self.zone)
        end = dt.datetime.combine(self.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=self.zone)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    @property
    def is_published(self) -> bool:
        return self.first_published_at is not None


class SessionKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    SEMINAR = "seminar", _("Seminar")
    SITE_VISIT = "site_visit", _("Site visit")
    MEAL = "meal", _("Meal")
    TRANSFER = "transfer", _("Transfer")
    BREAK = "break", _("Break")


class SessionStatus(models.TextChoices):
    TENTATIVE = "tentative", _("Tentative")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


# Allowed moves of a session's status; visits.services.session_change_status is the one place that moves it.
SESSION_TRANSITIONS: dict[str, set[str]] = {
    SessionStatus.TENTATIVE: {SessionStatus.CONFIRMED, SessionStatus.CANCELLED},
    SessionStatus.CONFIRMED: {SessionStatus.TENTATIVE, SessionStatus.CANCELLED},
    SessionStatus.CANCELLED: {SessionStatus.TENTATIVE},
}


class StaleEdit(Exception):
    """An edit made from a copy of a session that someone else has changed since."""

    def __init__(self, session: "Session") -> None:
        self.session = session
        super().__init__(
            gettext(
                "“%(title)s” was changed by someone else after you opened it. Your changes were not saved: "
                "reload the session to see the current version, then make your change again."
            )
            % {"title": session.title}
        )


class SessionQuerySet(RosterQuerySet):
    def overlapping(self, start: dt.datetime, end: dt.datetime) -> "SessionQuerySet":
        """Sessions that share some time with [start, end).

        On PostgreSQL this is a range overlap served by a GiST index on tstzrange(starts_at, ends_at), so its
        cost grows with the number of sessions found, not with the number stored. SQLite filters the same
        rows with the (starts_at, ends_at) B-tree index, more slowly.
        """
        if connections[self.db].vendor == "postgresql":
            from django.contrib.postgres.fields import DateTimeRangeField
            from psycopg.types.range import Range

            span = models.Func(
                F("starts_at"), F("ends_at"), function="tstzrange", output_field=DateTimeRangeField()
            )
            return self.alias(span=span).filter(span__overlap=Range(start, end, "[)"))
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def active(self) -> "SessionQuerySet":
        return self.exclude(status=SessionStatus.CANCELLED)


class Session(models.Model):
    Kind = SessionKind
    Status = SessionStatus
    Attendance = SessionAttendance

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=PROTECT_IF_PUBLISHED, related_name="sessions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEETING)
    title = models.CharField(_("title"), max_length=300)
    title_translations = TranslationsField(
        _("title in other languages"),
        text_max_length=300,
        help_text=_("The title in the readers' languages, by language code; the title above is the English."),
    )
    description = models.TextField(_("description"), blank=True)
    description_translations = TranslationsField(
        _("description in other languages"),
        help_text=_("The description in the readers' languages, by language code."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    outside_visit_dates = models.BooleanField(
        _("outside the visit's dates"),
        default=False,
        help_text=_(
            "Tick for a session deliberately held before or after the visit, such as an arrival dinner."
        ),
    )
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    # Organisations are shared: deleting one that sessions name is refused (visits.services counts the
    # visits), never a silent loss of another coordinator's host.
    host_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("host organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_sessions",
    )
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.DELEGATION
    )
    language = LanguageField(_("language"), blank=True, help_text=_("The language the session is held in."))
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    interpretation_language = LanguageField(
        _("interpretation into"), blank=True, help_text=_("The language the session is interpreted into.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.TENTATIVE)
    # Raised on every change a calendar must see; becomes SEQUENCE in the session's invitations.
    sequence = models.PositiveIntegerField(_("sequence"), default=0, editable=False)
    # The optimistic lock: raised on every save; a save from a copy whose revision is no longer current is
    # refused (StaleEdit). Not to be confused with a published ProgrammeVersion.
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    experts: "models.ManyToManyField[Person, SessionExpert]" = models.ManyToManyField(
        Person, through="SessionExpert", related_name="expert_sessions", blank=True
    )
    chosen_members: "models.ManyToManyField[DelegationMember, ChosenMember]" = models.ManyToManyField(
        DelegationMember, through="ChosenMember", related_name="sessions", blank=True
    )
    interpreters: "models.ManyToManyField[Person, SessionInterpreter]" = models.ManyToManyField(
        Person, through="SessionInterpreter", related_name="interpreted_sessions", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "title"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in SessionStatus]), name="session_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in SessionKind]), name="session_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(attendance__in=[a.value for a in SessionAttendance]),
                name="session_attendance_valid",
            ),
        ]
        # On PostgreSQL a GiST index on tstzrange(starts_at, ends_at) serves overlapping(): migration 0004.
        indexes = [
            models.Index(fields=["visit", "starts_at"]),
            models.Index(fields=["venue", "starts_at"]),
            models.Index(fields=["starts_at", "ends_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, refusing to overwrite a newer revision (optimistic locking).

        The conditional UPDATE takes the row lock, so of two editors holding the same revision exactly one
        moves it on; the other finds no row to update and gets StaleEdit.
        """
        if self.pk is not None and not kwargs.get("force_insert") and not self._state.adding:
            claimed = (
                type(self)
                ._default_manager.using(kwargs.get("using") or self._state.db)
                .filter(pk=self.pk, revision=self.revision)
                .update(revision=F("revision") + 1)
            )
            if not claimed:
                raise StaleEdit(self)
            self.revision += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "revision"}
            try:
                super().save(*args, **kwargs)
            except Exception:
                self.revision -= 1  # the transaction rolls back the claim; keep the copy consistent with it
                raise
            return
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = gettext("A session must end after it starts.")
        if self.visit_id and self.starts_at and self.ends_at and not self.outside_visit_dates:
            start, end = self.visit.compute_window()
            if self.starts_at < start or self.ends_at > end:
                errors["starts_at"] = gettext(
                    "The session falls outside the visit's dates (%(first)s to %(last)s, %(zone)s). Move it, "
                    "or tick “outside the visit's dates” if that is intended."
                ) % {"first": self.visit.starts_on, "last": self.visit.ends_on, "zone": self.visit.time_zone}
        if self.interpreter_needed and not self.interpretation_language:
            errors["interpretation_language"] = gettext("Say which language the session is interpreted into.")
        if errors:
            raise ValidationError(errors)

    @property
    def zone(self) -> ZoneInfo:
        """The zone the session is shown in: its venue's, or its visit's when it has no venue."""
        return ZoneInfo(self.venue.time_zone if self.venue_id and self.venue else self.visit.time_zone)

    @property
    def duration(self) -> dt.timedelta:
        # In UTC: two times in one zone subtract by wall clock, which is wrong across a DST switch.
        return self.ends_at.astimezone(dt.UTC) - self.starts_at.astimezone(dt.UTC)

    @classmethod
    def published_filter(cls) -> Q:
        return Q(visit__first_published_at__isnull=False)

    @classmethod
    def protected_deletion_message(cls, rows: list["Session"]) -> str:
        return gettext(
            "The visit “%(visit)s” cannot be deleted: its programme has been published and is kept as a "
            "record. Cancel the visit instead; its sessions are kept."
        ) % {"visit": rows[0].visit.title}
