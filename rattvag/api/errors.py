"""One error format for the whole API: {"message": ..., "errors": [{"field": ..., "message": ...}]}.

Every exception that can reach the API boundary is turned into that body here, in the language
of the request (LocaleMiddleware has already activated it). Routers contributed by other apps
get the same handling because the handlers are registered on the one NinjaAPI instance.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core import signals
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import pgettext
from django.views import defaults
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from rattvag.core.errors import Conflict, PermissionRefused

logger = logging.getLogger(__name__)

# Where a value comes from in ninja's error locations; never part of the field name we report.
_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})
# The name every route gives its JSON body parameter (`def create(request, payload: ThingIn)`).
BODY_PARAM = "payload"


class FieldError(Schema):
    field: str | None = None
    message: str


class ErrorOut(Schema):
    """The body of every error response. `field` is a dotted path, or null for the request as a whole."""

    message: str
    errors: list[FieldError] = []


class CsrfFailed(HttpError):
    """A session-authenticated unsafe request without a valid CSRF token."""

    def __init__(self) -> None:
        super().__init__(status_code=403, message="CSRF check failed")


def error_body(message: str, errors: Iterable[tuple[str | None, str]] = ()) -> dict[str, Any]:
    return {"message": message, "errors": [{"field": field, "message": text} for field, text in errors]}


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's answer to a request it refuses before any view (a Host header it does not serve, a malformed one):
    under /api/ the API's error body, so that programs get JSON from every answer; elsewhere Django's own page
    (the site's templates would ask the refused request for its host again)."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(pgettext("api", "The request could not be handled.")), status=400)
    return defaults.bad_request(request, exception)  # type: ignore[arg-type]


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """For a route's `response=`: declares ErrorOut for each status so the OpenAPI document is complete."""
    return dict.fromkeys(statuses, ErrorOut)


# --- request validation (pydantic, via ninja) -------------------------------------------------


def field_of(loc: Sequence[Any]) -> str | None:
    """The dotted field name of a ninja error location: ("body", "payload", "cases", 0, "unit") → "cases.0.unit"."""
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        # ninja nests a body schema under its parameter name; every route here calls it `payload`.
        if source == "body" and parts and parts[0] == BODY_PARAM:
            parts.pop(0)
    return ".".join(str(p) for p in parts) or None


def pydantic_message(error: Mapping[str, Any]) -> str:
    """A short message for one pydantic error, in the active language."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return pgettext("api", "This field is required.")
    if kind == "extra_forbidden":
        return pgettext("api", "Unknown field.")
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return pgettext("api", "Expected a JSON object.")
    if kind in {"greater_than_equal", "greater_than"}:
        limit = ctx.get("ge", ctx.get("gt"))
        return pgettext("api", "The value must be at least %(limit)s.") % {"limit": limit}
    if kind in {"less_than_equal", "less_than"}:
        limit = ctx.get("le", ctx.get("lt"))
        return pgettext("api", "The value must be at most %(limit)s.") % {"limit": limit}
    if kind == "string_too_long":
        return pgettext("api", "The value is too long (at most %(limit)s characters).") % {
            "limit": ctx.get("max_length")
        }
    if kind == "string_too_short":
        return pgettext("api", "This field is required.")
    return pgettext("api", "Invalid value.")


def _validation_error(request: HttpRequest, exc: NinjaValidationError, api: NinjaAPI) -> HttpResponse:
    errors = [(field_of(e.get("loc", ())), pydantic_message(e)) for e in exc.errors]
    return api.create_response(
        request, error_body(pgettext("api", "The request contains invalid data."), errors), status=422
    )


# --- errors raised by services and selectors ---------------------------------------------------


def django_validation_errors(exc: DjangoValidationError) -> list[tuple[str | None, str]]:
    if hasattr(exc, "error_dict"):
        return [
            (None if field == NON_FIELD_ERRORS else field, str(message))
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [(None, str(message)) for message in exc.messages]


def _django_validation_error(request: HttpRequest, exc: DjangoValidationError, api: NinjaAPI) -> HttpResponse:
    return api.create_response(
        request,
        error_body(pgettext("api", "The request contains invalid data."), django_validation_errors(exc)),
        status=422,
    )


def _conflict(request: HttpRequest, exc: Conflict, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, error_body(str(exc.message)), status=409)


def _permission_refused(request: HttpRequest, exc: PermissionRefused, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, error_body(str(exc.message)), status=403)


def _not_found(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    # Deliberately the same answer whether the object is missing or not visible to this user.
    return api.create_response(request, error_body(pgettext("api", "Not found.")), status=404)


def _authentication(request: HttpRequest, exc: AuthenticationError, api: NinjaAPI) -> HttpResponse:
    response = api.create_response(
        request,
        error_body(pgettext("api", "Authentication required: send a personal API token or log in.")),
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _csrf_failed(request: HttpRequest, exc: CsrfFailed, api: NinjaAPI) -> HttpResponse:
    return api.create_response(
        request,
        error_body(pgettext("api", "CSRF check failed: send the X-CSRFToken header with a session.")),
        status=403,
    )


def _http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        # ninja's body parser failed: the body is not JSON (or not UTF-8).
        message = pgettext("api", "The request body is not valid JSON.")
    elif exc.status_code == 429:
        message = pgettext("api", "Too many requests. Try again later.")
    else:
        # Raised on purpose by a route (`raise HttpError(status, message)`): its message stands.
        message = str(exc.message) or pgettext("api", "The request could not be handled.")
    return api.create_response(request, error_body(message), status=exc.status_code)


def _unexpected(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    # Logged without the request body or query string: they may hold personal data.
    logger.error("Unhandled error in API %s %s", request.method, request.path, exc_info=exc)
    # Let Django's machinery (and the test client) know, as for any view that raised.
    signals.got_request_exception.send(sender=None, request=request)
    return api.create_response(request, error_body(pgettext("api", "An unexpected error occurred.")), status=500)


def install_exception_handlers(api: NinjaAPI) -> None:
    """Register every handler on `api`; the most specific class wins (ninja looks up the MRO)."""

    def bind(handler: Any) -> Any:
        return lambda request, exc: handler(request, exc, api)

    api.add_exception_handler(NinjaValidationError, bind(_validation_error))
    api.add_exception_handler(DjangoValidationError, bind(_django_validation_error))
    api.add_exception_handler(Conflict, bind(_conflict))
    api.add_exception_handler(PermissionRefused, bind(_permission_refused))
    api.add_exception_handler(Http404, bind(_not_found))
    api.add_exception_handler(ObjectDoesNotExist, bind(_not_found))
    api.add_exception_handler(AuthenticationError, bind(_authentication))
    api.add_exception_handler(CsrfFailed, bind(_csrf_failed))
    api.add_exception_handler(HttpError, bind(_http_error))
    api.add_exception_handler(Exception, bind(_unexpected))
