"""python manage.py seed_demo_outcomes: fictional ladder assessments and questionnaire answers for the demo."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from rattvag.outcomes.demo import seed_demo_outcomes


class Command(BaseCommand):
    help = "Add fictional ladder assessments and questionnaire answers to the demo clients (run after seed_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = seed_demo_outcomes()
        if result.created:
            self.stdout.write(
                _("%(assessments)d ladder assessments and %(responses)d questionnaire responses added.")
                % {"assessments": result.assessments, "responses": result.responses}
            )
        else:
            self.stdout.write(_("Nothing added: no demo clients, or they already have ladder assessments."))
