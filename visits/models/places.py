"""Venues: the places where sessions happen, with their opening hours."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from visits.fields import TimeZoneField
from visits.models.people import Organisation


class Venue(models.Model):
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(
        _("address"), help_text=_("Street address as it should appear in invitations.")
    )
    city = models.CharField(_("city"), max_length=100)
    country = CountryField(_("country"), default="SE")
    host_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("host organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="venues",
    )
    time_zone = TimeZoneField(_("time zone"), default=settings.TIME_ZONE)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Seats; empty if unknown.")
    )
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)
    # When the row last changed: calendar feeds compare it (notifications.feed_cache) to answer 304s.
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        ordering = ["city", "name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.UniqueConstraint(
                "name",
                "city",
                name="venue_name_city_unique",
                violation_error_message=_("A venue with this name already exists in this city."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"


class OpeningHours(models.Model):
    """One weekly opening interval of a venue, in the venue's own time zone."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["venue", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")),
                name="opening_hours_closes_after_opens",
                violation_error_message=_("Closing time must be after opening time."),
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_hours_weekday_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"
