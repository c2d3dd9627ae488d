"""What erasing a person does, and what exporting them gathers, as lists that any app can add to.

Erasure calls every registered redactor with the person's id and the personal values to remove (their name,
e-mail address, phone): each one overwrites what its own app holds about the person and returns how many rows
it changed. An app that keeps personal data of its own (the audit log, say) registers its redactor and its
export section in its AppConfig.ready(), so erasure reaches its rows without privacy knowing the app:

    from privacy.registry import register_exporter, register_redactor
    register_redactor("audit", _("History entries"), audit.redact_person)
    register_exporter("history", audit.export_person)

Redactors run inside erasure's transaction, in the order registered; one that raises undoes the erasure.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

Redact = Callable[[int, Sequence[str]], int]
Count = Callable[[int], int]
Export = Callable[[int], Any]


@dataclass(frozen=True)
class Redactor:
    key: str
    label: str | Promise  # what goes, as the confirmation lists it
    redact: Redact
    # How many rows the redactor would change, for the confirmation; None when it cannot tell beforehand.
    count: Count | None = None


_redactors: dict[str, Redactor] = {}
_exporters: dict[str, Export] = {}


def register_redactor(key: str, label: str | Promise, redact: Redact, *, count: Count | None = None) -> None:
    """Add a redactor; registering the same key again replaces it (a reloaded app does not run it twice)."""
    _redactors[key] = Redactor(key, label, redact, count)


def register_exporter(key: str, export: Export) -> None:
    """Add a section to a person's export: `export(person_id)` returns JSON-ready data for `key`."""
    _exporters[key] = export


def redactors() -> list[Redactor]:
    return list(_redactors.values())


def exporters() -> dict[str, Export]:
    return dict(_exporters)
