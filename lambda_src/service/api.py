"""HTTP surface: routes on the Powertools REST resolver, auth, and error-to-status mapping.

Routes only parse, check the API key and call ``ItemService``; the rules live in ``logic``.
The handler puts a ``RequestScope`` into the resolver context before resolving, so routes get
the request's environment without any module-level per-request state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import quote

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from service import inputs
from service.api_errors import ApiError
from service.cursor import encode_cursor
from service.errors import (
    IdempotencyKeyReused,
    ItemNotFound,
    ItemTooLarge,
    SecretUnavailable,
    StoreUnavailable,
    VersionConflict,
)
from service.observability import logger
from service.runtime import EnvironmentServices
from service.settings import Settings

API_KEY_HEADER = "x-api-key"
IDEMPOTENCY_HEADER = "Idempotency-Key"
# Every method API Gateway can send; methods outside it on a known path fall through to 404.
_HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

JsonResponse = Response[Any]
_E = TypeVar("_E", bound=Exception)
_Route = Callable[..., JsonResponse]

app = APIGatewayRestResolver()
_allowed: dict[str, list[str]] = {}


@dataclass(slots=True)
class RequestScope:
    """Per-request state: settings, the environment's services, and the matched route label."""

    settings: Settings
    env: EnvironmentServices
    route: str = "unmatched"


def _scope() -> RequestScope:
    return cast(RequestScope, app.context["scope"])


def _route(method: str, template: str) -> Callable[[_Route], _Route]:
    """Register ``template`` (``{id}`` style, as logged) for ``method`` and record it for 405s."""

    def register(func: _Route) -> _Route:
        label = f"{method} {template}"

        @wraps(func)
        def labelled(**path_args: str) -> JsonResponse:
            _scope().route = label
            return func(**path_args)

        app.route(_rule(template), method=method)(labelled)
        _allowed.setdefault(template, []).append(method)
        return func

    return register


def _rule(template: str) -> str:
    return template.replace("{id}", "<item_id>")


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> JsonResponse:
    return Response(status, "application/json", body, headers=headers)


def _header(name: str) -> str | None:
    value = app.current_event.headers.get(name)
    return value if isinstance(value, str) else None


def _query(name: str) -> str | None:
    value = app.current_event.query_string_parameters.get(name)
    return value if isinstance(value, str) else None


def _body(scope: RequestScope) -> dict[str, Any]:
    event = app.current_event
    return inputs.json_object_body(
        event.body if isinstance(event.body, str) else None,
        event.is_base64_encoded is True,
        scope.settings.max_body_bytes,
    )


def _authorize(scope: RequestScope) -> None:
    """Writes need the environment's API key; a missing header costs no secret read."""
    presented = _header(API_KEY_HEADER)
    if not presented or not scope.env.api_keys.verify(presented):
        raise ApiError(401, "unauthorized", f"missing or invalid '{API_KEY_HEADER}' header")


@_route("GET", "/health")
def health() -> JsonResponse:
    scope = _scope()
    body = {"status": "ok", "service": scope.settings.service_name, "environment": scope.env.name}
    return _json(200, body)


@_route("POST", "/items")
def create_item() -> JsonResponse:
    scope = _scope()
    _authorize(scope)
    key = inputs.idempotency_key(_header(IDEMPOTENCY_HEADER))
    data = inputs.create_request(_body(scope))
    result = scope.env.items.create(data, key)
    headers = {"Location": f"/items/{quote(result.item.id, safe='')}"}
    if result.replayed:
        headers["Idempotent-Replayed"] = "true"
    return _json(201, result.item.to_json(), headers)


@_route("GET", "/items")
def list_items() -> JsonResponse:
    scope = _scope()
    limit = inputs.limit_param(_query("limit"))
    after = inputs.cursor_param(_query("cursor"))
    page = scope.env.items.list_page(limit, after)
    next_cursor = encode_cursor(page.last_id) if page.last_id is not None else None
    items = [item.to_json() for item in page.items]
    return _json(200, {"items": items, "next_cursor": next_cursor})


@_route("GET", "/items/{id}")
def get_item(item_id: str) -> JsonResponse:
    return _json(200, _scope().env.items.get(inputs.item_id(item_id)).to_json())


@_route("PUT", "/items/{id}")
def replace_item(item_id: str) -> JsonResponse:
    scope = _scope()
    _authorize(scope)
    target = inputs.item_id(item_id)
    version, data = inputs.replace_request(_body(scope))
    return _json(200, scope.env.items.replace(target, version, data).to_json())


@_route("DELETE", "/items/{id}")
def delete_item(item_id: str) -> JsonResponse:
    scope = _scope()
    _authorize(scope)
    scope.env.items.delete(inputs.item_id(item_id))
    return Response(204, None, "")


def _method_not_allowed(template: str) -> _Route:
    allowed = ", ".join(sorted(_allowed[template]))

    def method_not_allowed(**_path_args: str) -> JsonResponse:
        _scope().route = f"{app.current_event.http_method.upper()} {template}"
        body = {"error": "method_not_allowed", "message": f"{template} allows {allowed}"}
        return _json(405, body, {"Allow": allowed})

    return method_not_allowed


# Registered after the real routes: a known path with another method is a 405, not a 404.
for _template, _methods in list(_allowed.items()):
    _others = [method for method in _HTTP_METHODS if method not in _methods]
    app.route(_rule(_template), method=_others)(_method_not_allowed(_template))


@app.not_found
def _not_found(_: Exception) -> JsonResponse:
    return _json(404, {"error": "not_found", "message": "no route for this path"})


def _api_error(error: ApiError) -> JsonResponse:
    return _json(error.status, error.body())


def _item_not_found(_: ItemNotFound) -> JsonResponse:
    return _json(404, {"error": "not_found", "message": "item not found"})


def _version_conflict(error: VersionConflict) -> JsonResponse:
    body = {
        "error": "version_conflict",
        "message": "item was changed since the given version; re-read it and retry",
        "current_version": error.current_version,
    }
    return _json(409, body)


def _key_reused(error: IdempotencyKeyReused) -> JsonResponse:
    return _json(422, {"error": "idempotency_key_reused", "message": str(error)})


def _too_large(error: ItemTooLarge) -> JsonResponse:
    return _json(413, {"error": "payload_too_large", "message": str(error)})


def _store_unavailable(error: StoreUnavailable) -> JsonResponse:
    logger.error("storage unavailable", extra={"reason": str(error)})
    return _json(503, {"error": "storage_unavailable", "message": "storage is unavailable"})


def _secret_unavailable(error: SecretUnavailable) -> JsonResponse:
    # The reason carries only an error code; the secret id is in the function's configuration.
    logger.error("api key secret unavailable", extra={"reason": str(error)})
    body = {"error": "secret_unavailable", "message": "cannot verify API keys right now"}
    return _json(503, body)


def _on(error_type: type[_E], handler: Callable[[_E], JsonResponse]) -> None:
    # Powertools' decorator is untyped; registering through here keeps the handlers typed.
    app.exception_handler(error_type)(handler)


_on(ApiError, _api_error)
_on(ItemNotFound, _item_not_found)
_on(VersionConflict, _version_conflict)
_on(IdempotencyKeyReused, _key_reused)
_on(ItemTooLarge, _too_large)
_on(StoreUnavailable, _store_unavailable)
_on(SecretUnavailable, _secret_unavailable)
