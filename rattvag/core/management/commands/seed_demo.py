"""python manage.py seed_demo: fictional demo data, once; prints the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from rattvag.accounts.models import Role, User
from rattvag.core.demo import DemoLogin, seed_demo


class Command(BaseCommand):
    help = "Create the fictional demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--language", choices=["sv", "en"], default="sv", help="language of the messages")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            result = seed_demo()
            if result.created:
                self.stdout.write(_("Demo data created: %(count)d fictional clients.") % {"count": result.clients})
            else:
                self.stdout.write(_("Demo data already present; nothing was added."))
            self.stdout.write("")
            self.stdout.write(_login_table(result.logins))


def _login_table(logins: list[DemoLogin]) -> str:
    fields = [User._meta.get_field(name) for name in ("username", "role", "password")]
    header = [capfirst(str(getattr(field, "verbose_name", field.name))) for field in fields]
    rows = [header] + [[login.username, str(Role(login.role).label), login.password] for login in logins]
    widths = [max(len(row[col]) for row in rows) for col in range(3)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
