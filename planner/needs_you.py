"""What needs the coordinator: answers that call for a decision (a decline, a proposal of another time, a
colleague passed to; an interpreter's decline or colleague too), experts silent after every reminder, and
messages that could not be delivered.

`needs_you` reads them for many visits at once in a fixed number of queries, whatever the number of visits,
sessions or answers: the dashboard lists them across the reader's visits, the board for one. The visits are
the reader's already (reached through visits.access); nothing here widens them.
"""

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, F, OuterRef, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext

from notifications.models import MessageKind, OutboxMessage
from planner.board import time_span
from responses.models import ExpertAnswer, InterpreterAnswer, ProposedTime
from visits.models import (
    AWAITING_ANSWER,
    NOT_INTERPRETING,
    Session,
    SessionExpert,
    SessionInterpreter,
    Visit,
    VisitStatus,
)
from visits.timefmt import BOARD, format_span

DECIDING = (
    SessionExpert.Response.DECLINED,
    SessionExpert.Response.PROPOSED,
    SessionExpert.Response.PASSED,
)


@dataclass(frozen=True)
class Proposal:
    """A time an expert proposed, as the session's zone writes it."""

    pk: int
    label: str  # "Wednesday 24 March, 10:00–11:30 (Europe/Stockholm)"
    short: str  # "Tue 23 Mar 10:00", for a card


@dataclass(frozen=True)
class Item:
    # "declined", "proposed", "passed", "silent", "failed"; an interpreter's "interpreter_declined",
    # "interpreter_passed"
    kind: str
    visit: Visit
    at: dt.datetime  # when it happened
    what: str  # what happened, in a sentence
    url: str  # where to act
    session: Session | None = None
    expert: SessionExpert | None = None
    note: str = ""
    proposals: list[Proposal] = field(default_factory=list)
    door: str = ""  # through which door an answer came: "Link in the invitation", "Calendar reply", ...
    interpreter: SessionInterpreter | None = None


def when_with_day(session: Session) -> str:
    """'Wednesday 24 March, 10:00–11:30 (Europe/Stockholm)': what a decision about a time needs to say."""
    return f"{dateformat.format(session.starts_at.astimezone(session.zone), 'l j F')}, {time_span(session)}"


def proposal_labels(times: list[ProposedTime], zone_of: Session) -> list[Proposal]:
    zone = zone_of.zone
    return [
        Proposal(
            pk=t.pk,
            label=f"{dateformat.format(t.starts_at.astimezone(zone), 'l j F')}, "
            f"{format_span(t.starts_at, t.ends_at, zone, BOARD)}",
            short=dateformat.format(t.starts_at.astimezone(zone), "D H:i"),
        )
        for t in times
    ]


def open_answers(visit_ids: Collection[int]) -> list[ExpertAnswer]:
    """Each expert's latest answer that needs a decision and has none yet, on live sessions of these
    visits, with its expert, session, colleague and proposed times. Two queries."""
    latest = (
        ExpertAnswer.objects.filter(expert=OuterRef("expert")).order_by("-created_at", "-id").values("pk")
    )
    return list(
        ExpertAnswer.objects.filter(
            expert__session__visit_id__in=list(visit_ids),
            response__in=DECIDING,
            settled_at__isnull=True,
            expert__response=F("response"),
        )
        .exclude(expert__session__status=Session.Status.CANCELLED)
        .exclude(expert__session__visit__status=VisitStatus.CANCELLED)
        .annotate(latest=Subquery(latest[:1]))
        .filter(pk=F("latest"))
        # The venue too: its zone writes the session's time (Session.zone); else a query per answer.
        .select_related("expert__person", "expert__session__venue", "colleague")
        .prefetch_related("proposed_times")
        .order_by("-created_at", "-id")
    )


def open_interpreter_answers(visit_ids: Collection[int]) -> list[InterpreterAnswer]:
    """Each interpreter's latest decline or colleague that no coordinator has noted, on live sessions of
    these visits (while the interpreter's row still says so). One query."""
    latest = (
        InterpreterAnswer.objects.filter(interpreter=OuterRef("interpreter"))
        .order_by("-created_at", "-id")
        .values("pk")
    )
    return list(
        InterpreterAnswer.objects.filter(
            interpreter__session__visit_id__in=list(visit_ids),
            response__in=NOT_INTERPRETING,
            settled_at__isnull=True,
            interpreter__response=F("response"),
        )
        .exclude(interpreter__session__status=Session.Status.CANCELLED)
        .exclude(interpreter__session__visit__status=VisitStatus.CANCELLED)
        .annotate(latest=Subquery(latest[:1]))
        .filter(pk=F("latest"))
        .select_related("interpreter__person", "interpreter__session__venue", "colleague")
        .order_by("-created_at", "-id")
    )


def _interpreter_item(answer: InterpreterAnswer, visit: Visit) -> Item:
    interpreter, session = answer.interpreter, answer.interpreter.session
    session.visit = visit
    values = {
        "interpreter": interpreter.person.name,
        "session": session.title,
        "when": when_with_day(session),
    }
    if answer.response == SessionInterpreter.Response.DECLINED:
        what = gettext("Interpreter %(interpreter)s declined “%(session)s” (%(when)s).") % values
    else:
        colleague = answer.colleague.name if answer.colleague else gettext("a colleague")
        what = gettext("Interpreter %(interpreter)s passed “%(session)s” (%(when)s) to %(colleague)s.") % {
            **values,
            "colleague": colleague,
        }
    return Item(
        kind=f"interpreter_{answer.response}",
        visit=visit,
        at=answer.created_at,
        what=what,
        url=reverse("planner:session_edit", args=[session.pk]),
        session=session,
        note=answer.note,
        interpreter=interpreter,
        door=answer.get_channel_display(),
    )


def _silent(visit_ids: Collection[int], now: dt.datetime) -> list[SessionExpert]:
    """Experts still to answer after every reminder: the coordinators' alert for their invitation at the
    session's current time is due (responses.reminders) and not withdrawn. One query."""
    alert = (
        OutboxMessage.objects.annotate(about=Cast(KT("payload__expert"), BigIntegerField()))
        .filter(
            kind=MessageKind.NOTICE,
            payload__notice="no_answer",
            about=OuterRef("pk"),
            sequence=OuterRef("session__sequence"),
            send_at__lte=now,
        )
        .exclude(status=OutboxMessage.Status.WITHDRAWN)
    )
    return list(
        SessionExpert.objects.filter(session__visit_id__in=list(visit_ids), response__in=AWAITING_ANSWER)
        .exclude(session__status=Session.Status.CANCELLED)
        .exclude(session__visit__status=VisitStatus.CANCELLED)
        .annotate(alerted=Subquery(alert.order_by("send_at").values("send_at")[:1]))
        .filter(alerted__isnull=False)
        .select_related("person", "session")
    )


def _failed(visit_ids: Collection[int]) -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(visit_id__in=list(visit_ids), status=OutboxMessage.Status.FAILED)
        .select_related("person", "session", "user")
        .order_by("-updated_at", "-id")
    )


def _answer_item(answer: ExpertAnswer, visit: Visit) -> Item:
    expert, session = answer.expert, answer.expert.session
    session.visit = visit
    values = {"expert": expert.person.name, "session": session.title, "when": when_with_day(session)}
    proposals: list[Proposal] = []
    if answer.response == SessionExpert.Response.DECLINED:
        what = gettext("%(expert)s declined “%(session)s” (%(when)s).") % values
        url = reverse("planner:replacements", args=[expert.pk])
    elif answer.response == SessionExpert.Response.PROPOSED:
        what = gettext("%(expert)s proposes another time for “%(session)s” (now %(when)s).") % values
        url = reverse("planner:session_edit", args=[session.pk]) + "#answers"
        proposals = proposal_labels(list(answer.proposed_times.all()), session)
    else:
        colleague = answer.colleague.name if answer.colleague else gettext("a colleague")
        what = gettext("%(expert)s passed “%(session)s” (%(when)s) to %(colleague)s.") % {
            **values,
            "colleague": colleague,
        }
        url = reverse("planner:session_edit", args=[session.pk]) + "#answers"
    return Item(
        kind=answer.response,
        visit=visit,
        at=answer.created_at,
        what=what,
        url=url,
        session=session,
        expert=expert,
        note=answer.note,
        proposals=proposals,
        door=answer.get_channel_display(),
    )


def needs_you(visits: Mapping[int, Visit], *, now: dt.datetime | None = None) -> list[Item]:
    """Everything that needs the coordinator in these visits, newest first. Five queries."""
    now = now or timezone.now()
    ids = list(visits)
    items = [_answer_item(answer, visits[answer.expert.session.visit_id]) for answer in open_answers(ids)]
    items += [
        _interpreter_item(answer, visits[answer.interpreter.session.visit_id])
        for answer in open_interpreter_answers(ids)
    ]
    for expert in _silent(ids, now):
        session = expert.session
        session.visit = visits[session.visit_id]
        items.append(
            Item(
                kind="silent",
                visit=session.visit,
                at=expert.alerted,  # type: ignore[attr-defined]
                what=gettext("%(expert)s has not answered about “%(session)s”, after every reminder.")
                % {"expert": expert.person.name, "session": session.title},
                url=reverse("planner:session_edit", args=[session.pk]),
                session=session,
                expert=expert,
            )
        )
    for message in _failed(ids):
        if message.visit_id is None:  # only messages of visits are read (_failed): the type says no more
            continue
        values = {
            "to": message.person.name if message.person else message.to_email,
            "kind": message.get_kind_display().lower(),
            "session": message.session.title if message.session else "",
        }
        if message.session is not None:
            what = (
                gettext("A message to %(to)s about “%(session)s” could not be delivered (%(kind)s).") % values
            )
        else:
            what = gettext("A message to %(to)s could not be delivered (%(kind)s).") % values
        items.append(
            Item(
                kind="failed",
                visit=visits[message.visit_id],
                at=message.updated_at,
                what=what,
                url=reverse("planner:delivery", args=[message.visit_id]),
                session=message.session,
            )
        )
    items.sort(key=lambda item: item.at, reverse=True)
    return items


def proposed_on_cards(items: list[Item]) -> dict[int, list[Item]]:
    """The open proposals among the items, by session: a badge on each session's card on the board."""
    found: dict[int, list[Item]] = {}
    for item in items:
        if item.kind == SessionExpert.Response.PROPOSED and item.session is not None:
            found.setdefault(item.session.pk, []).append(item)
    return found
