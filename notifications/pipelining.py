"""Sending a batch over one SMTP connection with PIPELINING (RFC 2920), where the server offers it.

Why not smtplib alone: `smtplib.SMTP.sendmail` waits for a reply to each of MAIL, RCPT, DATA and the end of
the message, four round trips per message, and has no pipelining. In the profile of a delivery batch
(bench/RESULTS.md) waiting for those replies was 23% of the worker's time. aiosmtplib is asyncio-only (a
Celery task would run an event loop per batch) and is not a dependency. So this module writes the minimal
pipelined exchange itself over the socket smtplib opened (smtplib still connects, says EHLO, does STARTTLS
and AUTH through Django's backend, and parses every reply):

    client: MAIL FROM, RCPT TO..., DATA                         (one write)
    server: 250, 250..., 354
    client: the message, ".", then the next MAIL, RCPT, DATA    (one write)
    server: 250 (the message), 250, 250..., 354 (the next one)

one round trip per message instead of four. A message's content is the first "command" of the next group,
which RFC 2920 allows. What it gains grows with the time a reply takes to come back: over loopback to an
aiosmtpd process on a busy 2-core machine, bench/pipelining.py measured it level with smtplib.sendmail
(median 1.00 of 5 rounds, 0.56-1.83; bench/RESULTS.md), since there a round trip costs tens of
microseconds; to a mail server across a network, three round trips saved per message are most of its
sending time.

Each message's outcome is the exception smtplib would have raised for it (SMTPSenderRefused,
SMTPRecipientsRefused, SMTPDataError), so notifications.delivery classifies both alike: a refused recipient
fails only its message. A connection that goes away raises ConnectionLost, naming the messages whose fate is
known and those in flight (sent, but no reply read: they may or may not have arrived). Without PIPELINING
in the server's EHLO reply, each message goes through `sendmail`, with the same outcomes.
"""

import re
import smtplib
from dataclasses import dataclass, field

CRLF = b"\r\n"
# Reply codes: RCPT accepted (250, or 251 "will forward"); ready for the message.
RCPT_OK = (250, 251)
START_INPUT = 354
OK = 250

Outcome = tuple[int, BaseException | None]  # (the message's key, None if accepted, else why not)


@dataclass(frozen=True)
class Envelope:
    key: int  # the outbox row
    sender: str
    recipients: list[str]
    data: bytes  # the whole message, with CRLF line ends


class ConnectionLost(Exception):
    """The connection went away. `settled`: outcomes read before it did; `in_flight`: keys of messages sent
    without a reply (retry them: they may have arrived, as with smtplib when a reply is lost)."""

    def __init__(self, error: BaseException, settled: list[Outcome], in_flight: list[int]) -> None:
        super().__init__(str(error))
        self.error = error
        self.settled = settled
        self.in_flight = in_flight


@dataclass
class Pipeline:
    """Sends envelopes one after the other over `smtp`, pipelined when the server allows."""

    smtp: smtplib.SMTP
    pending: Envelope | None = None  # content not yet written: it goes with the next group
    reset_first: bool = False  # a transaction was left open (refused recipients or DATA): RSET with the next
    offered: bool = field(init=False)

    def __post_init__(self) -> None:
        self.smtp.ehlo_or_helo_if_needed()
        self.offered = self.smtp.has_extn("pipelining")

    def send(self, envelope: Envelope) -> list[Outcome]:
        """Send one message; return the outcomes known now (the message before it, and this one if it was
        refused before its content). Raises ConnectionLost."""
        if not self.offered:
            return [self._send_plainly(envelope)]
        try:
            commands = self._commands(envelope)
        except UnicodeEncodeError as error:  # an address SMTP cannot carry without SMTPUTF8: as smtplib fails
            return [(envelope.key, error)]
        return self._exchange(commands, envelope)

    def flush(self) -> list[Outcome]:
        """Write the last message's content and read its reply."""
        if self.pending is None:
            return []
        return self._exchange(b"", None)

    # --- The pipelined exchange ---------------------------------------------------------------------------

    def _commands(self, envelope: Envelope) -> bytes:
        options = f" SIZE={len(envelope.data)}" if self.smtp.has_extn("size") else ""
        lines = [f"MAIL FROM:<{envelope.sender}>{options}"]
        lines += [f"RCPT TO:<{recipient}>" for recipient in envelope.recipients]
        lines.append("DATA")
        return "".join(line + "\r\n" for line in lines).encode("ascii")

    def _exchange(self, commands: bytes, envelope: Envelope | None) -> list[Outcome]:
        previous, self.pending = self.pending, None
        reset, self.reset_first = self.reset_first, False
        out = b""
        if previous is not None:
            out += content(previous.data)
        if reset and commands:
            out += b"RSET" + CRLF
        out += commands
        settled: list[Outcome] = []
        try:
            self.smtp.send(out)
            if previous is not None:
                code, reply = self.smtp.getreply()
                settled.append((previous.key, None if code == OK else smtplib.SMTPDataError(code, reply)))
                previous = None
            if envelope is None:
                return settled
            if reset:
                self.smtp.getreply()  # RSET cannot meaningfully fail; a broken connection raises below
            outcome = self._replies(envelope)
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            in_flight = [e.key for e in (previous, envelope) if e is not None]
            raise ConnectionLost(error, settled, in_flight) from error
        if outcome is not None:
            settled.append(outcome)
        return settled

    def _replies(self, envelope: Envelope) -> Outcome | None:
        """Read the replies to MAIL, each RCPT and DATA: the message's outcome if it was refused, or None when
        the server waits for its content (which then goes with the next write)."""
        mail_code, mail_reply = self.smtp.getreply()
        refused: dict[str, tuple[int, bytes]] = {}
        for recipient in envelope.recipients:
            code, reply = self.smtp.getreply()
            if code not in RCPT_OK:
                refused[recipient] = (code, reply)
        data_code, data_reply = self.smtp.getreply()
        error: BaseException | None = None
        if mail_code != OK:
            error = smtplib.SMTPSenderRefused(mail_code, mail_reply, envelope.sender)
        elif len(refused) == len(envelope.recipients):
            error = smtplib.SMTPRecipientsRefused(refused)
        elif data_code != START_INPUT:
            error = smtplib.SMTPDataError(data_code, data_reply)
        if error is None:
            # Some recipients may be refused and the others not: sent to those, as smtplib.sendmail does.
            self.pending = envelope
            return None
        if data_code == START_INPUT:
            # A server that says 354 with no recipient (RFC 2920 says it must not): end an empty message.
            self.smtp.send(b"." + CRLF)
            self.smtp.getreply()
        elif mail_code == OK:
            self.reset_first = True  # MAIL was accepted: that transaction must be reset before the next
        return (envelope.key, error)

    # --- Without PIPELINING -------------------------------------------------------------------------------

    def _send_plainly(self, envelope: Envelope) -> Outcome:
        try:
            self.smtp.sendmail(envelope.sender, envelope.recipients, envelope.data)
        except smtplib.SMTPServerDisconnected as error:
            raise ConnectionLost(error, [], [envelope.key]) from error
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused, UnicodeEncodeError) as error:
            return (envelope.key, error)
        except OSError as error:
            raise ConnectionLost(error, [], [envelope.key]) from error
        return (envelope.key, None)


_LEADING_DOT = re.compile(rb"^\.", re.MULTILINE)


def content(data: bytes) -> bytes:
    """A message as DATA carries it: a leading "." doubled on every line (RFC 5321 4.5.2), ended by "."."""
    stuffed = _LEADING_DOT.sub(b"..", data)
    if not stuffed.endswith(CRLF):
        stuffed += CRLF
    return stuffed + b"." + CRLF
