"""Writes of plans (every save a new version) and activities. Each writes its audit event."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rattvag.audit.services import ActingFor, audit_log
from rattvag.clients.models import Client
from rattvag.core.concurrency import save_if_version
from rattvag.core.errors import Conflict, StaleVersion
from rattvag.core.validation import date_range_errors, text_length_errors
from rattvag.meetings.permissions import open_case_for, staff_access

from .models import (
    Activity,
    ActivityResult,
    ActivityType,
    AgreementForm,
    ContactFrequency,
    Plan,
    PlanKind,
    PlanVersion,
)

if TYPE_CHECKING:
    from rattvag.accounts.models import Partner, User


def _clean(value: str) -> str:
    """Stripped text. Lengths are checked before (never cut: a cut plan loses what was written)."""
    return (value or "").strip()


@dataclass(frozen=True)
class PlanData:
    """The content of one plan version. Active plan: goals, steps, responsible, dates, follow-up.
    Contact plan: contact_frequency and contact_how. Both: care plan reference and agreement."""

    goals: str = ""
    steps: str = ""
    responsible: str = ""
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    follow_up_on: datetime.date | None = None
    contact_frequency: str = ""
    contact_how: str = ""
    care_plan_reference: str = ""
    care_plan_dated: datetime.date | None = None
    agreed_on: datetime.date | None = None
    agreed_how: str = ""
    change_note: str = ""


def _validate_plan(kind: str, data: PlanData) -> dict[str, str]:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if kind == PlanKind.ACTIVE:
        if not data.goals.strip():
            errors["goals"] = _("Write the goals of the plan.")
        if data.follow_up_on is None:
            errors["follow_up_on"] = _("Enter when the plan is followed up.")
        if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
            errors["ends_on"] = _("The plan cannot end before it starts.")
    elif kind == PlanKind.CONTACT:
        if data.contact_frequency not in ContactFrequency.values:
            errors["contact_frequency"] = _("Choose how often you meet.")
        elif data.contact_frequency == ContactFrequency.OTHER and not data.contact_how.strip():
            errors["contact_how"] = _("Describe how often and how you meet.")
    else:
        errors["kind"] = _("Choose the kind of plan.")
    if data.agreed_how and data.agreed_how not in AgreementForm.values:
        errors["agreed_how"] = _("Choose how the client agreed.")
    if data.agreed_on is not None and not data.agreed_how:
        errors["agreed_how"] = _("Say how the client agreed to the plan.")
    if data.agreed_how and data.agreed_on is None:
        errors["agreed_on"] = _("Enter when the client agreed to the plan.")
    if data.agreed_on is not None and data.agreed_on > today:
        errors["agreed_on"] = _("The date cannot be in the future.")
    if data.care_plan_dated is not None and not data.care_plan_reference.strip():
        errors["care_plan_reference"] = _("Say which care and treatment plan the date belongs to.")
    date_range_errors(
        {
            "starts_on": data.starts_on,
            "ends_on": data.ends_on,
            "follow_up_on": data.follow_up_on,
            "care_plan_dated": data.care_plan_dated,
            "agreed_on": data.agreed_on,
        },
        errors,
    )
    text_length_errors({"goals": data.goals, "steps": data.steps, "contact_how": data.contact_how}, errors)
    text_length_errors(
        {
            "responsible": data.responsible.strip(),
            "care_plan_reference": data.care_plan_reference.strip(),
            "change_note": data.change_note.strip(),
        },
        errors,
        limit=300,
    )
    return errors


def _version(plan: Plan, number: int, actor: User, data: PlanData) -> PlanVersion:
    active = plan.kind == PlanKind.ACTIVE
    return PlanVersion(
        plan=plan,
        number=number,
        created_by=actor,
        goals=_clean(data.goals) if active else "",
        steps=_clean(data.steps) if active else "",
        responsible=_clean(data.responsible) if active else "",
        starts_on=data.starts_on if active else None,
        ends_on=data.ends_on if active else None,
        follow_up_on=data.follow_up_on if active else None,
        contact_frequency="" if active else data.contact_frequency,
        contact_how="" if active else _clean(data.contact_how),
        care_plan_reference=_clean(data.care_plan_reference),
        care_plan_dated=data.care_plan_dated,
        agreed_on=data.agreed_on,
        agreed_how=data.agreed_how,
        change_note=_clean(data.change_note),
    )


def _log_version(actor: User, plan: Plan, version: PlanVersion, acting_for: ActingFor) -> None:
    audit_log(
        actor=actor,
        action="plan.version_saved",
        client_id=plan.client_id,
        acting_for=acting_for,
        obj=version,
        data={"plan_id": plan.pk, "kind": plan.kind, "number": version.number, "agreed": version.agreed_on is not None},
    )


def plan_create(*, actor: User, client: Client, kind: str, data: PlanData) -> PlanVersion:
    """Write a new plan (its first version). A client has one open plan of each kind: revise that one instead."""
    access = staff_access(actor, client)
    errors = _validate_plan(kind, data)
    if errors:
        raise ValidationError(errors)
    if Plan.objects.filter(client=client, kind=kind, ended_on__isnull=True).exists():
        raise Conflict(_("The client already has a plan of this kind. Save a new version of it instead."))
    try:
        with transaction.atomic():
            plan = Plan(client=client, case=open_case_for(client, access), kind=kind, created_by=actor)
            plan.full_clean(validate_constraints=False)
            plan.save()
            version = _version(plan, 1, actor, data)
            version.full_clean()
            version.save()
            audit_log(
                actor=actor,
                action="plan.created",
                client_id=client.pk,
                acting_for=access.acting_for,
                obj=plan,
                data={"kind": kind},
            )
            _log_version(actor, plan, version, access.acting_for)
    except IntegrityError:
        raise Conflict(_("The client already has a plan of this kind. Save a new version of it instead.")) from None
    return version


# The content of a plan version, compared to tell what changed between two versions.
PLAN_CONTENT_FIELDS = (
    "goals",
    "steps",
    "responsible",
    "starts_on",
    "ends_on",
    "follow_up_on",
    "contact_frequency",
    "contact_how",
    "care_plan_reference",
    "care_plan_dated",
    "agreed_on",
    "agreed_how",
)


def plan_changed_fields(older: PlanVersion | None, newer: PlanVersion) -> list[str]:
    if older is None:
        return list(PLAN_CONTENT_FIELDS)
    return [name for name in PLAN_CONTENT_FIELDS if getattr(older, name) != getattr(newer, name)]


def _refuse_if_newer(plan: Plan, based_on: int) -> None:
    """StaleVersion when the plan's current version is not the one numbered `based_on`."""
    versions = list(plan.versions.select_related("created_by").order_by("-number"))
    current = versions[0]
    if current.number == based_on:
        return
    older = next((v for v in versions if v.number == based_on), None)
    raise StaleVersion(
        current=current,
        changed_fields=plan_changed_fields(older, current),
        changed_by=current.created_by,
        changed_at=current.created_at,
        message=_("Someone else has saved a newer version of the plan since you opened it. Yours has not been saved."),
    )


def plan_revise(*, actor: User, plan: Plan, data: PlanData, based_on: int | None = None) -> PlanVersion:
    """Save a new version of an open plan; earlier versions stay as they were.

    `based_on` is the number of the version the user started from; when a newer version has been saved
    since, StaleVersion names the fields it changed and nothing is saved. None skips the check (the save
    is still serialised by the lock on the plan).
    """
    access = staff_access(actor, plan.client)
    if plan.ended_on is not None:
        raise Conflict(_("The plan has ended. Write a new plan instead."))
    errors = _validate_plan(plan.kind, data)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            locked = Plan.objects.select_for_update().get(pk=plan.pk)
            if locked.ended_on is not None:
                raise Conflict(_("The plan has ended. Write a new plan instead."))
            if based_on is not None:
                _refuse_if_newer(locked, based_on)
            number = (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version = _version(locked, number, actor, data)
            version.full_clean()
            version.save()
            _log_version(actor, locked, version, access.acting_for)
    except IntegrityError:
        raise Conflict(_("Someone else saved the plan at the same moment. Reload and try again.")) from None
    return version


def plan_end(*, actor: User, plan: Plan, ended_on: datetime.date | None = None) -> Plan:
    """End a plan (it stays in the history with its versions)."""
    access = staff_access(actor, plan.client)
    ended_on = ended_on or timezone.localdate()
    if plan.ended_on is not None:
        raise Conflict(_("The plan has already ended."))
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The date cannot be in the future.")})
    errors = date_range_errors({"ended_on": ended_on})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        updated = Plan.objects.filter(pk=plan.pk, ended_on__isnull=True).update(
            ended_on=ended_on, updated_at=timezone.now()
        )
        if not updated:
            raise Conflict(_("The plan has already ended."))
        plan.refresh_from_db()
        audit_log(
            actor=actor,
            action="plan.ended",
            client_id=plan.client_id,
            acting_for=access.acting_for,
            obj=plan,
            data={"kind": plan.kind},
        )
    return plan


# --- Activities ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityData:
    type: ActivityType | None
    plan: Plan | None = None
    partner: Partner | None = None
    planned_on: datetime.date | None = None
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = None
    result: str = ""
    result_note: str = ""
    note: str = ""


def _validate_activity(client: Client, data: ActivityData, *, current_type_id: int | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if data.type is None:
        errors["type"] = _("Choose the activity.")
    elif not data.type.is_active and data.type.pk != current_type_id:
        errors["type"] = _("This activity is no longer in the catalogue.")
    if data.plan is not None and data.plan.client_id != client.pk:
        errors["plan"] = _("Choose one of the client's plans.")
    if data.started_on is not None and data.started_on > today:
        errors["started_on"] = _("The date cannot be in the future.")
    if data.ended_on is not None:
        if data.ended_on > today:
            errors["ended_on"] = _("The date cannot be in the future.")
        elif data.started_on is not None and data.ended_on < data.started_on:
            errors["ended_on"] = _("The activity cannot end before it started.")
    if data.result and data.result not in ActivityResult.values:
        errors["result"] = _("Choose the result.")
    elif data.result and data.ended_on is None:
        errors["result"] = _("Enter the end date before the result.")
    elif data.ended_on is not None and not data.result:
        errors["result"] = _("Choose the result of the ended activity.")
    if data.planned_on is None and data.started_on is None:
        errors["planned_on"] = _("Enter when the activity is planned to start, or when it started.")
    date_range_errors({"planned_on": data.planned_on, "started_on": data.started_on, "ended_on": data.ended_on}, errors)
    text_length_errors({"result_note": data.result_note, "note": data.note}, errors)
    return errors


def _apply_activity(activity: Activity, data: ActivityData) -> None:
    assert data.type is not None
    activity.type = data.type
    activity.plan = data.plan
    activity.partner = data.partner
    activity.planned_on = data.planned_on
    activity.started_on = data.started_on
    activity.ended_on = data.ended_on
    activity.result = data.result
    activity.result_note = _clean(data.result_note)
    activity.note = _clean(data.note)


def _activity_event_data(activity: Activity) -> dict[str, object]:
    return {
        "type": activity.type.code,
        "plan_id": activity.plan_id,
        "partner_id": activity.partner_id,
        "status": str(activity.status),
        "result": activity.result,
    }


def activity_register(*, actor: User, client: Client, data: ActivityData) -> Activity:
    """Register an activity from the catalogue for the client."""
    access = staff_access(actor, client)
    errors = _validate_activity(client, data)
    if errors:
        raise ValidationError(errors)
    activity = Activity(client=client, case=open_case_for(client, access), created_by=actor)
    _apply_activity(activity, data)
    activity.full_clean()
    with transaction.atomic():
        activity.save()
        audit_log(
            actor=actor,
            action="activity.registered",
            client_id=client.pk,
            acting_for=access.acting_for,
            obj=activity,
            data=_activity_event_data(activity),
        )
    return activity


# Everything the activity form changes (field names go into the audit event, never the values).
_ACTIVITY_FIELDS = (
    "type_id",
    "plan_id",
    "partner_id",
    "planned_on",
    "started_on",
    "ended_on",
    "result",
    "result_note",
    "note",
)


def activity_update(
    *, actor: User, activity: Activity, data: ActivityData, expected_version: int | None = None
) -> Activity:
    """Record that an activity started or ended, its result, or change its details.

    Only if nobody saved the activity since `expected_version` (the version the user's page was loaded at;
    None: as `activity` was loaded): else StaleVersion, and nothing is written.
    """
    access = staff_access(actor, activity.client)
    expected = activity.version if expected_version is None else expected_version
    errors = _validate_activity(activity.client, data, current_type_id=activity.type_id)
    if errors:
        raise ValidationError(errors)
    before = {f: getattr(activity, f) for f in _ACTIVITY_FIELDS}
    _apply_activity(activity, data)
    activity.full_clean()
    changed = sorted(f.removesuffix("_id") for f, value in before.items() if getattr(activity, f) != value)
    if not changed:
        return activity
    with transaction.atomic():
        save_if_version(instance=activity, expected_version=expected, changed_fields=changed)
        audit_log(
            actor=actor,
            action="activity.updated",
            client_id=activity.client_id,
            acting_for=access.acting_for,
            obj=activity,
            data={**_activity_event_data(activity), "changed": changed, "version": activity.version},
        )
    return activity
