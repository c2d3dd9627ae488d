"""The reply address of an expert's invitation: `reply+<token>@REPLY_DOMAIN`, its ORGANIZER, so that the
iTIP REPLY a calendar program sends when the expert presses Accept comes back to us and names the invitation
(CalConnect's iMIP best practices: a per-invitation organizer address).

The token is `<expert row>x<session>x<hmac>`: the ids in lowercase hex and an HMAC over both, truncated to 80
bits, so it is unguessable, fits easily in a local part (at most 64 characters) and survives a mail server
that lowercases it (only 0-9 a-f and the letter x). It stays the same for the row's whole life, so every
invitation, update and reminder of one expert on one session has one organizer, as calendar programs expect.
"""

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "visitplan.notifications.reply_address"
PREFIX = "reply+"
DIGEST_LENGTH = 20  # hex characters: 80 bits


def _digest(expert_id: int, session_id: int, secret: str) -> str:
    value = f"{expert_id}:{session_id}"
    return salted_hmac(SALT, value, secret=secret, algorithm="sha256").hexdigest()[:DIGEST_LENGTH]


def reply_token(expert_id: int, session_id: int) -> str:
    return f"{expert_id:x}x{session_id:x}x{_digest(expert_id, session_id, settings.SECRET_KEY)}"


def reply_address(expert_id: int, session_id: int) -> str:
    """reply+<token>@REPLY_DOMAIN; empty when no REPLY_DOMAIN is set."""
    if not settings.REPLY_DOMAIN:
        return ""
    return f"{PREFIX}{reply_token(expert_id, session_id)}@{settings.REPLY_DOMAIN}"


def check_reply_token(token: str) -> tuple[int, int] | None:
    """(expert row, session) a genuine token names, or None for anything altered or not ours."""
    parts = token.strip().lower().split("x")
    if len(parts) != 3 or len(parts[2]) != DIGEST_LENGTH:
        return None
    try:
        expert_id, session_id = int(parts[0], 16), int(parts[1], 16)
    except ValueError:
        return None
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if any(constant_time_compare(_digest(expert_id, session_id, s), parts[2]) for s in secrets):
        return expert_id, session_id
    return None


def token_of_address(address: str) -> str | None:
    """The token of a reply address at REPLY_DOMAIN (any case), or None for any other address."""
    if not settings.REPLY_DOMAIN:
        return None
    local, _, domain = address.strip().strip("<>").rpartition("@")
    if domain.lower() != settings.REPLY_DOMAIN.lower() or not local.lower().startswith(PREFIX):
        return None
    return local[len(PREFIX) :].lower()
