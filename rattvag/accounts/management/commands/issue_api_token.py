"""python manage.py issue_api_token USERNAME: prints a new API token and nothing else."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from rattvag.accounts.models import User
from rattvag.accounts.tokens import api_token_issue


class Command(BaseCommand):
    help = "Issue a personal API token for a user. The token is printed once and never stored."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--language", choices=["sv", "en"], default="sv", help="language of the messages")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            user = User.objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(
                    _('There is no user "%(username)s".') % {"username": options["username"]}, returncode=1
                )
            if not user.is_active:
                raise CommandError(
                    _('The user "%(username)s" is deactivated.') % {"username": user.username}, returncode=1
                )
            _token, raw = api_token_issue(user=user)
        self.stdout.write(raw)
