"""`manage.py seed_demo_evaluation [--coordinator USERNAME]`: the demo's evaluated visit (evaluations.demo),
beside seed_demo's three programmes. Safe to run again."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from evaluations.demo import TITLE, load_demo_evaluation


class Command(BaseCommand):
    help = "Load a fictional study visit that is over, with its survey and three participants' answers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--coordinator", metavar="USERNAME", help="Make this user its coordinator.")

    def handle(self, *args: Any, **options: Any) -> None:
        coordinators = list(get_user_model()._default_manager.filter(username=options["coordinator"] or ""))
        with transaction.atomic():
            added = load_demo_evaluation(coordinators)
        self.stdout.write(self.style.SUCCESS(f"Demo evaluation: “{TITLE}”. Rows created: {added}."))
