"""Pure: the placeholders an erased person gets, and the removal of their personal values from free text and
JSON. No database.

Free text about a visit (a session's description, a warning acknowledged, a note of an expert's, a snapshot
of the programme) may name a participant. Erasure replaces each whole value (the name, the e-mail address,
the phone number) wherever it stands, in any case; a first name alone is not caught, since it would also
take out every other person of that name.
"""

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

PLACEHOLDER = "[erased]"
# Shorter values (initials, an empty phone) would match inside unrelated words.
SHORTEST_VALUE = 4


def placeholder_name(person_id: int) -> str:
    """Stored in place of the name: the row stays, so counts of past visits do not change."""
    return f"Erased person {person_id}"


def placeholder_email(person_id: int) -> str:
    """Stored in place of the e-mail address, which must stay unique and well formed. The .invalid domain
    (RFC 2606) can never receive mail, so nothing sent by mistake reaches anyone."""
    return f"erased-{person_id}@erased.invalid"


def values_worth_scrubbing(values: Iterable[str]) -> list[str]:
    """The values long enough to look for, longest first (an e-mail address before the name inside it)."""
    kept = {value.strip() for value in values if value and len(value.strip()) >= SHORTEST_VALUE}
    return sorted(kept, key=lambda value: (-len(value), value))


def _pattern(values: Sequence[str]) -> re.Pattern[str] | None:
    forms: list[str] = []
    for value in values_worth_scrubbing(values):
        forms.append(re.escape(value))
        # As json.dumps writes it (ensure_ascii) inside JSON kept in a text column, such as the admin's change
        # messages: "Kalniņa" is "Kalni\\u0146a" there.
        escaped = json.dumps(value)[1:-1]
        if escaped != value:
            forms.append(re.escape(escaped))
    return re.compile("|".join(forms), re.IGNORECASE) if forms else None


def scrub_text(text: str, values: Sequence[str]) -> str:
    pattern = _pattern(values)
    return pattern.sub(PLACEHOLDER, text) if pattern and text else text


def scrub_json(data: Any, values: Sequence[str]) -> Any:
    """The same data with every string (keys too) scrubbed."""
    pattern = _pattern(values)
    return _scrub_json(data, pattern) if pattern else data


def _scrub_json(data: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(data, str):
        return pattern.sub(PLACEHOLDER, data)
    if isinstance(data, list):
        return [_scrub_json(item, pattern) for item in data]
    if isinstance(data, dict):
        return {_scrub_json(key, pattern): _scrub_json(value, pattern) for key, value in data.items()}
    return data
