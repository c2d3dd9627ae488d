"""What composing gives (`Composed`, `ComposeError`) and the registry of composers for notices to
coordinators.

A notice (kind "notice") names what it is about in its payload, {"notice": "answer", ...}. The app that knows
about it registers its composer in AppConfig.ready() (responses does), so that composing one never imports an
app that builds on notifications.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from notifications.models import OutboxMessage


class ComposeError(Exception):
    """The message cannot be composed (its session is gone and no snapshot was kept, or an unknown kind)."""


@dataclass(frozen=True, slots=True)
class Composed:
    subject: str
    text: str
    html: str
    ics: bytes = b""  # none for a notice to coordinators
    method: str = ""
    filename: str = ""


NoticeComposer = Callable[[OutboxMessage], Composed]
_notice_composers: dict[str, NoticeComposer] = {}


def register_notice_composer(notice: str, composer: NoticeComposer) -> None:
    """Compose the notices whose payload says {"notice": notice} with `composer`; once per notice."""
    registered = _notice_composers.setdefault(notice, composer)
    if registered is not composer:
        raise ImproperlyConfigured(f"Notice {notice!r} already has a composer: {registered!r}")


# Messages to a person of a kind that an app above notifications owns (evaluations' surveys): by kind.
_person_composers: dict[str, NoticeComposer] = {}


def register_person_composer(kind: str, composer: NoticeComposer) -> None:
    """Compose the messages of `kind` (a MessageKind to a person, not a notice) with `composer`; once."""
    registered = _person_composers.setdefault(kind, composer)
    if registered is not composer:
        raise ImproperlyConfigured(f"Kind {kind!r} already has a composer: {registered!r}")


def person_composer(kind: str) -> NoticeComposer | None:
    return _person_composers.get(kind)


def compose_notice(message: OutboxMessage) -> Composed:
    notice = (message.payload or {}).get("notice")
    composer = _notice_composers.get(notice) if isinstance(notice, str) else None
    if composer is None:
        raise ComposeError(
            f"Outbox message {message.pk}: unknown notice {notice!r} (no composer is registered for it)"
        )
    return composer(message)
