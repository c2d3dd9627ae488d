"""Reads that are reused: what a user may see."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from visits.models import Visit


def visits_for_user(user: User | AnonymousUser) -> QuerySet[Visit]:
    """Staff see every visit; a coordinator sees the visits they coordinate; anyone else, none."""
    if not user.is_authenticated:
        return Visit.objects.none()
    if user.is_staff:
        return Visit.objects.all()
    return Visit.objects.filter(coordinators=user)
