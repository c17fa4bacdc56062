"""A router as another app contributes it: mounted at "", declaring its own full paths."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from rattvag.api.auth import request_user
from rattvag.core.errors import PermissionRefused

router = Router(tags=["contributed"])


class EchoIn(Schema):
    number: int


class EchoOut(Schema):
    number: int
    username: str


@router.post("/clients/{client_id}/echo", response={200: EchoOut})
def echo(request: HttpRequest, client_id: int, payload: EchoIn) -> dict[str, object]:
    if payload.number < 0:
        raise PermissionRefused("Negative numbers need consent.")
    return {"number": payload.number, "username": request_user(request).username}
