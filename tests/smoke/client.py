"""A small JSON client on urllib: the smoke tests need nothing beyond the standard library."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tests.smoke.target import SmokeTarget

API_KEY_HEADER = "x-api-key"
TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class Reply:
    """One HTTP response: status, headers (lower-case names) and the decoded JSON body."""

    status: int
    headers: Mapping[str, str]
    body: Any

    def describe(self) -> str:
        return f"HTTP {self.status}: {json.dumps(self.body)[:300]}"


class ApiClient:
    """Calls one deployed API; non-2xx answers are returned, never raised."""

    def __init__(self, target: SmokeTarget) -> None:
        self.target = target

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        api_key: str | None = None,
    ) -> Reply:
        sent = {"Accept": "application/json", **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            sent["Content-Type"] = "application/json"
        if api_key is not None:
            sent[API_KEY_HEADER] = api_key
        request = urllib.request.Request(  # noqa: S310 - the URL is checked to be http(s)
            self.target.url(path), data=data, headers=sent, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                return _reply(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            with error:
                return _reply(error.code, error.headers, error.read())

    def wait_until_healthy(self, *, attempts: int = 12, delay_seconds: float = 5.0) -> Reply:
        """GET /health until it answers 200: a fresh deploy can take a moment to serve."""
        reply = self.call("GET", "/health")
        for _ in range(attempts - 1):
            if reply.status == 200:
                break
            time.sleep(delay_seconds)
            reply = self.call("GET", "/health")
        return reply


def _reply(status: int, headers: Any, raw: bytes) -> Reply:
    names = {str(k).lower(): str(v) for k, v in headers.items()}
    body: Any = None
    if raw:
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            body = raw.decode("utf-8", "replace")
    return Reply(status, names, body)
