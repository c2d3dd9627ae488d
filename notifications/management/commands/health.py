"""`manage.py health`: for monitoring (a cron job, a systemd timer, a load balancer's probe). One line per
check; exit status 0 when all pass, 1 with the reasons when any fails."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from notifications.health import CHECKS, run_checks


class Command(BaseCommand):
    help = (
        "Check the database, the broker, the SMTP server, the oldest due message's age and beat's last "
        "outbox sweep; exit 1 naming what failed. Thresholds: HEALTH_* settings."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("checks", nargs="*", help=f"only these, of {', '.join(CHECKS)} (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        unknown = set(options["checks"]) - set(CHECKS)
        if unknown:
            raise CommandError(f"No check named {', '.join(sorted(unknown))}; there are {', '.join(CHECKS)}.")
        failed = []
        for check in run_checks(options["checks"] or None):
            if check.ok:
                if options["verbosity"] > 0:
                    self.stdout.write(f"ok   {check.name}: {check.detail}")
            else:
                failed.append(check.name)
                self.stderr.write(f"FAIL {check.name}: {check.detail}")
        if failed:
            raise SystemExit(1)
