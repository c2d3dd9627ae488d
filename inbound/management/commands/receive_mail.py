"""`python manage.py receive_mail --lmtp 127.0.0.1:8025` and/or `--imap`: receive replies until stopped.

Without a broker (embedded: Celery eager, no beat) it also runs beat's work for received mail itself: the
sweep, so a message whose forward failed for a while is tried again, and the daily erasing of old messages.
"""

import logging
import signal
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

log = logging.getLogger(__name__)

ERASE_EVERY_SECONDS = 86400.0


def host_and_port(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise CommandError(f"--lmtp takes host:port, e.g. 127.0.0.1:8025, not {value!r}")
    return host.strip("[]"), int(port)


class Command(BaseCommand):
    help = "Receive mail for the reply domain over LMTP, and/or fetch it from INBOUND_IMAP_URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lmtp", metavar="HOST:PORT", help="serve LMTP here, e.g. 127.0.0.1:8025")
        parser.add_argument("--imap", action="store_true", help="poll INBOUND_IMAP_URL (IDLE where offered)")
        parser.add_argument(
            "--sweep-every",
            type=float,
            default=None,
            metavar="SECONDS",
            help="process received messages still waiting every SECONDS (default: 60 with no broker, else "
            "never: beat does it); 0 never",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["lmtp"] and not options["imap"]:
            raise CommandError("Say how to receive: --lmtp HOST:PORT, --imap, or both.")
        stop = threading.Event()
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            signal.signal(stop_signal, lambda signum, frame: stop.set())
        controller = None
        imap_thread = None
        if options["lmtp"]:
            if not settings.REPLY_DOMAIN:
                raise CommandError("Set REPLY_DOMAIN: the LMTP server accepts only addresses at it.")
            from inbound.lmtp import lmtp_controller

            host, port = host_and_port(options["lmtp"])
            controller = lmtp_controller(host, port, settings.REPLY_DOMAIN)
            controller.start()
            self.stdout.write(f"LMTP: receiving for @{settings.REPLY_DOMAIN} on {host}:{port}.")
        if options["imap"]:
            if not settings.INBOUND_IMAP_URL:
                raise CommandError("Set INBOUND_IMAP_URL, e.g. imaps://user:password@host:993/INBOX.")
            from inbound.imap import mailbox_of, run

            box = mailbox_of(settings.INBOUND_IMAP_URL)
            imap_thread = threading.Thread(
                target=run,
                args=(settings.INBOUND_IMAP_URL, stop, settings.INBOUND_IMAP_POLL_SECONDS),
                name="imap",
                daemon=True,
            )
            imap_thread.start()
            self.stdout.write(f"IMAP: fetching from {box.user}@{box.host}:{box.port}/{box.folder}.")
        self.stdout.flush()
        every = options["sweep_every"]
        if every is None:
            every = 60.0 if settings.EMBEDDED_BROKER else 0.0
        next_sweep = time.monotonic() + every
        next_erase = time.monotonic()
        try:
            while not stop.wait(min(1.0, every) if every > 0 else 1.0):
                if every > 0 and time.monotonic() >= next_sweep:
                    next_sweep = time.monotonic() + every
                    next_erase = self.sweep(next_erase)
        finally:
            if controller is not None:
                controller.stop()
            if imap_thread is not None:
                imap_thread.join(timeout=10)

    def sweep(self, next_erase: float) -> float:
        """Beat's work for received mail, when there is no beat; returns when to erase next."""
        from django.db import close_old_connections

        from inbound.tasks import erase_old_raw, sweep_received

        close_old_connections()
        try:
            sweep_received()
            if time.monotonic() >= next_erase:
                erase_old_raw()
                return time.monotonic() + ERASE_EVERY_SECONDS
        except Exception:
            log.exception("The sweep of received mail failed; trying again later.")
        return next_erase
