"""What the panels of one client page share: read once per request, when a panel first needs it.

The client page builds one `ClientPage` and passes it to every panel (rattvag.clients.panels), so that
the cases, the consents and the other records are read once instead of once per panel that looks at them:
the process map (rattvag.followup.panels) builds its facts from the same reads the certificates, consent,
meetings and plans panels show. It lives for one request and is never cached beyond it. Nothing here is
audited: each panel logs what it shows, as before. Each read is the user's (a partner officer's consent-filtered,
as the panel's own read was).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.utils import timezone

from .models import Case, CaseStatus

if TYPE_CHECKING:
    from rattvag.accounts.models import User
    from rattvag.certificates.models import Certificate, SgiStatus
    from rattvag.consent.models import Consent, HealthcareRequest
    from rattvag.meetings.models import Meeting, SipVersion
    from rattvag.plans.models import Activity, Plan

    from .access import ClientAccess
    from .models import Client


def _newest_first(case: Case) -> tuple[datetime.date, int]:
    return case.opened_on, case.pk


@dataclass(eq=False)
class ClientPage:
    user: User
    client: Client
    access: ClientAccess
    today: datetime.date = field(default_factory=timezone.localdate)
    # The client's cases with unit, responsible and nurses, when the caller has read them already.
    loaded_cases: list[Case] | None = None

    @cached_property
    def cases(self) -> list[Case]:
        """Every case of the client, newest first (unit, responsible and nurses joined)."""
        if self.loaded_cases is not None:
            return self.loaded_cases
        from .selectors import cases_of_client

        return list(cases_of_client(client=self.client))

    @cached_property
    def open_cases(self) -> list[Case]:
        """The open cases, newest first (from `cases` when read, else one small query)."""
        if self.loaded_cases is not None:
            cases = [case for case in self.loaded_cases if case.status == CaseStatus.OPEN]
            return sorted(cases, key=_newest_first, reverse=True)
        return list(self.client.cases.filter(status=CaseStatus.OPEN).order_by("-opened_on", "-pk"))

    @cached_property
    def open_case(self) -> Case | None:
        """The newest open case in the acting unit, else the newest open case."""
        unit = self.access.acting_for.unit
        if unit is not None:
            in_unit = next((case for case in self.open_cases if case.unit_id == unit.pk), None)
            if in_unit is not None:
                return in_unit
        return self.open_cases[0] if self.open_cases else None

    @cached_property
    def cases_by_id(self) -> dict[int, Case]:
        return {case.pk: case for case in self.cases}

    @cached_property
    def consents(self) -> list[Consent]:
        """The consents the user sees (history included, newest first, purposes prefetched), with their
        partner and case: what the panels show of a consent (its status needs the case).

        Staff see every consent of the client; a partner officer those covering their organisation.
        """
        from rattvag.consent.selectors import consents_visible_in

        visible = consents_visible_in(user=self.user, client=self.client, access=self.access)
        # Only the partner joined: the case comes from the page's cases, and who recorded, withdrew or replaced
        # a consent is not shown (joining them doubled the time of this read).
        consents = list(visible.select_related(None).select_related("partner"))
        self._attach_cases(consents)
        return consents

    def _attach_cases(self, consents: list[Consent]) -> None:
        """Set each consent's case from the page's cases (a case not among them is read, in one query)."""
        missing = {c.case_id for c in consents if c.case_id is not None and c.case_id not in self.cases_by_id}
        others = Case.objects.in_bulk(missing) if missing else {}
        for consent in consents:
            if consent.case_id is not None:
                consent.case = self.cases_by_id.get(consent.case_id) or others[consent.case_id]

    # The records below are read through their apps' selectors, as the panels showing them read them before.

    @cached_property
    def certificates(self) -> list[Certificate]:
        """The client's certificates, newest first, with care unit, diagnoses and periods."""
        from rattvag.certificates.selectors import client_certificates

        return client_certificates(self.client)

    @cached_property
    def sgi_statuses(self) -> list[SgiStatus]:
        """The client's SGI statuses, newest first."""
        from rattvag.certificates.selectors import sgi_history

        return sgi_history(self.client)

    @cached_property
    def healthcare_requests(self) -> list[HealthcareRequest]:
        """The questions to healthcare the user sees, newest first, with their care unit."""
        from rattvag.consent.selectors import healthcare_requests_with_care_unit

        return healthcare_requests_with_care_unit(client=self.client, access=self.access, user=self.user)

    @cached_property
    def meetings(self) -> list[Meeting]:
        """The meetings the user sees, newest first, with every agreed action and who is responsible for it."""
        from rattvag.meetings.selectors import meetings_with_actions

        return meetings_with_actions(user=self.user, client=self.client, access=self.access)

    @cached_property
    def sip_versions(self) -> list[SipVersion]:
        """Every version of the SIP in force, highest number first (none when the user does not see SIPs)."""
        from rattvag.meetings.selectors import open_sip_versions

        return open_sip_versions(client=self.client, access=self.access)

    @cached_property
    def open_plans(self) -> list[Plan]:
        """The open plans with their versions, by kind."""
        from rattvag.plans.selectors import open_plans_with_versions

        return open_plans_with_versions(client=self.client)

    @cached_property
    def activities(self) -> list[Activity]:
        """Every activity of the client (ordered by their end first) with its type, plan and partner."""
        from rattvag.plans.selectors import activities_with_type

        return activities_with_type(client=self.client)
