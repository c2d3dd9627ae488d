"""Classifying what an SMTP server said, and when to try again. Pure: no ORM, no network."""

import datetime as dt
import random
import smtplib
import socket
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    temporary: bool
    error: str


def classify(error: BaseException) -> Outcome:
    """A 4xx reply, a refused, dropped or timed-out connection: try again later. A 5xx reply: give up."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        replies = "; ".join(
            f"{addr}: {code} {text.decode(errors='replace')}"
            for addr, (code, text) in error.recipients.items()
        )
        return Outcome(temporary=all(400 <= code < 500 for code in codes), error=replies)
    if isinstance(error, smtplib.SMTPResponseException):
        text = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        return Outcome(temporary=not 500 <= error.smtp_code < 600, error=f"{error.smtp_code} {text}")
    if isinstance(
        error, smtplib.SMTPServerDisconnected | ConnectionError | socket.timeout | TimeoutError | OSError
    ):
        return Outcome(temporary=True, error=f"{type(error).__name__}: {error}")
    return Outcome(temporary=False, error=f"{type(error).__name__}: {error}")


def backoff(attempts: int, *, base: float, cap: float, rng: random.Random | None = None) -> dt.timedelta:
    """Exponential backoff with full jitter: a random delay up to base * 2^(attempts-1), at most cap."""
    ceiling = min(cap, base * 2 ** max(0, attempts - 1))
    return dt.timedelta(seconds=(rng or random.SystemRandom()).uniform(ceiling / 2, ceiling))
