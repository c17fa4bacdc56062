"""The meetings and SIP panel on the client page (registered in rattvag.clients.panels.CLIENT_PANELS).

The client page has audited the read of the client; the panel does not log again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.utils import timezone

from rattvag.clients.page import ClientPage
from rattvag.consent.models import ConsentPurpose

from .models import MeetingStatus
from .permissions import may_write, shows_sip
from .selectors import MeetingsPanel, sip_follow_up_overdue, sip_panel

if TYPE_CHECKING:
    from django.http import HttpRequest

    from rattvag.accounts.models import User
    from rattvag.clients.access import ClientAccess
    from rattvag.clients.models import Client

PAST_SHOWN = 5


def meetings_panel(*, page: ClientPage, past_limit: int = PAST_SHOWN) -> MeetingsPanel:
    """Upcoming and recent meetings and the open agreed actions, sorted for the panel, from the page's meetings
    (read without the participants and organisers, which the panel does not show)."""
    panel = MeetingsPanel()
    now = timezone.now()
    for meeting in page.meetings:
        if meeting.status == MeetingStatus.PLANNED and meeting.starts_at >= now:
            panel.upcoming.append(meeting)
        elif len(panel.past) < past_limit:
            panel.past.append(meeting)
        panel.open_actions.extend(a for a in meeting.agreed_actions.all() if a.done_on is None)
    panel.upcoming.reverse()  # soonest first
    panel.open_actions.sort(key=lambda a: (a.due_on is None, a.due_on, a.pk))
    return panel


def has_sip_consent(page: ClientPage) -> bool:
    """A consent valid today covers a SIP (as `services.has_sip_consent`), from the page's consents. For staff
    only: they see every consent of the client."""
    return any(ConsentPurpose.SIP in c.purposes and c.is_valid_on(page.today) for c in page.consents)


def client_panel(
    request: HttpRequest, client: Client, access: ClientAccess, page: ClientPage | None = None
) -> dict[str, Any] | None:
    """Upcoming and earlier meetings, open agreed actions and the SIP's status."""
    user = cast("User", request.user)
    if not access.shows("meetings") and not shows_sip(access):
        return None
    page = page or ClientPage(user=user, client=client, access=access)
    writer = may_write(user, access)
    sip_version = sip_panel(client=client, access=access, versions=page.sip_versions)
    return {
        "template": "meetings/_panel.html",
        "context": {
            "panel": meetings_panel(page=page) if access.shows("meetings") else None,
            "show_sip": shows_sip(access),
            "sip_version": sip_version,
            "sip_overdue": sip_follow_up_overdue(sip_version, page.today),
            "sip_consent": has_sip_consent(page) if writer else True,
            "may_write": writer,
        },
    }
