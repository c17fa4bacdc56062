"""The ladder and questionnaire panel on the client page (registered in rattvag.clients.panels.CLIENT_PANELS)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from .forms import LadderAssessmentForm, TabletCodeForm
from .selectors import active_questionnaires, client_outcomes_for, current_ladder_version, ladder_steps
from .services import may_write_for

if TYPE_CHECKING:
    from django.http import HttpRequest

    from rattvag.accounts.models import User
    from rattvag.clients.access import ClientAccess
    from rattvag.clients.models import Client


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
