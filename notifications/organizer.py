"""The ORGANIZER of a message to an expert or interpreter: the reply address of their row on the session
(notifications.reply_address) when REPLY_DOMAIN is set, the same for their invitation, its updates, reminders
and cancellation, so that calendar programs match each to the event they have and their answers come back
to us; otherwise the coordinators' mailbox. Read by notifications.compose from what a batch preloads.
"""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.conf import settings

from notifications.models import MessageKind, OutboxMessage
from notifications.reply_address import EXPERT, INTERPRETER, reply_address
from scheduling.models import ChangeRecipient
from visits.models import Session, SessionExpert, SessionInterpreter

if TYPE_CHECKING:
    from notifications.compose import Preloaded

# The people whose invitations name a reply address as ORGANIZER, by their role on the session.
REPLY_ROLES: Mapping[str, str] = {
    ChangeRecipient.Role.EXPERT: EXPERT,
    ChangeRecipient.Role.INTERPRETER: INTERPRETER,
}


def organizer_of(message: OutboxMessage, session: Session | None, preloaded: "Preloaded") -> str:
    """ORGANIZER of an expert's or interpreter's invitation, update, reminder or cancellation: the reply
    address of their row (notifications.reply_address) when REPLY_DOMAIN is set, so that their calendar
    program's answer comes back to us; otherwise the coordinators' mailbox.

    A person taken off the session has no row any more: their cancellation names the address of the row
    they had (hooks.former_rows), the one their invitation named, or some calendar programs would not match
    it to the event they have."""
    if not settings.REPLY_DOMAIN or message.person_id is None or message.role not in REPLY_ROLES:
        return settings.ORGANIZER_EMAIL
    row: SessionExpert | SessionInterpreter | None = None
    if session is not None and message.role == ChangeRecipient.Role.EXPERT:
        row = preloaded.experts.get((session.pk, message.person_id))
    elif session is not None:
        row = preloaded.interpreters.get((session.pk, message.person_id))
    if row is not None:
        return reply_address(row.pk, row.session_id, REPLY_ROLES[message.role])
    session_key = message.session_key if message.session_key is not None else message.session_id
    former = preloaded.former_rows.get((session_key or 0, message.person_id, REPLY_ROLES[message.role]))
    if former is not None and session_key is not None:
        return reply_address(former, session_key, REPLY_ROLES[message.role])
    return settings.ORGANIZER_EMAIL


def taken_off(
    messages: Sequence[OutboxMessage],
    experts: Mapping[tuple[int, int], SessionExpert],
    interpreters: Mapping[tuple[int, int], SessionInterpreter],
) -> set[tuple[int, int, str]]:
    """(session, person, role) of the batch's cancellations to experts and interpreters no longer on it."""
    found = set()
    for m in messages:
        if m.kind != MessageKind.CANCELLATION or m.role not in REPLY_ROLES or m.person_id is None:
            continue
        session_key = m.session_key if m.session_key is not None else m.session_id
        if session_key is None:
            continue
        on_it = experts if m.role == ChangeRecipient.Role.EXPERT else interpreters
        if (session_key, m.person_id) not in on_it:
            found.add((session_key, m.person_id, REPLY_ROLES[m.role]))
    return found
