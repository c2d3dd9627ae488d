"""Writes of the solver's rows: wanted sessions, proposals asked for, solved, accepted and discarded.

A proposal's sessions become sessions only when accepted, and then through visits.services.session_create
(which writes the audit log), one wanted session at a time or all at once.
"""

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from proposals.domain.values import Placement
from proposals.models import PROPOSAL_TRANSITIONS, Proposal, ProposalStatus, WantedSession
from visits.models import Session, Venue, Visit
from visits.services import session_create
from visits.services.base import Refused, model_create, model_delete, model_update


@transaction.atomic
def wanted_session_create(*, visit: Visit, data: Mapping[str, Any], actor: User | None) -> WantedSession:
    return model_create(WantedSession, data={**data, "visit": visit}, actor=actor)


@transaction.atomic
def wanted_session_update(
    *, wanted: WantedSession, data: Mapping[str, Any], actor: User | None
) -> WantedSession:
    return model_update(wanted, data=data, actor=actor)


@transaction.atomic
def wanted_session_delete(*, wanted: WantedSession, actor: User | None) -> None:
    model_delete(wanted, actor=actor)


def proposal_move(*, proposal: Proposal, to: str, **fields: Any) -> Proposal:
    """Move a proposal to another status along the allowed transitions, saving the fields given with it."""
    if to not in PROPOSAL_TRANSITIONS[proposal.status]:
        raise Refused(
            gettext("A proposal that is %(status)s cannot become %(to)s.")
            % {"status": proposal.get_status_display(), "to": ProposalStatus(to).label}
        )
    for name, value in fields.items():
        setattr(proposal, name, value)
    proposal.status = to
    proposal.save(update_fields=["status", *fields])
    return proposal


@transaction.atomic
def proposal_request(
    *,
    visit: Visit,
    actor: User | None,
    pinned: Collection[str] = (),
    repair_of: Proposal | None = None,
    repair: bool = False,
) -> Proposal:
    """A new proposal for the visit, solved by a Celery task once this commits. `pinned` keys of `repair_of`
    stay where it had them; `repair` moves as few of its sessions as it can."""
    if (pinned or repair) and repair_of is None:
        raise Refused(gettext("Pinning or repairing needs the proposal to start from."))
    known = {p["key"] for p in repair_of.placements} if repair_of is not None else set()
    unknown = sorted(set(pinned) - known)
    if unknown:
        raise Refused(gettext("Not in the proposal: %(keys)s.") % {"keys": ", ".join(unknown)})
    proposal = Proposal.objects.create(
        visit=visit, requested_by=actor, repair_of=repair_of, pinned=sorted(pinned), is_repair=repair
    )
    from proposals.tasks import solve_proposal

    transaction.on_commit(lambda: solve_proposal.delay(proposal.pk))
    return proposal


def placement_of(row: Mapping[str, Any]) -> Placement:
    return Placement(
        row["key"],
        dt.datetime.fromisoformat(row["start"]),
        dt.datetime.fromisoformat(row["end"]),
        row.get("expert"),
        row.get("venue"),
    )


def placements_of(proposal: Proposal) -> dict[str, Placement]:
    return {row["key"]: placement_of(row) for row in proposal.placements}


@transaction.atomic
def proposal_accept(
    *, proposal: Proposal, keys: Iterable[str] | None = None, actor: User | None
) -> list[Session]:
    """Save the proposal's wanted sessions (those in `keys`, or all) as sessions of the visit, each through
    session_create; the wanted session remembers what it became. Whole, the proposal is then accepted."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_open:
        raise Refused(gettext("Only a proposal that found a programme can be accepted."))
    rows = {row["key"]: row for row in proposal.placements if row["key"].startswith("w")}
    chosen = list(rows) if keys is None else list(dict.fromkeys(keys))
    unknown = [key for key in chosen if key not in rows]
    if unknown:
        raise Refused(gettext("Not a proposed session: %(keys)s.") % {"keys": ", ".join(unknown)})
    wanted = {
        w.key: w
        for w in WantedSession.objects.select_for_update().filter(
            visit=proposal.visit, pk__in=[int(key[1:]) for key in chosen]
        )
    }
    venues = Venue.objects.in_bulk([rows[k]["venue"] for k in chosen if rows[k].get("venue")])
    created = []
    for key in chosen:
        if key in proposal.accepted:
            continue
        row, source = rows[key], wanted.get(key)
        if source is None or source.session_id is not None:
            raise Refused(
                gettext("“%(title)s” is no longer wanted; propose again.") % {"title": row["title"]}
            )
        session = session_create(
            visit=proposal.visit,
            data={
                "title": source.title,
                "kind": source.kind,
                "starts_at": dt.datetime.fromisoformat(row["start"]),
                "ends_at": dt.datetime.fromisoformat(row["end"]),
                "venue": venues.get(row["venue"]) if row.get("venue") else None,
                "language": source.language,
                "interpreter_needed": source.interpreter_needed,
            },
            experts=[row["expert"]] if row.get("expert") else [],
            actor=actor,
        )
        source.session = session
        source.save(update_fields=["session"])
        created.append(session)
        proposal.accepted = [*proposal.accepted, key]
    proposal.save(update_fields=["accepted"])
    if set(rows) <= set(proposal.accepted):
        proposal_move(proposal=proposal, to=ProposalStatus.ACCEPTED, finished_at=timezone.now())
    return created


@transaction.atomic
def proposal_discard(*, proposal: Proposal, actor: User | None) -> Proposal:
    """Drop the draft: nothing of it was saved, and nothing is."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    return proposal_move(proposal=proposal, to=ProposalStatus.DISCARDED)
