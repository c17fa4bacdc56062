from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader

from rattvag.accounts.models import UNIT_STAFF_ROLES, Role


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


def health(request: HttpRequest) -> JsonResponse:
    """For monitoring: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unhealthy", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: the context processors need the database, which may be what failed.
    return HttpResponseServerError(loader.get_template("core/500.html").render({}))
