"""Delegations: the visiting groups and their members (what each member needs: participation.models)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from visits.fields import LanguageListField
from visits.models.deletion import PROTECT_IF_PUBLISHED
from visits.models.people import Organisation, Person


class Delegation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    countries = CountryField(_("countries"), multiple=True, blank=True)
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations"), blank=True, related_name="delegations"
    )
    languages = LanguageListField(
        _("languages"), help_text=_("Languages the delegation can follow a session in.")
    )
    notes = models.TextField(_("notes"), blank=True)
    # Who looks after the delegation besides the coordinators of its visits: whoever registered it, so that
    # a delegation is theirs to fill in before any visit of it exists (visits.access.delegations_for_user).
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="coordinated_delegations",
        help_text=_("They see the delegation and its members, as do the coordinators of its visits."),
    )
    # When the row last changed: calendar feeds compare it (notifications.feed_cache) to answer 304s.
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        # Case-insensitively, so that "Latvian state police" is not registered beside "Latvian State Police"
        # (the database's own rule only refuses the very same spelling).
        if not self.name:
            return
        # The stored spelling is not echoed: the delegation may be one the user may not see.
        if Delegation.objects.filter(name__iexact=self.name.strip()).exclude(pk=self.pk).exists():
            raise ValidationError(
                {
                    "name": ValidationError(
                        _(
                            "A delegation of this name is already registered (names are compared "
                            "regardless of case). Give this one another name (with the year or the city, "
                            "for instance), or ask that delegation's coordinators to add you."
                        ),
                        code="unique",
                    )
                }
            )


class MemberRole(models.TextChoices):
    HEAD = "head", _("Head of delegation")
    MEMBER = "member", _("Member")
    INTERPRETER = "interpreter", _("Interpreter")
    ACCOMPANYING = "accompanying", _("Accompanying")
    # Who asked for the visit for the organisation or embassy (intake): the coordinators' counterpart, who
    # may or may not travel with the delegation.
    CONTACT = "contact", _("Contact person")


class DelegationMember(models.Model):
    Role = MemberRole

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=PROTECT_IF_PUBLISHED, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    languages = LanguageListField(_("languages"), help_text=_("Languages this member speaks."))

    class Meta:
        ordering = ["delegation", "role", "person__name"]
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        constraints = [
            models.UniqueConstraint(
                "delegation",
                "person",
                name="delegation_member_unique",
                violation_error_message=_("This person is already a member of this delegation."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in MemberRole]),
                name="delegation_member_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()}, {self.delegation})"

    @classmethod
    def published_filter(cls) -> models.Q:
        return models.Q(delegation__visits__first_published_at__isnull=False)

    @classmethod
    def protected_deletion_message(cls, rows: list["DelegationMember"]) -> str:
        member = rows[0]
        return gettext(
            "%(person)s cannot be deleted: they are a member of %(delegation)s, whose programme has been "
            "published. Published programmes are kept as a record."
        ) % {"person": member.person, "delegation": member.delegation}
