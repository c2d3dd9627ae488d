"""The board's writes, each recorded as one undo step, and undoing them.

Moving, copying, cancelling and acting on several sessions at once go through visits.services with the
coordinator as actor, as the session form does; each action also keeps an UndoStep (planner.models) with the
tracked fields of every session it changed, before and after, and the ids of the sessions it created.

Undoing takes the visit's newest step back, through the same services and with the undoer as actor, so the
audit log records the undo as a change of its own. Steps are undoable until the visit's next publication: a
step older than the newest ProgrammeVersion is history, not a draft to take back. A step whose sessions have
been changed since (on their page, by another coordinator) is refused rather than overwrite that change.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext, ngettext

from planner.models import UndoStep
from scheduling.models import ProgrammeVersion
from visits.models import SESSION_TRANSITIONS, Session, SessionExpert, Venue, Visit
from visits.services import (
    InvalidTransition,
    Refused,
    check_transition,
    session_change_status,
    session_create,
    session_delete,
    session_update,
)

# Steps kept per visit; the board offers the newest ten.
DEPTH = 20
SHOWN = 10

# What a copy takes over from its session; its times are its own, its status starts tentative.
COPIED_FIELDS = (
    "kind",
    "title",
    "description",
    "outside_visit_dates",
    "venue",
    "host_organisation",
    "attendance",
    "language",
    "interpreter_needed",
    "interpretation_language",
)

State = dict[str, Any]


def state_of(session: Session) -> State:
    """The fields a board action changes, as a step stores them (times in UTC ISO 8601, the venue's id)."""
    return {
        "starts_at": session.starts_at.astimezone(dt.UTC).isoformat(),
        "ends_at": session.ends_at.astimezone(dt.UTC).isoformat(),
        "venue": session.venue_id,
        "status": session.status,
    }


def status_path(current: str, target: str) -> list[str]:
    """The statuses a session passes through from `current` to `target` along the allowed transitions
    (a confirmed session cancelled is taken back through tentative)."""
    if current == target:
        return []
    allowed = SESSION_TRANSITIONS.get(current, set())
    if target in allowed:
        return [target]
    for middle in sorted(allowed):
        if target in SESSION_TRANSITIONS.get(middle, set()):
            return [middle, target]
    check_transition(
        transitions=SESSION_TRANSITIONS, current=current, target=target, labels=dict(Session.Status.choices)
    )
    return [target]  # not reached: check_transition raised


def session_set(session: Session, state: State, *, actor: User | None) -> Session:
    """The session given these tracked fields, through the services (a stale copy raises StaleEdit)."""
    data: dict[str, Any] = {}
    starts_at = dt.datetime.fromisoformat(state["starts_at"])
    ends_at = dt.datetime.fromisoformat(state["ends_at"])
    if starts_at != session.starts_at:
        data["starts_at"] = starts_at
    if ends_at != session.ends_at:
        data["ends_at"] = ends_at
    if state["venue"] != session.venue_id:
        data["venue"] = Venue.objects.get(pk=state["venue"]) if state["venue"] else None
    if data:
        session = session_update(session=session, data=data, actor=actor)
    for status in status_path(session.status, state["status"]):
        session = session_change_status(session=session, status=status, actor=actor)
    return session


def step_record(
    *,
    visit: Visit,
    label: str,
    before: dict[int, State],
    after: Iterable[Session],
    created: Sequence[int] = (),
    actor: User | None,
) -> UndoStep | None:
    """Keep one undo step for an action (None when it changed nothing), and forget the oldest beyond DEPTH."""
    changed = [
        {"session": session.pk, "before": before[session.pk], "after": state_of(session)}
        for session in after
        if before[session.pk] != state_of(session)
    ]
    if not changed and not created:
        return None
    step = UndoStep.objects.create(
        visit=visit, actor=actor, label=label[:300], changed=changed, created=list(created)
    )
    older = UndoStep.objects.filter(visit=visit).order_by("-created_at", "-id").values_list("pk", flat=True)
    UndoStep.objects.filter(pk__in=list(older[DEPTH:])).delete()
    return step


def undoable_steps(visit: Visit) -> QuerySet[UndoStep]:
    """The visit's steps made since its newest publication, newest first."""
    published_since = ProgrammeVersion.objects.filter(
        visit_id=OuterRef("visit_id"), published_at__gte=OuterRef("created_at")
    )
    return UndoStep.objects.filter(visit_id=visit.pk).exclude(Exists(published_since))


def board_undo_steps(visit: Visit) -> list[UndoStep]:
    """What the board offers to undo, newest first, with who made each step. One query."""
    return list(undoable_steps(visit).select_related("actor")[:SHOWN])


# --- The actions ------------------------------------------------------------------------------------------


@transaction.atomic
def board_move(
    *, session: Session, starts_at: dt.datetime, ends_at: dt.datetime, actor: User | None
) -> Session:
    """Move or resize a session; `session` carries the revision the mover saw (StaleEdit if it is old)."""
    before = {session.pk: state_of(Session.objects.get(pk=session.pk))}
    moved = session_update(session=session, data={"starts_at": starts_at, "ends_at": ends_at}, actor=actor)
    step_record(
        visit=session.visit,
        label=gettext("Move “%(title)s”") % {"title": session.title},
        before=before,
        after=[moved],
        actor=actor,
    )
    return moved


@transaction.atomic
def board_change(*, session: Session, data: dict[str, Any], label: str, actor: User | None) -> Session:
    """Change a session's times or venue from the board (a conflict's fix button), as one undo step."""
    before = {session.pk: state_of(Session.objects.get(pk=session.pk))}
    changed = session_update(session=session, data=data, actor=actor)
    step_record(visit=session.visit, label=label, before=before, after=[changed], actor=actor)
    return changed


@transaction.atomic
def board_copy(
    *, session: Session, starts_at: dt.datetime, ends_at: dt.datetime, actor: User | None
) -> Session:
    """A copy of the session in the same visit at another time: its venue, interpreters and chosen members
    kept, its experts back to "not asked" (an expert who passed the session on is not copied: their colleague
    is), tentative."""
    experts = [
        row.person_id
        for row in session.session_experts.all()
        if row.response != SessionExpert.Response.PASSED
    ]
    interpreters = {row.person_id: list(row.languages) for row in session.session_interpreters.all()}
    members = list(session.session_chosen_members.values_list("member_id", flat=True))
    data = {name: getattr(session, name) for name in COPIED_FIELDS}
    copy = session_create(
        visit=session.visit,
        data={**data, "starts_at": starts_at, "ends_at": ends_at},
        experts=experts,
        interpreters=interpreters,
        chosen_members=members,
        actor=actor,
    )
    step_record(
        visit=session.visit,
        label=gettext("Copy “%(title)s”") % {"title": session.title},
        before={},
        after=[],
        created=[copy.pk],
        actor=actor,
    )
    return copy


@transaction.atomic
def board_cancel(*, session: Session, actor: User | None) -> Session:
    """Cancel a session (InvalidTransition if it may not be); its experts get a cancellation when the
    programme is published next."""
    before = {session.pk: state_of(session)}
    cancelled = session_change_status(session=session, status=Session.Status.CANCELLED, actor=actor)
    step_record(
        visit=session.visit,
        label=gettext("Cancel “%(title)s”") % {"title": session.title},
        before=before,
        after=[cancelled],
        actor=actor,
    )
    return cancelled


def shifted(moment: dt.datetime, zone: Any, *, days: int, minutes: int) -> dt.datetime:
    """A time moved by days on the visit's clock (09:00 stays 09:00 across a change to summer time) and then
    by minutes."""
    return moment.astimezone(zone) + dt.timedelta(days=days, minutes=minutes)


BULK_ACTIONS = ("shift", "venue", "confirm", "cancel")


def outside_visit(session: Session, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    """Whether these times fall outside the visit's dates, for a session not meant to (a dinner may be)."""
    if session.outside_visit_dates:
        return False
    first, last = session.visit.compute_window()
    return starts_at < first or ends_at > last


def outside_visit_message(visit: Visit) -> str:
    return gettext(
        "The session would fall outside the visit's dates (%(first)s to %(last)s, %(zone)s). Choose a day of "
        "the visit, or tick “outside the visit's dates” on the session's page if that is intended."
    ) % {"first": visit.starts_on, "last": visit.ends_on, "zone": visit.time_zone}


def bulk_label(action: str, count: int, *, days: int, minutes: int, venue: Venue | None) -> str:
    if action == "shift":
        return ngettext(
            "Shift %(count)d session by %(days)d days and %(minutes)d minutes",
            "Shift %(count)d sessions by %(days)d days and %(minutes)d minutes",
            count,
        ) % {"count": count, "days": days, "minutes": minutes}
    if action == "venue":
        return ngettext(
            "Set the venue of %(count)d session to %(venue)s",
            "Set the venue of %(count)d sessions to %(venue)s",
            count,
        ) % {"count": count, "venue": venue.name if venue else gettext("no venue")}
    if action == "confirm":
        return ngettext("Confirm %(count)d session", "Confirm %(count)d sessions", count) % {"count": count}
    return ngettext("Cancel %(count)d session", "Cancel %(count)d sessions", count) % {"count": count}


def transition_refusal(sessions: Sequence[Session], status: str) -> str:
    """Why the status change may not be made, naming each session that refuses it; "" when all may."""
    refused = [s for s in sessions if s.status != status and status not in SESSION_TRANSITIONS[s.status]]
    if not refused:
        return ""
    names = ", ".join(f"“{s.title}” ({s.get_status_display().lower()})" for s in refused)
    return gettext(
        "Nothing was changed: %(names)s cannot become %(status)s. "
        "Leave them out of the selection and try again."
    ) % {"names": names, "status": Session.Status(status).label.lower()}


@transaction.atomic
def board_bulk(
    *,
    visit: Visit,
    sessions: Sequence[Session],
    action: str,
    days: int = 0,
    minutes: int = 0,
    venue: Venue | None = None,
    actor: User | None,
) -> list[Session]:
    """One action on several sessions of the visit, as one undo step.

    All or nothing: a status change that one of the sessions may not make (a cancelled session cannot be
    confirmed) refuses the whole action with a message naming those sessions (Refused), and changes none.
    """
    before = {session.pk: state_of(session) for session in sessions}
    status = {"confirm": Session.Status.CONFIRMED, "cancel": Session.Status.CANCELLED}.get(action)
    if status is not None:
        refusal = transition_refusal(sessions, status)
        if refusal:
            raise Refused(refusal)
    if action == "shift":
        outside = [
            s
            for s in sessions
            if outside_visit(
                s,
                shifted(s.starts_at, visit.zone, days=days, minutes=minutes),
                shifted(s.ends_at, visit.zone, days=days, minutes=minutes),
            )
        ]
        if outside:
            names = ", ".join(f"“{s.title}”" for s in outside)
            raise Refused(
                gettext(
                    "Nothing was changed: %(names)s would fall outside the visit's dates "
                    "(%(first)s to %(last)s)."
                )
                % {"names": names, "first": visit.starts_on, "last": visit.ends_on}
            )
    changed: list[Session] = []
    for session in sessions:
        if action == "shift":
            data: dict[str, Any] = {
                "starts_at": shifted(session.starts_at, visit.zone, days=days, minutes=minutes),
                "ends_at": shifted(session.ends_at, visit.zone, days=days, minutes=minutes),
            }
            session = session_update(session=session, data=data, actor=actor)
        elif action == "venue":
            session = session_update(session=session, data={"venue": venue}, actor=actor)
        elif status is not None and session.status != status:
            session = session_change_status(session=session, status=status, actor=actor)
        changed.append(session)
    label = bulk_label(action, len(sessions), days=days, minutes=minutes, venue=venue)
    step_record(visit=visit, label=label, before=before, after=changed, actor=actor)
    return changed


# --- Undo -------------------------------------------------------------------------------------------------


@transaction.atomic
def undo_last(*, visit: Visit, actor: User | None) -> tuple[UndoStep, list[Session]]:
    """Take back the visit's newest undoable step: its sessions get their fields back, the sessions it
    created are deleted. Returns the step (now deleted) and the sessions restored.

    Refused when there is nothing to undo since the last publication, or when a session of the step has
    been changed since (undoing would overwrite that change)."""
    step = undoable_steps(visit).select_for_update().first()
    if step is None:
        raise Refused(gettext("There is nothing to undo since the programme was last published."))
    restored: list[Session] = []
    for change in step.changed:
        session = Session.objects.select_for_update().filter(pk=change["session"], visit_id=visit.pk).first()
        if session is None:
            raise Refused(
                gettext("“%(label)s” cannot be undone: a session of it no longer exists.")
                % {"label": step.label}
            )
        if state_of(session) != change["after"]:
            raise Refused(
                gettext(
                    "“%(label)s” cannot be undone: “%(title)s” has been changed since. Change it on its page."
                )
                % {"label": step.label, "title": session.title}
            )
        session.visit = visit
        before = change["before"]
        starts_at, ends_at = (
            dt.datetime.fromisoformat(before["starts_at"]),
            dt.datetime.fromisoformat(before["ends_at"]),
        )
        if outside_visit(session, starts_at, ends_at):
            raise Refused(
                gettext("“%(label)s” cannot be undone: “%(title)s” would fall outside the visit's dates.")
                % {"label": step.label, "title": session.title}
            )
        try:
            restored.append(session_set(session, before, actor=actor))
        except InvalidTransition as refused:
            raise Refused(" ".join(refused.messages)) from None
    for session in Session.objects.filter(pk__in=step.created, visit_id=visit.pk):
        session_delete(session=session, actor=actor)
    step.delete()
    return step, restored
