"""The one HMAC of the project's signed links: an expert's or interpreter's answer (notifications.links), a
registrant's cancel and take-up links (registration.links), a requester's "ask for more" link (intake.tokens).

Each link type keeps its own salt and decides what its value covers (the row, its state, a time stamp) and
what a genuine link still may do; what they share is here: the digest (Django's `salted_hmac` with SHA-256,
every second hex digit, as PasswordResetTokenGenerator shortens its own), and checking a digest against the
current SECRET_KEY and each of SECRET_KEY_FALLBACKS in constant time, so that rotating the key does not break
the links already sent. Django's `signing.Signer` would carry the value inside the token; these links carry
only an id or a stamp and recompute the value from the row, so that a link dies when its row moves on.
"""

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac


def digest(salt: str, value: str, *, secret: str | None = None) -> str:
    """The link's signature over `value` (with SECRET_KEY, or `secret`)."""
    return salted_hmac(salt, value, secret=secret or settings.SECRET_KEY, algorithm="sha256").hexdigest()[::2]


def secrets() -> list[str]:
    """The keys a link may have been signed with: the current one first, then the fallbacks."""
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def digest_matches(salt: str, value: str, given: str) -> bool:
    """Whether `given` is the signature of `value` under the current key or a fallback (constant time)."""
    return any(constant_time_compare(digest(salt, value, secret=secret), given) for secret in secrets())
