"""`manage.py api_token USER`: print the user's API token, creating it if they have none."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rest_framework.authtoken.models import Token

from visits.access import is_coordinator


class Command(BaseCommand):
    help = "Print the API token of a coordinator (a staff user), creating it if they have none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--renew", action="store_true", help="Replace the user's token with a new one.")

    def handle(self, *args: Any, username: str, renew: bool, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}. Create the coordinator in the admin first.")
        if not is_coordinator(user):
            raise CommandError(
                f"{username!r} is not an active staff user, so the API would refuse the token. "
                "Coordinators are staff: tick 'Staff status' in the admin."
            )
        if renew:
            Token.objects.filter(user=user).delete()
        token, _created = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
