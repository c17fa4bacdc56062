"""python manage.py provision FILE.json: organisations and users from one declarative file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from rattvag.accounts.models import Municipality, Partner, Unit, User
from rattvag.accounts.provisioning import ProvisioningError, load_provisioning_file, provision

_MODELS = {"municipalities": Municipality, "units": Unit, "partners": Partner, "users": User}


class Command(BaseCommand):
    help = "Create or update municipalities, units, partner organisations and users from a JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the JSON file (see docs/provisioning.md)")
        parser.add_argument("--language", choices=["sv", "en"], default="sv", help="language of the messages")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            try:
                result = provision(data=load_provisioning_file(options["file"]))
            except ProvisioningError as exc:
                for message in exc.errors:
                    self.stderr.write(message)
                raise CommandError(
                    _("The file has %(count)d problem(s); nothing was changed.") % {"count": len(exc.errors)},
                    returncode=1,
                ) from None
            for name, counts in result.by_kind():
                kind = capfirst(str(_MODELS[name]._meta.verbose_name_plural))
                self.stdout.write(
                    _("%(kind)s: %(created)d created, %(updated)d updated")
                    % {"kind": kind, "created": counts.created, "updated": counts.updated}
                )
