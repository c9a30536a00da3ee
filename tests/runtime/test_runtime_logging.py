"""One structured access line per request; crashes become a logged 500, never an exception."""

from __future__ import annotations

import pytest

from tests.runtime.apigw import FakeContext, invoke, load_event, set_path
from tests.runtime.conftest import Aws


def access_lines(logs) -> list[dict]:
    return [record for record in logs.records() if record["message"] == "request"]


def test_access_line_carries_request_fields(aws: Aws, logs) -> None:
    context = FakeContext(aws_request_id="req-123")

    invoke(load_event("get_item"), context)

    from service.observability import logger

    (line,) = access_lines(logs)
    assert line["level"] == "INFO"
    # Powertools fixes the name when the handler is first imported, from POWERTOOLS_SERVICE_NAME
    assert line["service"] == logger.service != "service_undefined"
    assert line["environment"] == "dev"
    assert line["request_id"] == "req-123"
    assert line["api_request_id"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    assert line["route"] == "GET /items/{id}"
    assert line["method"] == "GET"
    assert line["status"] == 404
    assert isinstance(line["latency_ms"], float)
    assert 0 <= line["latency_ms"] < 5000


@pytest.mark.parametrize(
    ("method", "path", "route", "status"),
    [
        ("GET", "/health", "GET /health", 200),
        ("GET", "/items", "GET /items", 200),
        ("PATCH", "/items/x", "PATCH /items/{id}", 405),
        ("GET", "/elsewhere", "unmatched", 404),
    ],
)
def test_route_label_is_the_template(
    aws: Aws, logs, method: str, path: str, route: str, status: int
) -> None:
    event = set_path(load_event("get_health"), path)
    event["httpMethod"] = method

    invoke(event)

    (line,) = access_lines(logs)
    assert (line["route"], line["status"]) == (route, status)


def test_every_request_logs_exactly_one_access_line(aws: Aws, logs) -> None:
    for name in ("get_health", "list_items", "get_item", "create_item"):
        invoke(load_event(name), FakeContext(aws_request_id=name))

    lines = access_lines(logs)
    assert [line["request_id"] for line in lines] == [
        "get_health",
        "list_items",
        "get_item",
        "create_item",
    ]
    assert [line["status"] for line in lines] == [200, 200, 404, 401]


def test_unexpected_error_is_logged_500(aws: Aws, logs, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.logic import ItemService

    def explode(self: ItemService, item_id: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(ItemService, "get", explode)

    result = invoke(load_event("get_item"))

    assert result.status == 500
    assert result.body == {"error": "internal_error", "message": "internal error"}
    errors = [r for r in logs.records() if r["level"] == "ERROR"]
    assert errors[0]["message"] == "unhandled error"
    assert "RuntimeError: boom" in errors[0]["exception"]
    assert access_lines(logs)[0]["status"] == 500


def test_environment_key_does_not_leak_between_requests(
    aws: Aws, logs, settings_env: pytest.MonkeyPatch
) -> None:
    settings_env.delenv("APP_ENVIRONMENT")
    invoke(load_event("get_health"), FakeContext.for_alias("prod"))
    invoke(load_event("get_health"), FakeContext.for_alias("nothing"))

    lines = access_lines(logs)
    assert [line.get("environment") for line in lines] == ["prod", None]
    assert [line["status"] for line in lines] == [200, 500]
