"""The reply address of an invitation: `reply+<token>@REPLY_DOMAIN`, its ORGANIZER, so that the iTIP REPLY a
calendar program sends when the expert or interpreter presses Accept comes back to us and names the
invitation (CalConnect's iMIP best practices: a per-invitation organizer address).

An expert's token is `<row>x<session>x<hmac>`: the ids of their row (visits.SessionExpert) and the session in
lowercase hex and an HMAC over both, truncated to 80 bits, so it is unguessable, fits easily in a local part
(at most 64 characters) and survives a mail server that lowercases it (only 0-9 a-f and the letter x). An
interpreter's is the same with an `i` in front and their row a visits.SessionInterpreter; its HMAC covers the
role too, so neither kind of token can be turned into the other. A token stays the same for the row's whole
life, so every invitation, update, reminder and cancellation of one person on one session has one organizer,
as calendar programs expect.
"""

from typing import NamedTuple

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "visitplan.notifications.reply_address"
PREFIX = "reply+"
DIGEST_LENGTH = 20  # hex characters: 80 bits
EXPERT = "expert"
INTERPRETER = "interpreter"
# The letter an interpreter's token starts with (not a hex digit, nor the separator x).
_INTERPRETER_MARK = "i"


class ReplyTo(NamedTuple):
    """What a genuine token names: whose row (EXPERT or INTERPRETER), the row, and the session."""

    role: str
    row: int
    session: int


def _digest(row_id: int, session_id: int, secret: str, role: str = EXPERT) -> str:
    # The experts' value is as it was before interpreters had tokens: addresses already sent stay valid.
    value = f"{row_id}:{session_id}" if role == EXPERT else f"{role}:{row_id}:{session_id}"
    return salted_hmac(SALT, value, secret=secret, algorithm="sha256").hexdigest()[:DIGEST_LENGTH]


def reply_token(row_id: int, session_id: int, role: str = EXPERT) -> str:
    if role not in (EXPERT, INTERPRETER):
        raise ValueError(f"role must be {EXPERT!r} or {INTERPRETER!r}, not {role!r}")
    mark = _INTERPRETER_MARK if role == INTERPRETER else ""
    return f"{mark}{row_id:x}x{session_id:x}x{_digest(row_id, session_id, settings.SECRET_KEY, role)}"


def reply_address(row_id: int, session_id: int, role: str = EXPERT) -> str:
    """reply+<token>@REPLY_DOMAIN for the expert's (or interpreter's) row; empty when no REPLY_DOMAIN is
    set."""
    if not settings.REPLY_DOMAIN:
        return ""
    return f"{PREFIX}{reply_token(row_id, session_id, role)}@{settings.REPLY_DOMAIN}"


def read_reply_token(token: str) -> ReplyTo | None:
    """Whose row and which session a genuine token names, or None for anything altered or not ours."""
    text = token.strip().lower()
    role = EXPERT
    if text.startswith(_INTERPRETER_MARK):
        role, text = INTERPRETER, text[len(_INTERPRETER_MARK) :]
    parts = text.split("x")
    if len(parts) != 3 or len(parts[2]) != DIGEST_LENGTH:
        return None
    try:
        row_id, session_id = int(parts[0], 16), int(parts[1], 16)
    except ValueError:
        return None
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if any(constant_time_compare(_digest(row_id, session_id, s, role), parts[2]) for s in secrets):
        return ReplyTo(role, row_id, session_id)
    return None


def check_reply_token(token: str) -> tuple[int, int] | None:
    """(expert row, session) a genuine expert's token names, or None for anything else."""
    found = read_reply_token(token)
    if found is None or found.role != EXPERT:
        return None
    return found.row, found.session


def token_of_address(address: str) -> str | None:
    """The token of a reply address at REPLY_DOMAIN (any case), or None for any other address."""
    if not settings.REPLY_DOMAIN:
        return None
    local, _, domain = address.strip().strip("<>").rpartition("@")
    if domain.lower() != settings.REPLY_DOMAIN.lower() or not local.lower().startswith(PREFIX):
        return None
    return local[len(PREFIX) :].lower()
