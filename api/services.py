"""Writes the API needs beside those of the planner and the directory. Keyword-only, typed and atomic."""

from collections.abc import Iterable

from django.db import transaction

from visits.models import Session, SessionAttendee


@transaction.atomic
def session_attendees_set(*, session: Session, members: Iterable[int]) -> None:
    """Make the session's chosen attendees these delegation members (used when attendance is 'chosen')."""
    wanted = set(members)
    current = set(session.session_attendees.values_list("member_id", flat=True))
    session.session_attendees.filter(member_id__in=current - wanted).delete()
    SessionAttendee.objects.bulk_create(
        SessionAttendee(session=session, member_id=member_id) for member_id in sorted(wanted - current)
    )
