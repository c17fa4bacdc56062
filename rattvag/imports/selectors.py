"""Reads of import jobs. A job holds no client data (counts and line-level errors only), but only
its creator and the unit's managers see it; anyone else gets 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from rattvag.accounts.models import Role, Unit

from .models import ImportJob
from .services import IMPORT_ROLES

if TYPE_CHECKING:
    from rattvag.accounts.models import User


def units_for_import(*, user: User) -> QuerySet[Unit]:
    """The units the user may import into: their own, for caseworkers and unit managers."""
    if not user.is_authenticated or not user.is_active or user.role not in IMPORT_ROLES:
        return Unit.objects.none()
    return user.units.select_related("municipality").order_by("name", "pk")


def import_jobs_for(*, user: User) -> QuerySet[ImportJob]:
    """Jobs the user started, and for unit managers every job of their units."""
    if not user.is_authenticated or not user.is_active:
        return ImportJob.objects.none()
    visible = Q(created_by=user)
    if user.role == Role.UNIT_MANAGER:
        visible |= Q(unit__in=user.units.all())
    return ImportJob.objects.filter(visible).select_related("unit", "created_by").order_by("-created_at", "-pk")


def import_job_get_for(*, user: User, job_id: int) -> ImportJob:
    job = import_jobs_for(user=user).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job
