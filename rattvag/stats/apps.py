from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "rattvag.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        checks.register(check_suppression_threshold, checks.Tags.security)


def check_suppression_threshold(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The small-cell threshold comes from settings and is refused below 3 at start-up."""
    from django.core.exceptions import ImproperlyConfigured

    from .suppression import default_rule

    try:
        default_rule()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), hint="Set RATTVAG_SUPPRESSION_THRESHOLD to 3 or more.", id="stats.E001")]
    return []
