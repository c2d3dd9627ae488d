"""A visit's and a person's history as people read it: the audit log's entries (audit.models.AuditEntry) in
sentences, in the reader's language, with times in the visit's zone (visits.timefmt) and the door named:
"12 March 2027 14:02, Anna Berg moved “Police HQ” from 09:00 to 10:00, in the planner."

What a reader sees is decided by visits.access: a visit's history only for a visit they may see (the caller
has fetched it with access_visit); of a person's history only the entries of visits and delegations they may
see, and the person's own record.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from audit.models import Action, ActorKind, AuditEntry, Door
from visits.access import AnyUser, visible_delegations, visible_visits
from visits.models import Delegation, Person, Visit
from visits.timefmt import BOARD, HISTORY, format_moment

LIMIT = 500  # lines on one page; the admin has the whole log for agency admins
TEXT_MAX = 120


@dataclass(frozen=True)
class Line:
    at: dt.datetime
    when: str
    sentence: str
    details: list[str] = field(default_factory=list)
    door: str = ""


def visit_history(visit: Visit) -> list[Line]:
    """The visit's own entries (its sessions, experts' answers, messages, tokens) and its delegation's."""
    scope = Q(visit_id=visit.pk)
    if visit.delegation_id is not None:
        scope |= Q(delegation_id=visit.delegation_id, visit_id__isnull=True)
    entries = list(AuditEntry.objects.filter(scope).order_by("-at", "-id")[:LIMIT])
    zone = visit.zone
    return [line_of(entry, zone, name_zone=False) for entry in entries]


def person_history(user: AnyUser, person: Person) -> list[Line]:
    """What happened to the person's record, memberships, answers, messages and tokens, as far as the
    reader may see the visits and delegations they belong to."""
    seen_visits = Visit.objects.filter(visible_visits(user)).values("pk")
    seen_delegations = Delegation.objects.filter(visible_delegations(user)).values("pk")
    entries = list(
        AuditEntry.objects.filter(person_id=person.pk)
        .filter(Q(visit_id__isnull=True) | Q(visit_id__in=seen_visits))
        .filter(Q(delegation_id__isnull=True) | Q(delegation_id__in=seen_delegations))
        .order_by("-at", "-id")[:LIMIT]
    )
    zones = dict(
        Visit.objects.filter(pk__in={e.visit_id for e in entries if e.visit_id}).values_list(
            "pk", "time_zone"
        )
    )
    default = ZoneInfo(settings.TIME_ZONE)
    return [
        line_of(entry, ZoneInfo(str(zones[entry.visit_id])) if entry.visit_id in zones else default)
        for entry in entries
    ]


def line_of(entry: AuditEntry, zone: ZoneInfo, *, name_zone: bool = True) -> Line:
    model = _model(entry.object_type)
    values: dict[str, str] = {
        "when": format_moment(entry.at, zone, HISTORY, name_zone=name_zone),
        "who": who_of(entry),
        "kind": str(model._meta.verbose_name) if model is not None else entry.object_type,
        "object": entry.object_repr,
        "door": str(Door(entry.door).label) if entry.door in Door.values else entry.door,
    }
    moved = _moved(entry, zone)
    if moved is not None:
        values["from"], values["to"] = moved
        sentence = _("%(when)s, %(who)s moved “%(object)s” from %(from)s to %(to)s, %(door)s.") % values
        details = [
            _detail(model, name, pair, zone) for name, pair in entry.changes.items() if name != "starts_at"
        ]
        return Line(entry.at, values["when"], sentence, [d for d in details if d], values["door"])
    if entry.action == Action.CREATE:
        sentence = _("%(when)s, %(who)s created the %(kind)s “%(object)s”, %(door)s.") % values
    elif entry.action == Action.DELETE:
        sentence = _("%(when)s, %(who)s deleted the %(kind)s “%(object)s”, %(door)s.") % values
    else:
        sentence = _("%(when)s, %(who)s changed the %(kind)s “%(object)s”, %(door)s.") % values
    details = [_detail(model, name, pair, zone) for name, pair in entry.changes.items()]
    return Line(entry.at, values["when"], sentence, [d for d in details if d], values["door"])


def who_of(entry: AuditEntry) -> str:
    name = entry.actor_label
    if entry.actor_kind == ActorKind.USER:
        return name or _("a user")
    if entry.actor_kind == ActorKind.EXPERT_LINK:
        return _("%(name)s, through their link as expert") % {"name": name}
    if entry.actor_kind == ActorKind.PARTICIPANT_LINK:
        return _("%(name)s, through their link as participant") % {"name": name}
    if entry.actor_kind == ActorKind.CALENDAR:
        return _("%(name)s, by a calendar reply") % {"name": name}
    return _("the system")


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _moved(entry: AuditEntry, zone: ZoneInfo) -> tuple[str, str] | None:
    """A session's start that changed: its old and new start, with the date only when it changed."""
    pair = entry.changes.get("starts_at")
    if entry.object_type != "visits.session" or entry.action != Action.CHANGE or not pair or None in pair:
        return None
    before, after = (dt.datetime.fromisoformat(value).astimezone(zone) for value in pair)
    style = BOARD if before.date() == after.date() else HISTORY
    return (
        format_moment(before, zone, style, name_zone=False),
        format_moment(after, zone, style, name_zone=False),
    )


def _detail(model: type[models.Model] | None, name: str, pair: Sequence[Any], zone: ZoneInfo) -> str:
    before, after = (_value(model, name, value, zone) for value in pair)
    label = _field_label(model, name)
    if before == "–":
        return _("%(field)s: %(after)s") % {"field": label, "after": after}
    return _("%(field)s: %(before)s → %(after)s") % {"field": label, "before": before, "after": after}


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _field_label(model: type[models.Model] | None, name: str) -> str:
    found = _field(model, name)
    label = getattr(found, "verbose_name", None)
    return str(label) if label else name.replace("_", " ")


def _value(model: type[models.Model] | None, name: str, value: Any, zone: ZoneInfo) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    found = _field(model, name)
    choices = dict(getattr(found, "flatchoices", None) or [])
    if isinstance(value, str) and value in choices:
        return str(choices[value])
    if isinstance(found, models.DateTimeField) and isinstance(value, str):
        try:
            return format_moment(dt.datetime.fromisoformat(value), zone, HISTORY, name_zone=False)
        except ValueError:
            return value
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_value(None, name, item, zone) for item in value) or "–"
    if isinstance(value, dict):
        return "; ".join(f"{key} ({_value(None, name, item, zone)})" for key, item in value.items())
    text = str(value)
    return text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1] + "…"


def lines_text(lines: Iterable[Line]) -> list[str]:
    """The lines as plain sentences (for tests and exports)."""
    return [" ".join([line.sentence, *line.details]) for line in lines]
