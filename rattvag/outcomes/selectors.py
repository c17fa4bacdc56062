"""Reads of one client's ladder and questionnaires, the ladder configuration, and the report audit.

What a user may see of a client is decided by rattvag.clients.access; ladder and questionnaires are
for unit staff only (partner officers and statistics roles get 404). Reads of a client are audited.
The aggregated reports live in `rattvag.outcomes.reports`; `audit_report` records that one was seen.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import Http404

from rattvag.accounts.models import UNIT_STAFF_ROLES
from rattvag.audit.services import audit_log
from rattvag.clients.access import ClientAccess
from rattvag.clients.models import Client
from rattvag.clients.selectors import client_with_access

from .models import AssessedBy, LadderAssessment, LadderStep, LadderVersion, Questionnaire, QuestionnaireResponse
from .scope import Group, Period
from .services import may_write_for

if TYPE_CHECKING:
    from rattvag.accounts.models import Municipality, User


def may_read_for(user: User, access: ClientAccess | None) -> bool:
    """Unit staff who see the client (temporary access included); never partners."""
    return access is not None and user.role in UNIT_STAFF_ROLES and not access.is_partner


def client_for_outcomes(*, user: User, client_id: int, for_writing: bool = False) -> tuple[Client, ClientAccess]:
    """The client if the user may read (or, `for_writing`, record) ladder and questionnaires; else Http404.

    Not audited: the read or the write that follows is.
    """
    client, access = client_with_access(user=user, client_id=client_id)
    allowed = may_write_for(user, access) if for_writing else may_read_for(user, access)
    if not allowed:
        raise Http404
    return client, access


# --- the ladder configuration -------------------------------------------------------------------


def current_ladder_version(municipality: Municipality | None) -> LadderVersion | None:
    """The newest published version of the municipality's ladder, else of the project's default ladder."""
    published = LadderVersion.objects.filter(published=True).select_related("ladder").order_by("-number", "-pk")
    if municipality is not None:
        own = published.filter(ladder__municipality=municipality).first()
        if own is not None:
            return own
    return published.filter(ladder__municipality__isnull=True).order_by("ladder_id", "-number").first()


def ladder_steps(version: LadderVersion | None) -> list[LadderStep]:
    if version is None:
        return []
    return list(version.steps.order_by("number"))


def step_of(version: LadderVersion, number: int) -> LadderStep | None:
    return version.steps.filter(number=number).first()


def active_questionnaires() -> QuerySet[Questionnaire]:
    return Questionnaire.objects.filter(active=True).order_by("position", "code")


def questionnaire_with_questions(code: str) -> Questionnaire | None:
    return active_questionnaires().filter(code=code).prefetch_related("questions__scale__options").first()


# --- one client's ladder and questionnaires -------------------------------------------------------


def ladder_history(client: Client) -> list[LadderAssessment]:
    """Oldest first, with steps, versions and assessors (not audited: the caller audits the read)."""
    return list(
        LadderAssessment.objects.filter(client=client)
        .select_related("step", "step__version", "step__version__ladder", "assessor")
        .order_by("assessed_on", "pk")
    )


# One assessment on the client's ladder chart: (who assessed, as its label; the day; the step's number).
ChartPoint = tuple[str, datetime.date, int]


def ladder_chart_points(client: Client) -> tuple[list[ChartPoint], int | None]:
    """The client's assessments for the ladder chart, oldest first, and how many steps the ladder version of the
    latest one has (None without assessments). One query of plain values (not audited: the caller audits the read)."""
    steps_of_version = (
        LadderStep.objects.filter(version_id=OuterRef("step__version_id"))
        .order_by()
        .values("version_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = list(
        LadderAssessment.objects.filter(client=client)
        .annotate(version_steps=Subquery(steps_of_version))
        .order_by("assessed_on", "pk")
        .values_list("assessed_by", "assessed_on", "step__number", "version_steps")
    )
    labels = dict(AssessedBy.choices)
    points = [(str(labels.get(by, by)), on, number) for by, on, number, _steps in rows]
    return points, rows[-1][3] if rows else None


def questionnaire_responses_of(client: Client) -> list[QuestionnaireResponse]:
    """When the client answered which questionnaire, newest first. The answers themselves are not read here:
    they are the client's own views, used anonymously in reports."""
    return list(
        QuestionnaireResponse.objects.filter(client=client)
        .select_related("questionnaire")
        .order_by("-answered_on", "-pk")
    )


def client_outcomes_for(
    *, user: User, client: Client, access: ClientAccess, via: str = "web"
) -> tuple[list[LadderAssessment], list[QuestionnaireResponse]] | None:
    """The client's ladder history and questionnaire dates for the client page (audited); None for partners."""
    if not may_read_for(user, access):
        return None
    history = ladder_history(client)
    responses = questionnaire_responses_of(client)
    audit_log(
        actor=user,
        action="ladder.viewed",
        client_id=client.pk,
        acting_for=access.acting_for,
        obj=client,
        data={"via": via, "assessments": len(history)},
    )
    return history, responses


# --- reports ---------------------------------------------------------------------------------------


def audit_report(
    *, user: User, report: str, group: Group, period: Period, exported: str = "", via: str = "web"
) -> None:
    """One event per report seen or exported; aggregated figures, so no client is named."""
    data = {"report": report, "group": group.key, "from": period.start.isoformat(), "to": period.end.isoformat()}
    if exported:
        data["format"] = exported
    data["via"] = via
    audit_log(actor=user, action="report.exported" if exported else "report.viewed", data=data)
