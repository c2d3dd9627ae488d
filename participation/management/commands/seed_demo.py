"""Load the demo programmes: `manage.py seed_demo [--coordinator USERNAME]`. Safe to run again.

It lives here, above visits, because the demo is visits' data (visits.demo), then the members' needs, which
participation keeps (participation.demo), then the published visits' versions (scheduling.demo).
"""

import dataclasses
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from participation.demo import load_member_needs
from registration.demo import load_registration_demo
from scheduling.demo import publish_demo_programmes
from visits.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load three fictional demo programmes (Latvian police and prosecutors in Stockholm, North Macedonian "
        "ministry officials in Gothenburg and Malmö, a seminar in Kathmandu) with their delegations, experts "
        "and venues. Running it again adds only what is missing; --reset puts the demo back as shipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--coordinator",
            metavar="USERNAME",
            help="Make this existing user a coordinator of every demo visit.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Put the demo data back as shipped, undoing what was changed in it (rows added stay).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        coordinators = []
        username = options["coordinator"]
        if username:
            user_model = get_user_model()
            try:
                coordinators.append(user_model._default_manager.get_by_natural_key(username))
            except user_model.DoesNotExist:
                self.stderr.write(
                    self.style.WARNING(
                        f"No user “{username}”: the demo visits get no coordinator. Create the login first "
                        "(manage.py demo_login), then run seed_demo again."
                    )
                )
        with transaction.atomic():
            summary = load_demo(coordinators=coordinators, reset=options["reset"])
            created, changed = load_member_needs(reset=options["reset"])
            # A visit shown as published has its version and its outbox (only where it has none yet).
            versions = publish_demo_programmes()
            # The open seminar in Riga, with its registrants (registration.demo).
            created += load_registration_demo(coordinators=coordinators)
        summary = dataclasses.replace(
            summary, created=summary.created + created + versions, changed=summary.changed + changed
        )
        if coordinators:
            self.stdout.write(f"Coordinator of every demo visit: {username}.")
        self.stdout.write(self.style.SUCCESS(str(summary)))
