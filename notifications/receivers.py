"""Where notifications is told what changed upstream."""

from typing import Any

from notifications.outbox import enqueue_for_version
from scheduling.models import ProgrammeVersion


def on_programme_published(sender: Any, version: ProgrammeVersion, **kwargs: Any) -> None:
    # In the transaction that marks the version's messages written (scheduling.publishing): the messages
    # exist exactly when the version is no longer pending. The publisher sends the changes it has just
    # written, with their recipients (`changes`), so that they are not read back; the sweep sends None.
    enqueue_for_version(version, kwargs.get("changes"))
