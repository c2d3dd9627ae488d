"""What apps that build on notifications add to the outbox's work, registered in their AppConfig.ready() (as
responses does), so that notifications never imports them:

- after the rows a published version calls for are written, inside the publishing transaction
  (`register_after_enqueue`: responses invites the experts and writes their first reminders, on behalf of
  whoever published the version);
- before a delivery batch is sent, which of its messages are no longer wanted and are withdrawn instead
  (`register_unwanted`: responses withdraws reminders whose expert has answered). One call per batch;
- the PARTSTAT of experts whose answer is not on their row (`register_partstats`: a calendar's TENTATIVE,
  recorded by responses.calendar_replies, keeps the expert invited). One call per batch, and only when
  REPLY_DOMAIN is set, since only calendar replies make such answers;
- files attached to a message when it is composed (`register_attachments`: booklets attaches a participant's
  PDF booklet to their programme e-mail when the visit's settings say so).
"""

from collections.abc import Callable, Sequence

from notifications.models import OutboxMessage
from scheduling.models import ProgrammeChange, ProgrammeVersion
from visits.models import SessionExpert

# (the version, its changes, the rows written for it) -> None
AfterEnqueue = Callable[[ProgrammeVersion, Sequence[ProgrammeChange], Sequence[OutboxMessage]], None]
# (a delivery batch) -> the ids of its messages that are no longer wanted
Unwanted = Callable[[Sequence[OutboxMessage]], set[int]]

# (experts' rows) -> {row id: PARTSTAT} for the rows whose answer their row does not say
Partstats = Callable[[Sequence[SessionExpert]], dict[int, str]]

# (a message being composed) -> [(file name, content, MIME type)] to attach to it
Attachment = tuple[str, bytes, str]
Attachments = Callable[[OutboxMessage], list[Attachment]]

_after_enqueue: list[AfterEnqueue] = []
_attachments: list[Attachments] = []
_unwanted: list[Unwanted] = []
_partstats: list[Partstats] = []


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
