"""Lambda entry point (``service.handler.lambda_handler``).

Owns what happens around routing: settings and environment resolution (a failure is the
deployment's fault, so 500 ``misconfigured``), one access log line per request, and a last-resort
500 so the function never returns an unhandled exception to API Gateway (which would answer a
bare 502 with no log line of ours).
"""

from __future__ import annotations

from collections.abc import Mapping
from time import perf_counter
from typing import Any

from service.api import RequestScope, app
from service.api_errors import proxy_response
from service.environment import EnvironmentUnresolved, resolve_environment
from service.observability import logger
from service.runtime import get_runtime
from service.settings import SettingsError

_MISCONFIGURED = {
    "error": "misconfigured",
    "message": "the service is not configured correctly; the operators have been told in the logs",
}


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Serve one API Gateway REST proxy request."""
    started = perf_counter()
    access: dict[str, Any] = {"route": "unmatched", "method": _text(event, "httpMethod")}
    request_context = event.get("requestContext") if isinstance(event, Mapping) else None
    logger.append_keys(
        request_id=getattr(context, "aws_request_id", None),
        api_request_id=(
            request_context.get("requestId") if isinstance(request_context, Mapping) else None
        ),
        environment=None,
    )
    try:
        response = _dispatch(event, context, access)
    except Exception:
        logger.exception("unhandled error")
        response = proxy_response(500, {"error": "internal_error", "message": "internal error"})
    access["status"] = response.get("statusCode")
    access["latency_ms"] = round((perf_counter() - started) * 1000, 2)
    logger.info("request", extra=access)
    return response


def _dispatch(event: dict[str, Any], context: Any, access: dict[str, Any]) -> dict[str, Any]:
    if _text(event, "httpMethod") is None or _text(event, "path") is None:
        body = {"error": "invalid_event", "message": "not an API Gateway REST proxy event"}
        return proxy_response(400, body)
    try:
        runtime = get_runtime()
    except SettingsError as error:
        logger.error("misconfigured: invalid settings", extra={"problems": list(error.problems)})
        return proxy_response(500, _MISCONFIGURED)
    arn = getattr(context, "invoked_function_arn", None)
    try:
        environment = resolve_environment(
            runtime.settings, arn if isinstance(arn, str) else None, event
        )
    except EnvironmentUnresolved as error:
        logger.error(f"misconfigured: {error}")
        return proxy_response(500, _MISCONFIGURED)
    logger.append_keys(environment=environment)
    scope = RequestScope(settings=runtime.settings, env=runtime.environment(environment))
    app.append_context(scope=scope)  # type: ignore[no-untyped-call]  # unannotated upstream
    try:
        return app.resolve(event, context)
    finally:
        access["route"] = scope.route


def _text(event: Any, key: str) -> str | None:
    value = event.get(key) if isinstance(event, Mapping) else None
    return value if isinstance(value, str) else None
