from __future__ import annotations

import logging

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone

from rattvag.accounts.models import UNIT_STAFF_ROLES, Role

logger = logging.getLogger(__name__)

# How long (seconds) a background task may wait in the queue before /health reports the worker as behind.
DEFAULT_TASK_MAX_AGE = 15 * 60


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Unit staff start in their client list; every other role gets a page saying what it can do."""
    role = request.user.role  # type: ignore[union-attr]
    if role in {Role.CASEWORKER, Role.UNIT_MANAGER}:
        return redirect("followup:worklist")
    if role in UNIT_STAFF_ROLES:
        return redirect("clients:list")
    if role == Role.PARTNER_OFFICER and request.user.partner_id is not None:  # type: ignore[union-attr]
        return redirect("consent:partner_home")
    context = {"role": role, "Role": Role}
    return render(request, "core/home.html", context)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        logger.warning("Health check: the database does not answer")
        return "unavailable"
    return "ok"


def _migrations_status() -> tuple[str, int]:
    """("ok", 0), or ("pending", how many migrations are not applied), or ("unknown", 0)."""
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:  # noqa: BLE001 - a broken migration state is reported, not raised
        logger.warning("Health check: the migration state could not be read")
        return "unknown", 0
    return ("pending", len(plan)) if plan else ("ok", 0)


def _uses_database_task_backend() -> bool:
    if not apps.is_installed("django_tasks_db"):
        return False
    backends = getattr(settings, "TASKS", {}) or {}
    return any(str(options.get("BACKEND", "")).startswith("django_tasks_db.") for options in backends.values())


def _tasks_status() -> tuple[str, int | None]:
    """Background tasks: ("not configured", None) without the database task backend; else whether the
    oldest task waiting to run has waited longer than RATTVAG_HEALTH_TASK_MAX_AGE seconds."""
    if not _uses_database_task_backend():
        return "not configured", None
    try:
        from django_tasks_db.models import DBTaskResult, get_date_max

        oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", "run_after").first()
    except Exception:  # noqa: BLE001 - the queue could not be read
        logger.warning("Health check: the task queue could not be read")
        return "unknown", None
    if oldest is None:
        return "ok", 0
    enqueued_at, run_after = oldest
    waiting_since = enqueued_at if run_after == get_date_max() else max(enqueued_at, run_after)
    age = max(0, int((timezone.now() - waiting_since).total_seconds()))
    limit = int(getattr(settings, "RATTVAG_HEALTH_TASK_MAX_AGE", DEFAULT_TASK_MAX_AGE))
    return ("ok" if age <= limit else "delayed"), age


def health(request: HttpRequest) -> JsonResponse:
    """For monitoring: the database, the migrations and the task queue. 200 when all are well, else 503.

    Reachable without login; the answer holds states and counts only. When the database is down the
    other checks cannot run and say "unknown".
    """
    database = _database_status()
    if database == "ok":
        migrations, pending = _migrations_status()
        tasks, task_age = _tasks_status()
    else:
        migrations, pending, tasks, task_age = "unknown", 0, "unknown", None
    healthy = database == "ok" and migrations == "ok" and tasks in {"ok", "not configured"}
    body: dict[str, object] = {
        "status": "ok" if healthy else "unhealthy",
        "database": database,
        "migrations": migrations,
        "tasks": tasks,
    }
    if pending:
        body["pending_migrations"] = pending
    if task_age is not None:
        body["oldest_task_age_seconds"] = task_age
    response = JsonResponse(body, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: the context processors need the database, which may be what failed.
    return HttpResponseServerError(loader.get_template("core/500.html").render({}))
