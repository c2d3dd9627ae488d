"""The two roles' groups, kept up to date after every migrate: what a coordinator and an agency admin may do
in the admin. Who may see what is decided in visits.access; these give the model permissions only."""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from visits.access import AGENCY_ADMIN, AGENCY_ADMINS_GROUP

COORDINATORS_GROUP = "Coordinators"
COORDINATOR_APPS = (
    "visits",
    "scheduling",
    "notifications",
    "responses",
    "participation",
    "registration",
    "booklets",
)


def _coordinator_permissions() -> Q:
    app, codename = AGENCY_ADMIN.split(".")
    return Q(content_type__app_label__in=COORDINATOR_APPS) & ~Q(
        content_type__app_label=app, codename=codename
    )


def coordinators_group() -> Group:
    """May plan, publish and follow the mail in the admin, and nothing else (no users, no groups, no site
    settings, not the agency admin's role)."""
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    group.permissions.set(Permission.objects.filter(_coordinator_permissions()))
    return group


def agency_admins_group() -> Group:
    """A coordinator's permissions, the agency admin's role, the coordinators' accounts (users, given one of
    the two roles: visits.admin.accounts) and reading the audit log. Not the groups themselves: whoever could
    change a group's permissions could give their own group any of them. No site settings, no deleting the
    audit trail."""
    app, codename = AGENCY_ADMIN.split(".")
    group, _ = Group.objects.get_or_create(name=AGENCY_ADMINS_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            _coordinator_permissions()
            | Q(content_type__app_label=app, codename=codename)
            | Q(content_type__app_label="auth", content_type__model="user")
            | Q(content_type__app_label="audit", codename="view_auditentry")
        )
    )
    return group


def keep_groups_after_migrate(**kwargs: Any) -> None:
    """post_migrate: each app's permissions arrive with its own signal, so the groups are set again each
    time (a few queries); the last one leaves them complete."""
    if not Permission.objects.filter(codename=AGENCY_ADMIN.split(".")[1]).exists():
        return
    coordinators_group()
    agency_admins_group()
