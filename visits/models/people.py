"""Organisations and the people who work at them."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from visits.fields import LanguageField, TimeZoneField
from visits.models.deletion import ExplainedDeletionMixin


class OrganisationKind(models.TextChoices):
    POLICE = "police", _("Police")
    PROSECUTION = "prosecution", _("Prosecution")
    SOCIAL_SERVICES = "social_services", _("Social services")
    MINISTRY = "ministry", _("Ministry")
    NGO = "ngo", _("NGO")
    RESEARCH = "research", _("Research")
    MEDIA = "media", _("Media")
    INTERNATIONAL = "international", _("International organisation")
    OTHER = "other", _("Other")


class OrganisationSide(models.TextChoices):
    HOST = "host", _("Host (Swedish side)")
    VISITING = "visiting", _("Visiting")


class Organisation(models.Model):
    Kind = OrganisationKind

    Side = OrganisationSide

    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices, default=Side.HOST)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.TextField(_("address"), blank=True)
    # When the row last changed: calendar feeds compare it (notifications.feed_cache) to answer 304s.
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "country",
                name="organisation_name_country_unique",
                violation_error_message=_("An organisation with this name already exists in this country."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in OrganisationKind]),
                name="organisation_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(side__in=[s.value for s in OrganisationSide]),
                name="organisation_side_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})" if self.country else self.name


class Gender(models.TextChoices):
    """As the person states it, for the report's gender-equality figures; blank where not stated."""

    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Another gender")


class Person(ExplainedDeletionMixin, models.Model):
    """Anyone Visitplan writes to: an expert, a delegation member, an interpreter.

    One person can be an expert in one visit and a participant in another, so the role lives on the
    relation (SessionExpert, DelegationMember), never here.
    """

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = LanguageField(
        _("preferred language"),
        default="en",
        help_text=_("Messages are written in this language when we can."),
    )
    home_time_zone = TimeZoneField(_("home time zone"), default=settings.TIME_ZONE)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    gender = models.CharField(
        _("gender"),
        max_length=10,
        choices=Gender.choices,
        blank=True,
        help_text=_(
            "Only as the person states it; counted in the report to government, never shown to others."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="person_email_unique_ci",
                violation_error_message=_("A person with this e-mail address already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(gender__in=["", *(g.value for g in Gender)]),
                name="person_gender_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip()
        super().save(*args, **kwargs)
