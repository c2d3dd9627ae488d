"""Reads that are reused: what a user may see."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from visits.models import Visit


def visits_for_user(user: User | AnonymousUser) -> QuerySet[Visit]:
    """Superusers see every visit; a coordinator sees the visits they coordinate; anyone else, none.

    Coordinators are staff (the admin is part of their toolbox), so being staff is no reason to see more."""
    if not user.is_authenticated:
        return Visit.objects.none()
    if user.is_superuser:
        return Visit.objects.all()
    return Visit.objects.filter(coordinators=user.pk)
