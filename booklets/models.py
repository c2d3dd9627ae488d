"""What booklets, host sheets and exports need beyond the programme: a visit's booklet settings, a venue's
directions, and each participant's arrival and departure.

Kept in this app, beside the rows they describe, so that visits (the bottom layer) does not change for them.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from visits.fields import TranslationsField
from visits.models import Person, Venue, Visit


class BookletSettings(models.Model):
    """A visit's settings for its printed programme; a visit without a row has the defaults."""

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="booklet_settings")
    emergency_phone = models.CharField(
        _("emergency number"),
        max_length=40,
        blank=True,
        help_text=_("On the cover of every booklet: a number answered at any hour during the visit."),
    )
    coordinators_phone = models.CharField(
        _("coordinators' phone"),
        max_length=40,
        blank=True,
        help_text=_("On the cover beside the coordinators' names."),
    )
    attach_to_programme_email = models.BooleanField(
        _("attach the booklet to the programme e-mail"),
        default=False,
        help_text=_("Each participant's programme e-mail carries their booklet as a PDF."),
    )
    send_host_sheets = models.BooleanField(
        _("send host sheets"),
        default=False,
        help_text=_(
            "Each host organisation gets a sheet of the sessions at its place when a version is published "
            "and it changed."
        ),
    )

    class Meta:
        verbose_name = _("booklet settings")
        verbose_name_plural = _("booklet settings")

    def __str__(self) -> str:
        return str(self.visit)


class VenueDirections(models.Model):
    """How to get to a venue and in, as the booklet prints it under the address."""

    venue = models.OneToOneField(Venue, on_delete=models.CASCADE, related_name="directions")
    text = models.TextField(
        _("directions"), help_text=_("How to get there and in: transport, entrance, reception.")
    )
    text_translations = TranslationsField(
        _("directions in other languages"),
        help_text=_("The directions in the readers' languages, by language code."),
    )

    class Meta:
        verbose_name = _("directions to a venue")
        verbose_name_plural = _("directions to venues")

    def __str__(self) -> str:
        return str(self.venue)


class ParticipantStay(models.Model):
    """When a participant arrives and leaves, and where they stay: for hotels and caterers."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="stays")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="stays")
    arrives_at = models.DateTimeField(_("arrives"), null=True, blank=True)
    departs_at = models.DateTimeField(_("departs"), null=True, blank=True)
    hotel = models.CharField(_("hotel"), max_length=200, blank=True)

    class Meta:
        ordering = ["visit", "person__name"]
        verbose_name = _("participant's stay")
        verbose_name_plural = _("participants' stays")
        constraints = [
            models.UniqueConstraint("visit", "person", name="participant_stay_unique"),
            models.CheckConstraint(
                condition=Q(arrives_at__isnull=True)
                | Q(departs_at__isnull=True)
                | Q(departs_at__gt=F("arrives_at")),
                name="participant_stay_departs_after_arrival",
                violation_error_message=_("The departure must be after the arrival."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.visit}"

    def clean(self) -> None:
        """A stay is a participant's: a member of the visit's delegation (a seminar abroad without one takes
        anyone)."""
        super().clean()
        visit = self.visit if self.visit_id else None
        if visit is None or visit.delegation_id is None or not self.person_id:
            return
        if not visit.delegation.members.filter(person_id=self.person_id).exists():  # type: ignore[union-attr]
            # The message is formatted with the delegation's name; a % in it must stay a %.
            raise ValidationError(
                {
                    "person": gettext("Choose members of this visit's delegation (%(delegation)s).")
                    % {"delegation": str(visit.delegation).replace("%", "%%")}
                }
            )
