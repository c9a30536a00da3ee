"""What API Gateway (REST API, Lambda proxy integration) does around the function, as data.

``proxy_event`` builds the event the deployed ``/{proxy+}`` resource would send for one HTTP
request; ``http_response`` turns the function's result into the HTTP response the client would
get, including API Gateway's own 502 for a malformed result. Both are pure functions, so the
event shape is unit-tested without sockets.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote

from local.template import LocalPlan, StageSpec

PROXY_RESOURCE = "/{proxy+}"
ROOT_RESOURCE = "/"
# API Gateway's own bodies, as it sends them.
FORBIDDEN = {"message": "Forbidden"}
BAD_GATEWAY = {"message": "Internal server error"}
TIMED_OUT = {"message": "Endpoint request timed out"}


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One request as the local server received it."""

    method: str
    path: str  # as sent, percent-encoding kept, stage prefix included
    query: str
    headers: Sequence[tuple[str, str]]  # in order, duplicates kept
    body: bytes
    source_ip: str
    host: str


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: Sequence[tuple[str, str]]
    body: bytes


def split_stage(path: str) -> tuple[str, str]:
    """``/test/items/1`` -> (``test``, ``/items/1``); ``/test`` or ``/test/`` -> ``/``."""
    stage, _, rest = path.lstrip("/").partition("/")
    return stage, "/" + rest


def proxy_event(
    request: HttpRequest,
    *,
    plan: LocalPlan,
    stage: StageSpec,
    request_id: str,
    now: datetime,
) -> dict[str, Any]:
    """The REST proxy event for ``request`` on ``stage``.

    ``path`` keeps the client's percent-encoding and drops the stage, as on the execute-api
    domain; ``pathParameters`` are decoded. The root path has no proxy parameter and its own
    resource, as in the deployed API (its ANY method sits on ``/``).
    """
    _, path = split_stage(request.path)
    resource = ROOT_RESOURCE if path == "/" else PROXY_RESOURCE
    kept = [(name, value) for name, value in request.headers if name.lower() != "x-forwarded-for"]
    headers = [*kept, *_forwarded(request)]
    query = parse_qsl(request.query, keep_blank_values=True)
    user_agent = _last(headers).get("user-agent")
    return {
        "resource": resource,
        "path": path,
        "httpMethod": request.method,
        "headers": {name: value for name, value in headers} or None,
        "multiValueHeaders": _multi(headers) or None,
        "queryStringParameters": {name: value for name, value in query} or None,
        "multiValueQueryStringParameters": _multi(query) or None,
        "pathParameters": None if path == "/" else {"proxy": unquote(path[1:])},
        "stageVariables": dict(stage.variables) if stage.variables else None,
        "requestContext": {
            "resourceId": plan.api_id[:6],
            "resourcePath": resource,
            "httpMethod": request.method,
            "extendedRequestId": uuid.uuid4().hex[:16],
            "requestTime": now.astimezone(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "path": request.path,
            "accountId": plan.account,
            "protocol": "HTTP/1.1",
            "stage": stage.name,
            "domainPrefix": request.host.split(".", 1)[0],
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "requestId": request_id,
            "identity": {"sourceIp": request.source_ip, "userAgent": user_agent},
            "domainName": request.host,
            "apiId": plan.api_id,
        },
        "body": request.body.decode("utf-8", errors="replace") if request.body else None,
        "isBase64Encoded": False,  # the stacks configure no binary media types
    }


def http_response(result: Any, *, request_id: str) -> HttpResponse:
    """The HTTP response API Gateway makes of the function's result (502 if it cannot)."""
    status = result.get("statusCode") if isinstance(result, Mapping) else None
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        return error_response(502, BAD_GATEWAY, request_id=request_id)
    headers: list[tuple[str, str]] = []
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((str(name), str(value)) for value in values)
    sent = {name.lower() for name, _ in headers}
    for name, value in (result.get("headers") or {}).items():
        if str(name).lower() not in sent:
            headers.append((str(name), str(value)))
    body = result.get("body") or ""
    try:
        data = (
            base64.b64decode(body, validate=True)
            if result.get("isBase64Encoded")
            else str(body).encode()
        )
    except (binascii.Error, ValueError):
        return error_response(502, BAD_GATEWAY, request_id=request_id)
    return HttpResponse(status, _with_gateway_headers(headers, request_id), data)


def error_response(status: int, body: Mapping[str, str], *, request_id: str) -> HttpResponse:
    """A response API Gateway writes itself, without calling the function."""
    data = json.dumps(dict(body), separators=(",", ":")).encode()
    return HttpResponse(status, _with_gateway_headers([], request_id), data)


def _with_gateway_headers(headers: list[tuple[str, str]], request_id: str) -> list[tuple[str, str]]:
    names = {name.lower() for name, _ in headers}
    extra = [("x-amzn-RequestId", request_id)]
    if "content-type" not in names:
        extra.append(("Content-Type", "application/json"))  # API Gateway's default
    return [*headers, *extra]


def _forwarded(request: HttpRequest) -> list[tuple[str, str]]:
    """The X-Forwarded-* headers API Gateway adds for the function."""
    port = request.host.rpartition(":")[2] if ":" in request.host else "80"
    seen = _last(request.headers).get("x-forwarded-for")
    chain = f"{seen}, {request.source_ip}" if seen else request.source_ip
    present = {name.lower() for name, _ in request.headers}
    added = [("X-Forwarded-Port", port), ("X-Forwarded-Proto", "http")]
    return [("X-Forwarded-For", chain)] + [h for h in added if h[0].lower() not in present]


def _multi(pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def _last(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in pairs}
