"""Run the outbox sweep once, or every N seconds: what beat does when there is no broker (embedded)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications.tasks import sweep_outbox


class Command(BaseCommand):
    help = "Requeue stuck outgoing messages and send due ones; with --every, keep doing so."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, help="seconds between sweeps; 0 runs once")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            dispatched = sweep_outbox()
            if options["verbosity"] > 1 or (dispatched and not options["every"]):
                self.stdout.write(f"Outbox sweep: {dispatched} message(s) dispatched.")
            if not options["every"]:
                return
            time.sleep(options["every"])
