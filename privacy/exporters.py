"""The sections of a person's export that privacy itself gathers: everything the apps below it hold about
them, as JSON-ready values (a section other apps add comes through privacy.registry)."""

from typing import Any

from django.db.models import Q

from audit.models import AuditEntry
from notifications.models import OutboxMessage, PersonalToken
from participation.models import ParticipantAnswer, ParticipantNeeds
from privacy.registry import register_exporter
from responses.models import ExpertAnswer, InterpreterAnswer
from scheduling.models import AvailabilityException, ExpertHours
from visits.models import DelegationMember, Person, SessionExpert, SessionInterpreter


def _person(person_id: int) -> dict[str, Any]:
    person = Person.objects.select_related("organisation").get(pk=person_id)
    organisation = person.organisation
    return {
        "id": person.pk,
        "name": person.name,
        "email": person.email,
        "phone": person.phone,
        "title": person.title,
        "preferred_language": person.preferred_language,
        "home_time_zone": person.home_time_zone,
        "gender": person.gender,
        "organisation": (
            {"id": organisation.pk, "name": organisation.name, "country": organisation.country.code}
            if organisation
            else None
        ),
    }


def _memberships(person_id: int) -> list[dict[str, Any]]:
    rows = DelegationMember.objects.filter(person_id=person_id).select_related("delegation", "needs")
    result = []
    for member in rows.order_by("pk"):
        needs = getattr(member, "needs", None)
        result.append(
            {
                "delegation": member.delegation.name,
                "role": member.role,
                "languages": member.languages,
                "notes_on_needs": (
                    {"dietary": needs.dietary_note, "accessibility": needs.accessibility_note}
                    if needs
                    else None
                ),
            }
        )
    return result


def _needs(person_id: int) -> list[dict[str, Any]]:
    return [
        {
            "visit": needs.visit.title if needs.visit else None,
            "dietary": needs.dietary,
            "dietary_note": needs.dietary_note,
            "wheelchair": needs.wheelchair,
            "accessibility_note": needs.accessibility_note,
            "interpreting_language": needs.interpreting_language,
            "interpreting_note": needs.interpreting_note,
            "updated_at": needs.updated_at,
        }
        for needs in ParticipantNeeds.objects.filter(person_id=person_id)
        .select_related("visit")
        .order_by("pk")
    ]


def _answers(person_id: int) -> list[dict[str, Any]]:
    return [
        {
            "visit": answer.session.visit.title,
            "session": answer.session.title,
            "answer": answer.answer,
            "answered_at": answer.answered_at,
        }
        for answer in ParticipantAnswer.objects.filter(person_id=person_id)
        .select_related("session__visit")
        .order_by("answered_at", "pk")
    ]


def _expert_roles(person_id: int) -> list[dict[str, Any]]:
    rows = SessionExpert.objects.filter(person_id=person_id).select_related("session__visit").order_by("pk")
    history = ExpertAnswer.history.filter(expert__person_id=person_id).order_by("created_at", "pk")
    by_expert: dict[int, list[dict[str, Any]]] = {}
    for answer in history:
        by_expert.setdefault(answer.expert_id, []).append(
            {
                "answer": answer.response,
                "note": answer.note,
                "door": answer.channel,
                "at": answer.created_at,
                "sequence": answer.sequence,
            }
        )
    return [
        {
            "visit": row.session.visit.title,
            "session": row.session.title,
            "starts_at": row.session.starts_at,
            "answer": row.response,
            "note": row.note,
            "history": by_expert.get(row.pk, []),
        }
        for row in rows
    ]


def _interpreter_roles(person_id: int) -> list[dict[str, Any]]:
    """Their bookings with their answers, and every move of each (its door: link, calendar reply, ...)."""
    history = InterpreterAnswer.history.filter(interpreter__person_id=person_id).order_by("created_at", "pk")
    by_row: dict[int, list[dict[str, Any]]] = {}
    for answer in history:
        by_row.setdefault(answer.interpreter_id, []).append(
            {
                "answer": answer.response,
                "note": answer.note,
                "door": answer.channel,
                "at": answer.created_at,
                "sequence": answer.sequence,
            }
        )
    return [
        {
            "visit": row.session.visit.title,
            "session": row.session.title,
            "starts_at": row.session.starts_at,
            "languages": row.languages,
            "answer": row.response,
            "note": row.note,
            "history": by_row.get(row.pk, []),
        }
        for row in SessionInterpreter.objects.filter(person_id=person_id)
        .select_related("session__visit")
        .order_by("pk")
    ]


def _availability(person_id: int) -> dict[str, Any]:
    return {
        "weekly_hours": [
            {"weekday": hours.weekday, "from": hours.starts, "until": hours.ends}
            for hours in ExpertHours.objects.filter(person_id=person_id)
        ],
        "exceptions": [
            {
                "kind": exception.kind,
                "first_day": exception.starts_on,
                "last_day": exception.ends_on,
                "from": exception.starts,
                "until": exception.ends,
                "note": exception.note,
            }
            for exception in AvailabilityException.objects.filter(person_id=person_id)
        ],
    }


def _tokens(person_id: int) -> list[dict[str, Any]]:
    # The secret itself is left out: an export is a file that travels, and the link would open their page.
    return [
        {"purpose": token.purpose, "created_at": token.created_at, "revoked_at": token.revoked_at}
        for token in PersonalToken.objects.filter(person_id=person_id).order_by("created_at", "pk")
    ]


def _outbox(person_id: int) -> list[dict[str, Any]]:
    return [
        {
            "kind": message.kind,
            "status": message.status,
            "visit": message.visit.title if message.visit else None,
            "session": message.session.title if message.session else None,
            "role": message.role,
            "to": message.to_email,
            "language": message.language,
            "created_at": message.created_at,
            "sent_at": message.sent_at,
            "attempts": message.attempts,
            "last_error": message.last_error,
            "message_id": message.message_id,
        }
        for message in OutboxMessage.objects.filter(person_id=person_id)
        .select_related("visit", "session")
        .order_by("pk")
    ]


def _history(person_id: int) -> list[dict[str, Any]]:
    """The audit log's entries about them or made through their link: what changed, when, by whom, how."""
    entries = AuditEntry.objects.filter(Q(person_id=person_id) | Q(actor_person_id=person_id))
    return [
        {
            "at": entry.at.isoformat(),
            "who": entry.actor_label,
            "door": entry.door,
            "action": entry.action,
            "object": f"{entry.object_type} {entry.object_id}: {entry.object_repr}",
            "changes": entry.changes,
        }
        for entry in entries.order_by("at", "pk")
    ]


def register_builtin() -> None:
    register_exporter("person", _person)
    register_exporter("memberships", _memberships)
    register_exporter("needs", _needs)
    register_exporter("participant_answers", _answers)
    register_exporter("expert_roles", _expert_roles)
    register_exporter("interpreter_roles", _interpreter_roles)
    register_exporter("availability", _availability)
    register_exporter("tokens", _tokens)
    register_exporter("outbox", _outbox)
    register_exporter("history", _history)
