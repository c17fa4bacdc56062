"""The register extract (registerutdrag) of one client: a page, the PDF and the JSON.

Unit managers and caseworkers of the client's unit reach these; everyone else gets 404. The page is
a read of the client (`client.viewed`); each download is `client.exported`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, cast

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rattvag.audit.services import audit_log

from .pdf import register_extract_pdf
from .selectors import client_for_extract, register_extract_for

if TYPE_CHECKING:
    from rattvag.accounts.models import User


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _download(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def extract_page(request: HttpRequest, client_id: int) -> HttpResponse:
    user = _user(request)
    client, access = client_for_extract(user=user, client_id=client_id)
    audit_log(
        actor=user,
        action="client.viewed",
        client_id=client.pk,
        acting_for=access.acting_for,
        obj=client,
        data={"via": "register_extract"},
    )
    return render(request, "dsr/extract_page.html", {"client": client})


@require_GET
@login_required
def extract_pdf(request: HttpRequest, client_id: int) -> HttpResponse:
    extract = register_extract_for(user=_user(request), client_id=client_id, output="pdf")
    filename = _("register-extract-client-%(id)s.pdf") % {"id": client_id}
    return _download(HttpResponse(register_extract_pdf(extract), content_type="application/pdf"), filename)


@require_GET
@login_required
def extract_json(request: HttpRequest, client_id: int) -> HttpResponse:
    extract = register_extract_for(user=_user(request), client_id=client_id, output="json")
    body = json.dumps(extract.as_json(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    filename = _("register-extract-client-%(id)s.json") % {"id": client_id}
    return _download(HttpResponse(body, content_type="application/json; charset=utf-8"), filename)
