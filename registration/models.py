"""Open registration for a seminar abroad: its settings (capacity, closing time, how long an offered place
is held) and each registrant's registration, whose status moves only through
registration.services.registration_move, along REGISTRATION_TRANSITIONS.

A registrant is a real Person. While their place is theirs (confirmed) they are a member of the seminar's
audience, a delegation made for it when registration first opens (or the seminar's own delegation): so the
roster, the personal page, the calendar feed and the published programme's invitations reach them as they
reach any participant. Someone on the waiting list, or offered a place, is not a member yet.
"""

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from visits.models import DelegationMember, Person, Session, TargetGroup, Visit
from visits.models.programme import SessionQuerySet

# What a registrant types in a free-text answer: a line, not a letter.
TEXT_MAX_LENGTH = 200


def new_public_key() -> str:
    return secrets.token_urlsafe(12)


class RegistrationSettings(models.Model):
    """A seminar abroad's registration page: whether it is open, for how many, until when."""

    visit = models.OneToOneField(
        Visit, verbose_name=_("seminar"), on_delete=models.CASCADE, related_name="registration_settings"
    )
    is_open = models.BooleanField(
        _("registration open"), default=False, help_text=_("Closed: the page says so and takes no one.")
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(5000)],
        help_text=_("How many can attend; those who register after that join the waiting list."),
    )
    closes_at = models.DateTimeField(_("registration closes"))
    confirm_within_hours = models.PositiveIntegerField(
        _("hours to take up a freed place"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_("Someone on the waiting list offered a freed place must confirm within this time."),
    )
    # The page's address: not the seminar's id, so that seminars without open registration cannot be found.
    public_key = models.CharField(max_length=32, unique=True, default=new_public_key, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registration settings")
        verbose_name_plural = _("registration settings")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="registration_capacity_positive"),
            models.CheckConstraint(
                condition=Q(confirm_within_hours__gte=1), name="registration_confirm_within_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(self.visit)


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    OFFERED = "offered", _("Offered a freed place")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Offer not taken up")


# Where a registration starts: a place if one is free, the waiting list otherwise.
REGISTRATION_STARTS = frozenset({RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING})
# Allowed moves. A freed place goes to the first on the waiting list (offered), who confirms it or lets it
# lapse; anyone may cancel until the end. Cancelled and lapsed registrations are over: registering again
# makes a new one.
REGISTRATION_TRANSITIONS: dict[str, set[str]] = {
    RegistrationStatus.WAITING: {RegistrationStatus.OFFERED, RegistrationStatus.CANCELLED},
    RegistrationStatus.OFFERED: {
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.EXPIRED,
        RegistrationStatus.CANCELLED,
    },
    RegistrationStatus.CONFIRMED: {RegistrationStatus.CANCELLED},
    RegistrationStatus.CANCELLED: set(),
    RegistrationStatus.EXPIRED: set(),
}
# Holding a place: counted against the capacity.
HOLDING = frozenset({RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED})
# Still in: one such registration per seminar and e-mail address.
ACTIVE = frozenset({*HOLDING, RegistrationStatus.WAITING})


class Registration(models.Model):
    Status = RegistrationStatus

    visit = models.ForeignKey(
        Visit, verbose_name=_("seminar"), on_delete=models.CASCADE, related_name="registrations"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="registrations"
    )
    # The e-mail address as given, lower-cased: one active registration per seminar and address.
    email = models.EmailField(_("e-mail"))
    organisation = models.CharField(_("organisation"), max_length=TEXT_MAX_LENGTH)
    role = models.CharField(_("role"), max_length=TEXT_MAX_LENGTH, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=TargetGroup.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    # The membership of the seminar's audience while the place is theirs.
    member = models.ForeignKey(
        DelegationMember,
        verbose_name=_("membership"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    consented_at = models.DateTimeField(_("consent given"))
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    offered_at = models.DateTimeField(_("offered a place"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    # How many moves the row has made: each message about it has its own key.
    moves = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["visit", "created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                "visit",
                Lower("email"),
                condition=Q(status__in=sorted(s.value for s in ACTIVE)),
                name="registration_one_active_per_email",
                violation_error_message=_("This e-mail address is already registered for this seminar."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in RegistrationStatus]),
                name="registration_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(sector__in=[t.value for t in TargetGroup]), name="registration_sector_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "offer_expires_at"])]

    def __str__(self) -> str:
        return f"{self.person} – {self.visit.title}"

    def sessions(self) -> "SessionQuerySet":
        """The seminar's sessions, not cancelled, that the registrant is on (as a member of its audience)."""
        return Session.objects.with_participant(self.person).filter(visit_id=self.visit_id).active()

    def invited_sessions(self) -> "SessionQuerySet":
        """The sessions a confirmation's calendar invites to: the registrant's, once the seminar's programme
        is published; none before (the invitations then come with the publication)."""
        return self.sessions() if self.visit.is_published else Session.objects.none()
