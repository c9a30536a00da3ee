"""Client-facing errors: status code, a stable machine-readable code and a message.

Every 4xx names what was wrong (``field`` when one input is to blame) so a client can fix its
request without reading our logs. Nothing here ever carries a secret or a stored value.
"""

from __future__ import annotations

import json
from typing import Any


class ApiError(Exception):
    """Raised anywhere below the routes; the resolver turns it into a JSON response."""

    def __init__(self, status: int, error: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON response body."""
        return {"error": self.error, "message": self.message, **self.extra}


def invalid(field: str, message: str) -> ApiError:
    """400 naming the offending input."""
    return ApiError(400, "invalid_request", message, field=field)


def proxy_response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    """A REST proxy response built without the resolver, for failures before routing.

    Same shape as the resolver's output, so clients and tests cannot tell the paths apart.
    """
    return {
        "statusCode": status,
        "body": json.dumps(body, separators=(",", ":")),
        "isBase64Encoded": False,
        "multiValueHeaders": {"Content-Type": ["application/json"]},
    }
