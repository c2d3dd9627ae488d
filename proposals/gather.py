"""The database edge of the solver: read a visit's wanted sessions, its fixed points and everything around
them into a proposals.domain Problem. Reads only; writes are proposals.services'."""

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import replace

from django.conf import settings
from django.db.models import Q

from proposals.domain.values import Busy, Horizon, Placement, Problem, Venue, Wanted, Weights
from proposals.models import WantedSession
from scheduling.checks import (
    context_for,
    delegation_members,
    interpreting,
    leading,
    slot_of,
    with_people,
)
from scheduling.conflicts import Slot
from visits.models import Session, Visit
from visits.models import Venue as VenueRow
from visits.roster import on_roster


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def horizon_from_settings() -> Horizon:
    return Horizon(
        step_minutes=settings.PROPOSAL_STEP_MINUTES,
        day_from=_time(settings.PROPOSAL_DAY_FROM),
        day_until=_time(settings.PROPOSAL_DAY_UNTIL),
        early_before=_time(settings.PROPOSAL_EARLY_BEFORE),
        time_limit_seconds=settings.PROPOSAL_TIME_LIMIT_SECONDS,
    )


def weights_from_settings() -> Weights:
    return Weights(
        **{
            term: getattr(settings, f"PROPOSAL_WEIGHT_{term.upper()}")
            for term in (
                "holiday",
                "weekend",
                "language",
                "journeys",
                "balance",
                "preferred",
                "early",
                "moved",
            )
        }
    )


def wanted_of(row: WantedSession, participants: frozenset[int]) -> Wanted:
    return Wanted(
        key=row.key,
        title=row.title,
        minutes=row.minutes,
        kind=row.kind,
        expert_options=tuple(sorted(p.pk for p in row.experts.all())),
        venue_options=tuple(sorted(v.pk for v in row.venues.all())),
        participants=participants,
        language=row.language,
        interpreter_needed=row.interpreter_needed,
        earliest_day=row.earliest_day,
        latest_day=row.latest_day,
        earliest_time=row.earliest_time,
        latest_time=row.latest_time,
        preferred_time=row.preferred_time,
    )


def fixed_of(slot: Slot) -> Wanted:
    """A stored session of the visit, as a fixed point the proposal goes around."""
    experts = sorted(slot.experts)
    return Wanted(
        key=f"s{slot.id}",
        title=slot.title,
        minutes=int((slot.end - slot.start).total_seconds() // 60),
        kind=slot.kind,
        expert_options=tuple(experts[:1]),
        also_leading=frozenset(experts[1:]),
        venue_options=(slot.venue_id,) if slot.venue_id is not None else (),
        interpreters=slot.interpreters,
        participants=slot.participants,
        language=slot.language,
        interpreter_needed=slot.interpreter_needed,
        fixed_start=slot.start,
        session_id=slot.id,
    )


def pinned_at(wanted: Wanted, placement: Placement) -> Wanted:
    """Kept where a previous proposal put it: its time, its expert and its venue."""
    return replace(
        wanted,
        fixed_start=placement.start,
        expert_options=(placement.expert,) if placement.expert is not None else (),
        venue_options=(placement.venue,) if placement.venue is not None else (),
    )


def problem_for(
    visit: Visit,
    *,
    pinned: Mapping[str, Placement] | None = None,
    previous: Mapping[str, Placement] | None = None,
) -> Problem:
    """The visit's problem: its wanted sessions not yet accepted (those in `pinned` kept where they are), its
    active sessions as fixed points, and the other visits' sessions that keep its people and venues busy."""
    pinned = pinned or {}
    rows = list(
        WantedSession.objects.filter(visit=visit, session__isnull=True).prefetch_related(
            "experts", "venues", "after"
        )
    )
    members = delegation_members([visit.delegation_id]).get(visit.delegation_id or 0, frozenset())
    wanted = [wanted_of(row, members) for row in rows]
    wanted = [pinned_at(w, pinned[w.key]) if w.key in pinned else w for w in wanted]
    stored = [slot_of(s, r) for s, r in with_people(Session.objects.filter(visit=visit).active())]
    wanted += [fixed_of(slot) for slot in stored]
    order = tuple(
        (f"w{before.pk}", row.key) for row in rows for before in row.after.all() if before.session_id is None
    )

    people = {
        p for w in wanted for p in (*w.expert_options, *w.also_leading, *w.interpreters, *w.participants)
    }
    venue_ids = {v for w in wanted for v in w.venue_options}
    window = visit.compute_window()
    busy = busy_elsewhere(visit, window, people, venue_ids)
    venues = {
        v.pk: Venue(v.name, v.city, v.capacity, str(v.time_zone))
        for v in VenueRow.objects.filter(pk__in=venue_ids)
    }
    probes = [
        Slot(0, "", window[0], window[1], visit.pk, country=_country(visit), experts=frozenset({p}))
        for p in sorted({e for w in wanted for e in (*w.expert_options, *w.also_leading)})
    ] + [
        Slot(0, "", window[0], window[1], visit.pk, zone=venue.zone, country=_country(visit), venue_id=pk)
        for pk, venue in venues.items()
    ]
    context = context_for(probes or [Slot(0, "", window[0], window[1], visit.pk, country=_country(visit))])
    delegation = visit.delegation
    return Problem(
        visit_id=visit.pk,
        zone=str(visit.time_zone),
        first_day=visit.starts_on,
        last_day=visit.ends_on,
        wanted=tuple(wanted),
        order=order,
        busy=busy,
        venues=venues,
        context=context,
        country=_country(visit),
        delegation_name=delegation.name if delegation else "",
        delegation_languages=frozenset(delegation.languages) if delegation else frozenset(),
        day_rules=delegation is not None,
        weights=weights_from_settings(),
        horizon=horizon_from_settings(),
        previous=previous or {},
    )


def _country(visit: Visit) -> str:
    return str(visit.country.code) if visit.country else "SE"


def busy_elsewhere(
    visit: Visit, window: tuple[dt.datetime, dt.datetime], people: Collection[int], venues: Collection[int]
) -> tuple[Busy, ...]:
    """The times other visits' active sessions keep these people (in any role) and venues busy."""
    near = Session.objects.overlapping(*window).active().exclude(visit=visit)
    ids = near.filter(on_roster(people) | Q(venue_id__in=list(venues))).values("pk").distinct()
    found: list[Busy] = []
    for session, roster in with_people(Session.objects.filter(pk__in=ids)):
        on_it = (leading(roster) | interpreting(roster) | roster.participants) & set(people)
        for person in sorted(on_it):
            found.append(
                Busy(f"person:{person}", session.starts_at, session.ends_at, session.pk, session.visit_id)
            )
        if session.venue_id is not None and session.venue_id in venues:
            found.append(
                Busy(
                    f"venue:{session.venue_id}",
                    session.starts_at,
                    session.ends_at,
                    session.pk,
                    session.visit_id,
                )
            )
    return tuple(found)
