"""Copying a whole programme from an earlier visit into another: first a plan (what would be copied, to when,
and what would not fit), which the coordinator previews; then the copy, through session_create.

Each session moves by the number of days between the visits' first days, at the same wall-clock time in its
own zone: the n-th day of the old visit is the n-th day of the new one (across a DST switch too). A session
that would fall outside the new visit's dates is listed and not copied, unless it was held outside its own
visit's dates on purpose (an arrival dinner the evening before), which it still is. Cancelled sessions are not
copied. Kept: kind, title, description, venue, host organisation, attendance, languages and interpreters.
Experts are put on again "not asked" (publishing invites them), except one who passed the session to a
colleague; the chosen members only when both visits have the same delegation. Every copy is tentative.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Prefetch

from visits.models import Session, SessionExpert, Visit
from visits.services.sessions import session_create

COPIED_FIELDS = (
    "kind",
    "title",
    "description",
    "venue",
    "host_organisation",
    "attendance",
    "language",
    "interpreter_needed",
    "interpretation_language",
    "outside_visit_dates",
)


def shift_days(moment: dt.datetime, zone: ZoneInfo, days: int) -> dt.datetime:
    """The same wall-clock time `days` later in `zone` (a time in the spring-forward gap moves past it)."""
    local = moment.astimezone(zone)
    moved = dt.datetime.combine(local.date() + dt.timedelta(days=days), local.time(), tzinfo=zone)
    return moved.astimezone(dt.UTC).astimezone(zone)


@dataclass(frozen=True)
class CopyLine:
    session: Session  # the old visit's, with its venue, experts, interpreters and chosen members read
    starts_at: dt.datetime
    ends_at: dt.datetime
    fits: bool

    @property
    def experts(self) -> list[SessionExpert]:
        return [e for e in self.session.session_experts.all() if e.response != SessionExpert.Response.PASSED]


@dataclass(frozen=True)
class CopyPlan:
    source: Visit
    target: Visit
    days: int  # how far every session moves
    lines: list[CopyLine]
    keeps_members: bool  # the same delegation: its chosen members go along

    @property
    def copied(self) -> list[CopyLine]:
        return [line for line in self.lines if line.fits]

    @property
    def left_out(self) -> list[CopyLine]:
        return [line for line in self.lines if not line.fits]


def programme_copy_plan(*, source: Visit, target: Visit) -> CopyPlan:
    """What copying `source`'s programme into `target` would do. Four queries, however long the programme."""
    sessions = list(
        Session.objects.filter(visit_id=source.pk)
        .active()
        .select_related("venue")
        .prefetch_related(
            Prefetch("session_experts", queryset=SessionExpert.objects.select_related("person")),
            "session_interpreters",
            "session_chosen_members",
        )
        .order_by("starts_at", "id")
    )
    days = (target.starts_on - source.starts_on).days
    window_start, window_end = target.compute_window()
    lines = []
    for session in sessions:
        session.visit = source  # for its zone, without a query each
        zone = session.zone
        starts_at = shift_days(session.starts_at, zone, days)
        ends_at = shift_days(session.ends_at, zone, days)
        inside = window_start <= starts_at and ends_at <= window_end
        lines.append(CopyLine(session, starts_at, ends_at, fits=inside or session.outside_visit_dates))
    keeps_members = source.delegation_id is not None and source.delegation_id == target.delegation_id
    return CopyPlan(source=source, target=target, days=days, lines=lines, keeps_members=keeps_members)


@transaction.atomic
def programme_copy(*, plan: CopyPlan, actor: User | None) -> list[Session]:
    """Copy the plan's sessions that fit into its target visit, each through session_create (audited)."""
    created = []
    for line in plan.copied:
        old = line.session
        data = {name: getattr(old, name) for name in COPIED_FIELDS}
        created.append(
            session_create(
                visit=plan.target,
                data={**data, "starts_at": line.starts_at, "ends_at": line.ends_at},
                experts=[e.person_id for e in line.experts],
                interpreters={i.person_id: list(i.languages) for i in old.session_interpreters.all()},
                chosen_members=(
                    [c.member_id for c in old.session_chosen_members.all()] if plan.keeps_members else None
                ),
                actor=actor,
            )
        )
    return created
