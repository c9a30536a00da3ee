"""Turn raw request parts into typed values, or raise a 4xx ``ApiError`` naming the problem.

Kept apart from the routes so every rule about what a valid request looks like is in one place
and testable without building API Gateway events.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from typing import Any
from urllib.parse import unquote

from service.api_errors import ApiError, invalid
from service.cursor import InvalidCursor, decode_cursor
from service.model import JsonObject

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
MAX_ID_CHARS = 256
_LIMIT = re.compile(r"^[0-9]{1,4}$")
# Printable ASCII only: the key becomes part of an id and shows up in client logs.
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


def json_object_body(raw: str | None, is_base64: bool, max_bytes: int) -> JsonObject:
    """The body as a JSON object; 413 over ``max_bytes``, 400 for anything else wrong."""
    if not raw:
        raise invalid("body", "request body is required and must be a JSON object")
    # A str never has more characters than its UTF-8 bytes: cheap early rejection of huge bodies.
    if len(raw) > max_bytes and not is_base64:
        raise _too_large(max_bytes)
    try:
        data = base64.b64decode(raw, validate=True) if is_base64 else raw.encode("utf-8")
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise invalid("body", "request body is not valid base64 or UTF-8") from None
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    try:
        document: Any = json.loads(
            data.decode("utf-8"), parse_constant=_reject_constant, parse_float=_finite_float
        )
    except UnicodeDecodeError:
        raise invalid("body", "request body is not valid UTF-8") from None
    except (ValueError, RecursionError):
        raise ApiError(400, "invalid_json", "request body is not valid JSON") from None
    if not isinstance(document, dict):
        raise invalid("body", "request body must be a JSON object")
    return document


def create_request(body: JsonObject) -> JsonObject:
    """``{"data": {...}}`` -> data."""
    _only_fields(body, {"data"})
    return _data_field(body)


def replace_request(body: JsonObject) -> tuple[int, JsonObject]:
    """``{"version": N, "data": {...}}`` -> (expected version, data)."""
    _only_fields(body, {"version", "data"})
    version = body.get("version")
    # bool is an int subclass; `true` as a version is a client bug, not version 1.
    if "version" not in body or isinstance(version, bool) or not isinstance(version, int):
        raise invalid("version", "field 'version' is required and must be an integer")
    if version < 1:
        raise invalid("version", "field 'version' must be at least 1")
    return version, _data_field(body)


def item_id(raw: str) -> str:
    """The path parameter, URL-decoded (REST API passes the path still encoded)."""
    decoded = unquote(raw)
    if not _valid_id(decoded):
        raise invalid("id", f"item id must be 1 to {MAX_ID_CHARS} printable characters")
    return decoded


def limit_param(raw: str | None) -> int:
    """``?limit=N`` with 1 <= N <= MAX_LIMIT; absent means DEFAULT_LIMIT."""
    if raw is None:
        return DEFAULT_LIMIT
    if not _LIMIT.match(raw) or not 1 <= int(raw) <= MAX_LIMIT:
        raise invalid("limit", f"query parameter 'limit' must be an integer from 1 to {MAX_LIMIT}")
    return int(raw)


def cursor_param(raw: str | None) -> str | None:
    """``?cursor=...`` as the id to continue after; absent means the first page."""
    if raw is None:
        return None
    try:
        after = decode_cursor(raw)
    except InvalidCursor:
        after = None
    if after is None or not _valid_id(after):
        raise invalid("cursor", "query parameter 'cursor' is not one this API issued")
    return after


def idempotency_key(raw: str | None) -> str | None:
    """The ``Idempotency-Key`` header, if the client sent one."""
    if raw is None:
        return None
    if not _IDEMPOTENCY_KEY.match(raw):
        message = "header 'Idempotency-Key' must be 1 to 255 printable ASCII characters"
        raise invalid("Idempotency-Key", message)
    return raw


def _valid_id(value: str) -> bool:
    # Printable excludes control characters and lone surrogates, which DynamoDB would reject
    # as a server-side error instead of a clear 400.
    return 0 < len(value) <= MAX_ID_CHARS and value.isprintable()


def _only_fields(body: JsonObject, allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise invalid(unknown[0], f"unknown field(s) {unknown}; allowed: {sorted(allowed)}")


def _data_field(body: JsonObject) -> JsonObject:
    data = body.get("data")
    if not isinstance(data, dict):
        raise invalid("data", "field 'data' is required and must be a JSON object")
    return data


def _too_large(max_bytes: int) -> ApiError:
    return ApiError(413, "payload_too_large", f"request body exceeds {max_bytes} bytes")


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value
