"""Writes of clients, cases and temporary access. Each runs in a transaction and is audited."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rattvag.accounts.models import Role, Unit
from rattvag.audit.services import ActingFor, audit_log
from rattvag.core.concurrency import save_if_version
from rattvag.core.errors import Conflict, PermissionRefused
from rattvag.core.validation import date_range_errors, validate_text_length

from .access import client_access, may_take_temporary_access
from .models import AccessGrant, Case, CaseStatus, Client, Outcome
from .personal_numbers import parse_personal_number
from .selectors import may_edit_client

if TYPE_CHECKING:
    from rattvag.accounts.models import User

# The reason for temporary access is kept with the grant; the form allows the same length.
ACCESS_REASON_MAX_LENGTH = 1000

CLIENT_EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "protected_identity",
    "phone",
    "email",
    "street_address",
    "postal_code",
    "city",
)


def client_create(
    *,
    actor: User,
    unit: Unit,
    personal_number: str,
    first_name: str,
    last_name: str,
    opened_on: datetime.date | None = None,
    responsible: User | None = None,
    **details: object,
) -> Client:
    """Create a client and open a case for them in `unit`.

    Raises ValidationError for bad input and Conflict when the number already exists in the
    municipality.
    """
    if actor.role not in {Role.CASEWORKER, Role.UNIT_MANAGER} or not actor.units.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("You can only create clients in your own units.")})
    number = parse_personal_number(personal_number).normalised
    if opened_on is not None:
        errors = date_range_errors({"opened_on": opened_on})
        if errors:
            raise ValidationError(errors)
    unknown = set(details) - set(CLIENT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown client fields: {sorted(unknown)}")
    client = Client(
        municipality=unit.municipality,
        personal_number=number,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        **details,
    )
    client.full_clean(validate_unique=False, validate_constraints=False)
    if Client.objects.filter(municipality=unit.municipality, personal_number=number).exists():
        raise Conflict(_("A client with this personal identity number already exists in the municipality."))
    if responsible is None and actor.role == Role.CASEWORKER:
        responsible = actor
    try:
        with transaction.atomic():
            client.save()
            case = Case.objects.create(
                client=client, unit=unit, opened_on=opened_on or timezone.localdate(), responsible=responsible
            )
            acting = ActingFor(unit=unit)
            audit_log(actor=actor, action="client.created", client_id=client.pk, acting_for=acting, obj=client)
            audit_log(actor=actor, action="case.opened", client_id=client.pk, acting_for=acting, obj=case)
    except IntegrityError:
        # Two people registering the same number at the same moment.
        raise Conflict(_("A client with this personal identity number already exists in the municipality.")) from None
    return client


def client_update(*, actor: User, client: Client, expected_version: int | None = None, **changes: object) -> Client:
    """Change a client's details: only if nobody saved the client since `expected_version`.

    `expected_version` is the version the user's page (or API call) was loaded at; None means the version
    of `client` as the caller loaded it. Raises StaleVersion (a Conflict) when someone else saved in
    between, PermissionRefused when the actor sees the client but may not change it, ValidationError for
    bad input. Nothing is written when nothing changes.
    """
    access = client_access(actor, client)
    if access is None:
        raise Client.DoesNotExist
    if not may_edit_client(user=actor, client=client, access=access):
        raise PermissionRefused(_("You cannot change this client's details."))
    unknown = set(changes) - set(CLIENT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown client fields: {sorted(unknown)}")
    expected = client.version if expected_version is None else expected_version
    changed = [name for name, value in changes.items() if getattr(client, name) != value]
    for name in changed:
        setattr(client, name, changes[name])
    client.full_clean(validate_unique=False, validate_constraints=False)
    if not changed:
        return client
    with transaction.atomic():
        save_if_version(instance=client, expected_version=expected, changed_fields=changed)
        # Field names only: the values are personal data.
        audit_log(
            actor=actor,
            action="client.updated",
            client_id=client.pk,
            acting_for=access.acting_for,
            obj=client,
            data={"fields": sorted(changed), "version": client.version},
        )
    return client


def case_close(*, actor: User, case: Case, outcome: str, closed_on: datetime.date) -> Case:
    access = client_access(actor, case.client)
    if access is None:
        raise Case.DoesNotExist
    errors: dict[str, str] = {}
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("The case is already closed."))
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose an outcome.")
    if closed_on < case.opened_on:
        errors["closed_on"] = _("The case cannot close before it was opened.")
    if closed_on > timezone.localdate():
        errors["closed_on"] = _("The closing date cannot be in the future.")
    date_range_errors({"closed_on": closed_on}, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case.status = CaseStatus.CLOSED
        case.outcome = outcome
        case.closed_on = closed_on
        case.save(update_fields=["status", "outcome", "closed_on", "updated_at"])
        audit_log(
            actor=actor,
            action="case.closed",
            client_id=case.client_id,
            acting_for=access.acting_for,
            obj=case,
            data={"outcome": outcome},
        )
    return case


def end_of_working_day(moment: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(moment)
    return local.replace(hour=23, minute=59, second=59, microsecond=0)


def access_grant_create(*, actor: User, client: Client, reason: str) -> AccessGrant:
    """Break-the-glass: temporary access to a client outside the user's units, until the day ends."""
    reason = (reason or "").strip()
    if not may_take_temporary_access(actor):
        raise ValidationError(_("Your role cannot take temporary access."))
    if len(reason) < 10:
        raise ValidationError({"reason": _("State the reason for the access (at least 10 characters).")})
    try:
        validate_text_length(reason, limit=ACCESS_REASON_MAX_LENGTH)
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from None
    now = timezone.now()
    with transaction.atomic():
        grant = AccessGrant.objects.create(user=actor, client=client, reason=reason, expires_at=end_of_working_day(now))
        audit_log(
            actor=actor,
            action="access.break_glass",
            client_id=client.pk,
            acting_for=ActingFor(unit=actor.units.order_by("pk").first(), break_glass=True, outside_units=True),
            obj=grant,
            # The reason is free text about a person: kept in the grant, not in the event.
            data={"grant_id": grant.pk},
        )
    return grant


def case_assign_nurse(*, actor: User, case: Case, nurse: User) -> Case:
    """Assign a nurse of the case's unit; she then sees the client (see access.py)."""
    access = client_access(actor, case.client)
    if access is None or actor.role not in {Role.CASEWORKER, Role.UNIT_MANAGER}:
        raise Case.DoesNotExist
    if nurse.role != Role.NURSE or not nurse.units.filter(pk=case.unit_id).exists():
        raise ValidationError({"nurse": _("Choose a nurse of the case's unit.")})
    with transaction.atomic():
        case.nurses.add(nurse)
        audit_log(
            actor=actor,
            action="case.updated",
            client_id=case.client_id,
            acting_for=access.acting_for,
            obj=case,
            data={"fields": ["nurses"]},
        )
    return case
