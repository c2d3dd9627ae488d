"""The coordinators' accounts, as the agency admin manages them: Django's user admin, with the two things it
would otherwise hand to anyone allowed to change users taken back for whoever is not a superuser.

- Making a superuser, or giving permissions one by one, stays with superusers: an agency admin who could tick
  "superuser" could give themselves the site's settings too.
- Groups offered are the two roles (visits.roles): Coordinators and Agency admins.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.http import HttpRequest

from visits.access import AGENCY_ADMINS_GROUP
from visits.roles import COORDINATORS_GROUP

SUPERUSER_ONLY = ("is_superuser", "user_permissions")


class AccountAdmin(UserAdmin):
    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in SUPERUSER_ONLY]})
            for name, options in fieldsets
        ]

    def get_queryset(self, request: HttpRequest) -> Any:
        """Whoever is not a superuser does not manage superusers' accounts (nor take them over by a new
        password)."""
        users = super().get_queryset(request)
        return users if request.user.is_superuser else users.filter(is_superuser=False)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=[COORDINATORS_GROUP, AGENCY_ADMINS_GROUP])
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
