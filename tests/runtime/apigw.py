"""Build API Gateway REST proxy events from the fixtures in tests/events and call the handler."""

from __future__ import annotations

import base64
import copy
import json
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

EVENTS_DIR = Path(__file__).resolve().parents[1] / "events"
FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:items-service"


@cache
def _fixture(name: str) -> dict[str, Any]:
    return json.loads((EVENTS_DIR / f"{name}.json").read_text())


def load_event(name: str) -> dict[str, Any]:
    """A fresh deep copy of tests/events/<name>.json, safe to modify."""
    return copy.deepcopy(_fixture(name))


def set_header(event: dict[str, Any], name: str, value: str | None) -> dict[str, Any]:
    """Set (or with ``None`` remove) a header in both header maps, as API Gateway sends them."""
    for key in [k for k in event["headers"] if k.lower() == name.lower()]:
        del event["headers"][key]
        event["multiValueHeaders"].pop(key, None)
    if value is not None:
        event["headers"][name] = value
        event["multiValueHeaders"][name] = [value]
    return event


def set_body(event: dict[str, Any], body: Any, *, raw: bool = False, b64: bool = False) -> dict:
    """JSON-encode ``body`` (or use it as-is with ``raw``), optionally base64 like binary media."""
    text = body if raw else json.dumps(body)
    if b64 and text is not None:
        text = base64.b64encode(text.encode("utf-8")).decode("ascii")
    event["body"] = text
    event["isBase64Encoded"] = b64
    return event


def set_path(event: dict[str, Any], path: str, item_id: str | None = None) -> dict[str, Any]:
    event["path"] = path
    event["requestContext"]["path"] = "/dev" + path
    if item_id is not None:
        event["pathParameters"] = {"id": item_id}
    return event


def set_query(event: dict[str, Any], **params: str) -> dict[str, Any]:
    event["queryStringParameters"] = params or None
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in params.items()} or None
    return event


@dataclass
class FakeContext:
    """The LambdaContext attributes the handler and Powertools read."""

    invoked_function_arn: str = FUNCTION_ARN
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_name: str = "items-service"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256

    @classmethod
    def for_alias(cls, qualifier: str) -> FakeContext:
        return cls(invoked_function_arn=f"{FUNCTION_ARN}:{qualifier}")


@dataclass
class Result:
    status: int
    body: Any
    headers: dict[str, str]
    raw: dict[str, Any]


def invoke(event: dict[str, Any], context: FakeContext | None = None) -> Result:
    """Call the real handler and decode its response (bodies are JSON or empty)."""
    from service.handler import lambda_handler

    raw = lambda_handler(event, context or FakeContext())
    text = raw.get("body") or ""
    headers = {k: ", ".join(v) for k, v in (raw.get("multiValueHeaders") or {}).items()}
    headers.update(raw.get("headers") or {})
    return Result(raw["statusCode"], json.loads(text) if text else None, headers, raw)
