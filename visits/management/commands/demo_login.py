"""Create (or reuse) the demo coordinator login and print it."""

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from visits.roles import coordinators_group


class Command(BaseCommand):
    help = "Create the demo coordinator login (password kept in var/demo-login.txt) and print it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="coordinator")
        parser.add_argument("--site", default=settings.SITE_URL + "/")
        parser.add_argument("--quiet", action="store_true", help="create the login without printing it")

    def handle(self, *args: Any, **options: Any) -> None:
        password_file = Path(settings.VAR_DIR) / "demo-login.txt"
        if password_file.exists():
            password = password_file.read_text().strip()
        else:
            password = secrets.token_urlsafe(12)
            password_file.parent.mkdir(exist_ok=True)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        user, _ = get_user_model().objects.get_or_create(
            username=options["username"], defaults={"email": f"{options['username']}@visitplan.example"}
        )
        user.is_staff = True  # the admin is part of the coordinator's toolbox
        if not user.check_password(password):
            # Only when it differs: a new hash would sign out everyone signed in as the demo user.
            user.set_password(password)
        user.save()
        user.groups.add(coordinators_group())
        if options["quiet"]:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login: {options['site']}  username: {user.get_username()}  password: {password}"
            )
        )
