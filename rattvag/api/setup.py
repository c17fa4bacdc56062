"""The one NinjaAPI instance, mounted at /api/v1/ by config/urls.py (through config/api.py).

Routers come from two places:
- ROUTERS: the API app's own routers, as (prefix, "module:attribute");
- every installed app `rattvag.<app>` with a module `rattvag.<app>.api` that defines `router`:
  mounted at "", so the router declares its full paths (e.g. "/clients/{client_id}/certificates").
Every operation gets the same authentication (api/auth.py) and error format (api/errors.py).
Contributed routers should name their JSON body parameter `payload` and may use
`rattvag.api.errors.error_responses(...)` for their documented error statuses.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from importlib import import_module
from typing import Any

from django.apps import apps
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.module_loading import module_has_submodule
from django.utils.translation import pgettext
from ninja import NinjaAPI, Router
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import PathView
from ninja.router import BoundRouter

from .auth import api_auth
from .errors import ErrorOut, error_body, install_exception_handlers
from .schemas import is_storable

ROUTERS: list[tuple[str, str]] = [
    ("clients", "rattvag.api.clients:router"),
]

API_APP = "rattvag.api"
_UNSAFE_METHODS = frozenset({"post", "put", "patch", "delete"})
_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
_ERROR_DESCRIPTIONS = {
    "400": "The request body is not valid JSON.",
    "401": "No valid API token or verified session.",
    "403": "Refused (for a session: CSRF check failed).",
    "404": "Not found, or not visible to you.",
    "422": "Invalid input; `errors` names the fields.",
}


def _import_router(target: str) -> Router:
    module_name, _, attribute = target.partition(":")
    router = getattr(import_module(module_name), attribute or "router")
    if not isinstance(router, Router):
        raise TypeError(f"{target} is not a ninja Router")
    return router


def contributed_routers() -> list[tuple[str, Router]]:
    """(prefix, router) for every installed rattvag app with an `api` module defining `router`."""
    found: list[tuple[str, Router]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("rattvag.") or config.name == API_APP:
            continue
        if not module_has_submodule(config.module, "api"):
            continue
        router = getattr(import_module(f"{config.name}.api"), "router", None)
        if isinstance(router, Router):
            found.append(("", router))
    return found


def _document_error_responses(schema: dict[str, Any]) -> None:
    """Make every operation document the error statuses it can answer with, in the standard body.

    Routers declare their own errors where they can (error_responses); this fills the gaps so the
    document stays complete whatever another app's router forgot.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorOut" not in components:
        error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(error_schema.pop("$defs", {}))
        components["ErrorOut"] = error_schema
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            needed = {"422"}
            if operation.get("security"):
                needed.add("401")
                if method in _UNSAFE_METHODS:
                    needed.add("403")
            if "requestBody" in operation:
                needed.add("400")
            if "{" in path:
                needed.add("404")
            responses = operation.setdefault("responses", {})
            present = {str(status) for status in responses}
            for status in sorted(needed - present):
                responses[int(status)] = {
                    "description": _ERROR_DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": _ERROR_REF}},
                }


def _json_method_not_allowed(path_view: PathView) -> None:
    """A method the path does not have answers 405 in the API's error format (ninja answers in plain text)."""

    def not_allowed() -> JsonResponse:
        allowed = sorted({method for operation in path_view.operations for method in operation.methods})
        response = JsonResponse(error_body(pgettext("api", "This method is not allowed here.")), status=405)
        response["Allow"] = ", ".join(allowed)
        return response

    path_view._not_allowed = not_allowed  # type: ignore[method-assign]


def reject_unstorable_parameters(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Query and path parameters with text no database can hold (a NUL character) answer 422 before any
    route sees them; routers need not remember `schemas.Text` for every query parameter. (Bodies are
    validated by their schemas.)"""

    @wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        bad = [
            name
            for name, values in request.GET.lists()
            if not is_storable(name) or not all(is_storable(value) for value in values)
        ]
        bad += [name for name, value in kwargs.items() if isinstance(value, str) and not is_storable(value)]
        if bad:
            errors = [(name if is_storable(name) else None, pgettext("api", "Invalid value.")) for name in bad]
            body = error_body(pgettext("api", "The request contains invalid data."), errors)
            return JsonResponse(body, status=422)
        return run(request, *args, **kwargs)

    return checked


class RattvagAPI(NinjaAPI):
    def _get_bound_routers(self) -> list[BoundRouter]:
        bound_routers = super()._get_bound_routers()
        for bound_router in bound_routers:
            for path_view in bound_router.path_operations.values():
                _json_method_not_allowed(path_view)
        return bound_routers

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _document_error_responses(schema)
        return schema


def _unknown_path_router() -> Router:
    """Unknown paths under /api/v1/ answer 404 in the API's error format, not with an HTML page."""
    router = Router()

    @router.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False)
    def unknown_path(request: HttpRequest, rest: str) -> None:
        raise Http404

    return router


def build_api() -> NinjaAPI:
    api = RattvagAPI(
        title="Rätt väg API",
        version="1",
        description=(
            "Case management for sick clients without SGI. Authenticate with a personal API token "
            "(`Authorization: Bearer <token>`) or a browser session that passed two-factor login "
            "(send `X-CSRFToken` on unsafe methods). Errors always have the body "
            '`{"message": ..., "errors": [{"field": ..., "message": ...}]}`.'
        ),
        urls_namespace="api",
        openapi_url="/openapi.json",
        docs_url="/docs",
        auth=api_auth(),
    )
    install_exception_handlers(api)
    api.add_decorator(reject_unstorable_parameters, mode="view")
    for prefix, target in ROUTERS:
        api.add_router(prefix, _import_router(target))
    for prefix, router in contributed_routers():
        api.add_router(prefix, router)
    api.add_router("", _unknown_path_router())  # last: only what no other route matched
    return api
