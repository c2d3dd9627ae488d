"""Who is asked to evaluate a visit: its participants, as the roster says (visits.roster), plus whoever other
apps add (a seminar's registered audience: `register_participants`).

A participant is a member of the visiting delegation on any session of the visit that was not cancelled:
the whole delegation where a session is for all of it, the chosen members otherwise. Experts and
interpreters are not asked: they are the programme, not its audience.
"""

from collections import defaultdict
from collections.abc import Callable, Collection

from visits.models import Session

# (visit ids) -> {visit id: person ids}
Participants = Callable[[Collection[int]], dict[int, set[int]]]
_sources: list[Participants] = []


def register_participants(source: Participants) -> None:
    """Add people to ask, from another app (the registrants of an open seminar, say), in its ready()."""
    if source not in _sources:
        _sources.append(source)


def participants_of(visit_ids: Collection[int]) -> dict[int, set[int]]:
    """Each visit's participants, by person id. Two queries for the roster, whatever the number of visits."""
    sessions = list(
        Session.objects.filter(visit_id__in=list(visit_ids))
        .exclude(status=Session.Status.CANCELLED)
        .only("pk", "visit_id", "attendance")
    )
    found: dict[int, set[int]] = defaultdict(set)
    rosters = Session.objects.rosters(sessions)
    for session in sessions:
        found[session.visit_id] |= rosters[session.pk].participants
    for source in _sources:
        for visit_id, people in source(visit_ids).items():
            found[visit_id] |= people
    return {visit_id: found.get(visit_id, set()) for visit_id in visit_ids}
