"""`python manage.py receive_mail --lmtp 127.0.0.1:8025` and/or `--imap`: receive replies until stopped."""

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


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
        try:
            while not stop.wait(1):
                pass
        finally:
            if controller is not None:
                controller.stop()
            if imap_thread is not None:
                imap_thread.join(timeout=10)
