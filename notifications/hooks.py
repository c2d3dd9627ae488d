"""What apps that build on notifications add to the outbox's work, registered in their AppConfig.ready() (as
responses does), so that notifications never imports them:

- after the rows a published version calls for are written, in the same transaction (the publish's second)
  (`register_after_enqueue`: responses invites the experts and writes their first reminders, on behalf of
  whoever published the version);
- before a delivery batch is sent, which of its messages are no longer wanted and are withdrawn instead
  (`register_unwanted`: responses withdraws reminders whose expert has answered). One call per batch;
- the PARTSTAT of experts whose answer is not on their row (`register_partstats`: a calendar's TENTATIVE,
  recorded by responses.calendar_replies, keeps the expert invited). One call per batch, and only when
  REPLY_DOMAIN is set, since only calendar replies make such answers; the same for interpreters
  (`register_interpreter_partstats`);
- the rows that people taken off a session had (`register_former_rows`: responses remembers them), so that
  their cancellation names the same reply address as ORGANIZER as their invitation did. One call per batch,
  only with REPLY_DOMAIN;
- files attached to a message when it is composed (`register_attachments`: booklets attaches a participant's
  PDF booklet to their programme e-mail when the visit's settings say so).
"""

from collections.abc import Callable, Collection, Sequence

from notifications.models import OutboxMessage
from scheduling.models import ProgrammeChange, ProgrammeVersion
from visits.models import SessionExpert, SessionInterpreter

# (the version, its changes, the rows written for it) -> None
AfterEnqueue = Callable[[ProgrammeVersion, Sequence[ProgrammeChange], Sequence[OutboxMessage]], None]
# (a delivery batch) -> the ids of its messages that are no longer wanted
Unwanted = Callable[[Sequence[OutboxMessage]], set[int]]

# (experts' rows) -> {row id: PARTSTAT} for the rows whose answer their row does not say
Partstats = Callable[[Sequence[SessionExpert]], dict[int, str]]
InterpreterPartstats = Callable[[Sequence[SessionInterpreter]], dict[int, str]]
# ({(session, person, role)}) -> {(session, person, role): the row they had}, role "expert" or "interpreter"
FormerRows = Callable[[Collection[tuple[int, int, str]]], dict[tuple[int, int, str], int]]

# (a message being composed) -> [(file name, content, MIME type)] to attach to it
Attachment = tuple[str, bytes, str]
Attachments = Callable[[OutboxMessage], list[Attachment]]

_after_enqueue: list[AfterEnqueue] = []
_attachments: list[Attachments] = []
_unwanted: list[Unwanted] = []
_partstats: list[Partstats] = []
_interpreter_partstats: list[InterpreterPartstats] = []
_former_rows: list[FormerRows] = []


def register_interpreter_partstats(hook: InterpreterPartstats) -> None:
    if hook not in _interpreter_partstats:
        _interpreter_partstats.append(hook)


def interpreter_partstats(interpreters: Sequence[SessionInterpreter]) -> dict[int, str]:
    found: dict[int, str] = {}
    for hook in _interpreter_partstats:
        found.update(hook(interpreters))
    return found


def register_former_rows(hook: FormerRows) -> None:
    if hook not in _former_rows:
        _former_rows.append(hook)


def former_rows(wanted: Collection[tuple[int, int, str]]) -> dict[tuple[int, int, str], int]:
    found: dict[tuple[int, int, str], int] = {}
    for hook in _former_rows:
        found.update(hook(wanted))
    return found


def register_partstats(hook: Partstats) -> None:
    if hook not in _partstats:
        _partstats.append(hook)


def partstats(experts: Sequence[SessionExpert]) -> dict[int, str]:
    found: dict[int, str] = {}
    for hook in _partstats:
        found.update(hook(experts))
    return found


def register_after_enqueue(hook: AfterEnqueue) -> None:
    if hook not in _after_enqueue:
        _after_enqueue.append(hook)


def register_unwanted(hook: Unwanted) -> None:
    if hook not in _unwanted:
        _unwanted.append(hook)


def after_enqueue(
    version: ProgrammeVersion, changes: Sequence[ProgrammeChange], messages: Sequence[OutboxMessage]
) -> None:
    for hook in _after_enqueue:
        hook(version, changes, messages)


def unwanted(messages: Sequence[OutboxMessage]) -> set[int]:
    """The ids of the batch's messages that some app no longer wants sent."""
    found: set[int] = set()
    for hook in _unwanted:
        found |= hook(messages)
    return found


def register_attachments(hook: Attachments) -> None:
    if hook not in _attachments:
        _attachments.append(hook)


def attachments(message: OutboxMessage) -> list[Attachment]:
    """The files apps attach to the message, in the order they were registered."""
    return [found for hook in _attachments for found in hook(message)]
