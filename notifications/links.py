"""Signed, single-purpose links for experts to answer an invitation, in the spirit of Django's
PasswordResetTokenGenerator.

A token is `<expert row>-<sequence>-<timestamp>-<hmac>`: nothing personal, only the id of the expert's row on
the session (SessionExpert), the SEQUENCE of the invitation it came with, and when it was made. The HMAC
covers those and how many answers the row had recorded when the link was made (SessionExpert.answers), so a
link dies once an answer has been recorded (through it, another link, or by a coordinator), a link for an
old time of the session is recognised as such (and can say what changed), and any altered character makes
it invalid. Links expire after settings.EXPERT_LINK_DAYS.

The links belong to the expert's answer (responses), but live here: composing an invitation
(notifications.compose) makes them, and notifications does not import the apps that build on it. The answer
page (responses.views) checks them.
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from django.conf import settings
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int, int_to_base36

from config import signing
from visits.models import SessionExpert, SessionInterpreter

# The row a link answers for: an expert's on a session, or an interpreter's booking.
Row = TypeVar("Row", SessionExpert, SessionInterpreter)

EPOCH = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)
# How far back a used link is recognised as used rather than altered: the answers recorded since it was made.
USED_LOOKBACK = 50


class LinkStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"  # genuine, but older than EXPERT_LINK_DAYS
    USED = "used"  # genuine, but the expert has answered since it was made
    OUTDATED = "outdated"  # genuine, but for an earlier time or place of the session
    INVALID = "invalid"  # altered, unknown, or not one of ours


@dataclass(frozen=True)
class CheckedLink(Generic[Row]):
    status: LinkStatus
    expert: Row | None = None  # the link's row: a SessionInterpreter for interpreter_links
    sequence: int | None = None  # the SEQUENCE the link was made for

    @property
    def usable(self) -> bool:
        return self.status is LinkStatus.VALID


class LinkGenerator(Generic[Row]):
    key_salt = "visitplan.notifications.links.ExpertLinkGenerator"
    model: type[Row]

    def make_token(self, expert: Row, *, sequence: int | None = None) -> str:
        """A link for the expert's next answer, for the session at `sequence` (its current one by default)."""
        if sequence is None:
            sequence = expert.session.sequence
        return self._token(expert, sequence, self._seconds(self._now()), expert.answers, settings.SECRET_KEY)

    def check_token(self, token: str) -> CheckedLink[Row]:
        try:
            ident_b36, sequence_b36, stamp_b36, _ = token.split("-")
            ident, sequence, stamp = (base36_to_int(part) for part in (ident_b36, sequence_b36, stamp_b36))
        except ValueError:
            return CheckedLink(LinkStatus.INVALID)
        expert = self.model.objects.select_related("session", "person").filter(pk=ident).first()
        if expert is None:
            return CheckedLink(LinkStatus.INVALID)
        # The number of answers the row had when the link was made: the current one, or an earlier one.
        made_at = next(
            (
                answers
                for answers in range(expert.answers, max(-1, expert.answers - USED_LOOKBACK - 1), -1)
                if self._matches(token, expert, sequence, stamp, answers)
            ),
            None,
        )
        if made_at is None:
            return CheckedLink(LinkStatus.INVALID)
        if sequence != expert.session.sequence:
            return CheckedLink(LinkStatus.OUTDATED, expert, sequence)
        if made_at != expert.answers:
            return CheckedLink(LinkStatus.USED, expert, sequence)
        if self._seconds(self._now()) - stamp > settings.EXPERT_LINK_DAYS * 24 * 3600:
            return CheckedLink(LinkStatus.EXPIRED, expert, sequence)
        return CheckedLink(LinkStatus.VALID, expert, sequence)

    def made_for(self, token: str, expert: Row) -> bool:
        """Whether the token is genuine and was made for `expert` as it stands (a row that may be gone: an
        unsaved copy of one taken off a session), at any of its last USED_LOOKBACK answers."""
        try:
            ident_b36, sequence_b36, stamp_b36, _ = token.split("-")
            ident, sequence, stamp = (base36_to_int(part) for part in (ident_b36, sequence_b36, stamp_b36))
        except ValueError:
            return False
        if ident != expert.pk:
            return False
        return any(
            self._matches(token, expert, sequence, stamp, answers)
            for answers in range(expert.answers, max(-1, expert.answers - USED_LOOKBACK - 1), -1)
        )

    @staticmethod
    def row_of(token: str) -> int | None:
        """The expert's row a token names, genuine or not."""
        try:
            return base36_to_int(token.split("-")[0])
        except ValueError:
            return None

    def _matches(self, token: str, expert: Row, sequence: int, stamp: int, answers: int) -> bool:
        return any(
            constant_time_compare(self._token(expert, sequence, stamp, answers, secret), token)
            for secret in signing.secrets()
        )

    def _token(self, expert: Row, sequence: int, stamp: int, answers: int, secret: str) -> str:
        value = f"{expert.pk}:{expert.session_id}:{expert.person_id}:{sequence}:{stamp}:{answers}"
        digest = signing.digest(self.key_salt, value, secret=secret)
        return f"{int_to_base36(expert.pk)}-{int_to_base36(sequence)}-{int_to_base36(stamp)}-{digest}"

    @staticmethod
    def _seconds(moment: dt.datetime) -> int:
        return int((moment - EPOCH).total_seconds())

    def _now(self) -> dt.datetime:
        """A seam for tests."""
        return dt.datetime.now(dt.UTC)


class ExpertLinkGenerator(LinkGenerator[SessionExpert]):
    model = SessionExpert


expert_links = ExpertLinkGenerator()


class InterpreterLinkGenerator(LinkGenerator[SessionInterpreter]):
    """The same links for an interpreter's booking (SessionInterpreter, with its own `answers`): a salt of
    their own, so an expert's token never opens an interpreter's row of the same id, nor the reverse."""

    key_salt = "visitplan.notifications.links.InterpreterLinkGenerator"
    model = SessionInterpreter


interpreter_links = InterpreterLinkGenerator()
