"""The ladder and questionnaire panel on the client page (registered in rattvag.clients.panels.CLIENT_PANELS)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db.models import Q

from .forms import LadderAssessmentForm, TabletCodeForm
from .models import LadderVersion
from .selectors import active_questionnaires, client_outcomes_for, ladder_steps
from .services import may_write_for

if TYPE_CHECKING:
    from django.http import HttpRequest

    from rattvag.accounts.models import Municipality, User
    from rattvag.clients.access import ClientAccess
    from rattvag.clients.models import Client


def current_ladder_version(municipality: Municipality | None) -> LadderVersion | None:
    """`selectors.current_ladder_version` in one query: the newest published version of the municipality's
    ladder, else of the project's default ladder (the default ladders' published versions are few)."""
    own = Q(ladder__municipality=municipality) if municipality is not None else Q(pk__in=[])
    versions = list(
        LadderVersion.objects.filter(own | Q(ladder__municipality__isnull=True), published=True).select_related(
            "ladder"
        )
    )
    owned = [v for v in versions if v.ladder.municipality_id is not None]
    if owned:
        return max(owned, key=lambda v: (v.number, v.pk))
    defaults = [v for v in versions if v.ladder.municipality_id is None]
    return min(defaults, key=lambda v: (v.ladder_id, -v.number)) if defaults else None


def client_panel(request: HttpRequest, client: Client, access: ClientAccess) -> dict[str, Any] | None:
    """The ladder over time (chart and table), the assessment form, and the questionnaires; unit staff only."""
    user = cast("User", request.user)
    result = client_outcomes_for(user=user, client=client, access=access, via="panel")
    if result is None:
        return None
    history, responses = result
    version = current_ladder_version(client.municipality)
    steps = ladder_steps(version)
    staff = may_write_for(user, access)
    questionnaires = list(active_questionnaires()) if staff else []
    return {
        "template": "outcomes/_panel.html",
        "context": {
            "history": list(reversed(history)),
            "has_history": bool(history),
            "responses": responses,
            "version": version,
            "steps": steps,
            "staff": staff,
            "ladder_form": LadderAssessmentForm(steps=steps, prefix="ladder") if staff and steps else None,
            "questionnaires": questionnaires,
            "tablet_form": TabletCodeForm(questionnaires=questionnaires) if questionnaires else None,
        },
    }
