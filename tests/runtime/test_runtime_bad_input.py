"""Bad requests get a 4xx JSON error naming the problem, never a 5xx, and store nothing."""

from __future__ import annotations

import base64
import json

import pytest
from service.cursor import encode_cursor

from tests.runtime.apigw import (
    FakeContext,
    invoke,
    load_event,
    set_body,
    set_header,
    set_path,
    set_query,
)
from tests.runtime.conftest import API_KEYS, Aws

ITEM = "0b7e1b8a-2f65-4b8e-9a55-5d6f3c1e9a10"


def post(body: object, *, raw: bool = False, b64: bool = False) -> dict:
    event = set_header(load_event("create_item"), "x-api-key", API_KEYS["dev"])
    return set_body(event, body, raw=raw, b64=b64)


def post_encoded(body: str) -> dict:
    """A POST whose body is already in API Gateway's base64 form (valid or not)."""
    event = post(None, raw=True)
    event["body"] = body
    event["isBase64Encoded"] = True
    return event


def put(body: object, *, raw: bool = False) -> dict:
    event = set_header(load_event("replace_item"), "x-api-key", API_KEYS["dev"])
    return set_body(event, body, raw=raw)


def seed_item(aws: Aws, item_id: str = ITEM) -> None:
    aws.dynamodb.put_item(
        TableName="items-dev",
        Item={
            "id": {"S": item_id},
            "data": {"S": '{"a":1}'},
            "version": {"N": "1"},
            "created_at": {"S": "2025-01-01T00:00:00.000Z"},
            "updated_at": {"S": "2025-01-01T00:00:00.000Z"},
        },
    )


@pytest.mark.parametrize(
    ("event", "status", "error", "field"),
    [
        (post("{not json", raw=True), 400, "invalid_json", None),
        (post('{"data": {"x": NaN}}', raw=True), 400, "invalid_json", None),
        (post('{"data": {"x": 1e999}}', raw=True), 400, "invalid_json", None),
        (post([1, 2]), 400, "invalid_request", "body"),
        (post(None, raw=True), 400, "invalid_request", "body"),
        (post("", raw=True), 400, "invalid_request", "body"),
        (post({}), 400, "invalid_request", "data"),
        (post({"data": "text"}), 400, "invalid_request", "data"),
        (post({"data": [1]}), 400, "invalid_request", "data"),
        (post({"data": {}, "colour": "red"}), 400, "invalid_request", "colour"),
        (post_encoded("!!!not base64!!!"), 400, "invalid_request", "body"),
        (post_encoded(base64.b64encode(b"\xff\xfe").decode()), 400, "invalid_request", "body"),
        (post('{"data": {"a": 1}}', raw=True, b64=True), 201, None, None),
        (put({"data": {"a": 2}}), 400, "invalid_request", "version"),
        (put({"version": "1", "data": {"a": 2}}), 400, "invalid_request", "version"),
        (put({"version": True, "data": {"a": 2}}), 400, "invalid_request", "version"),
        (put({"version": 0, "data": {"a": 2}}), 400, "invalid_request", "version"),
        (put({"version": 1.0, "data": {"a": 2}}), 400, "invalid_request", "version"),
        (put({"version": 1}), 400, "invalid_request", "data"),
        (put({"version": 1, "data": None}), 400, "invalid_request", "data"),
    ],
    ids=lambda value: value if isinstance(value, (int, str)) else None,
)
def test_bad_bodies_are_400_naming_the_problem(
    aws: Aws, event: dict, status: int, error: str | None, field: str | None
) -> None:
    seed_item(aws)

    result = invoke(event)

    assert result.status == status, result.body
    if status == 201:  # control case: the same path with a good body does store
        assert aws.count() == 2
        return
    assert result.body["error"] == error
    if field:
        assert result.body["field"] == field
        assert field in result.body["message"] or field == "body"
    assert result.body["message"]
    assert aws.stored(ITEM)["version"] == 1
    assert aws.count() == 1


def test_body_over_limit_is_413_and_at_limit_is_accepted(aws: Aws) -> None:
    filler_len = 4096 - len(json.dumps({"data": {"f": ""}}))
    at_limit = post({"data": {"f": "x" * filler_len}})
    over_limit = post({"data": {"f": "x" * (filler_len + 1)}})
    assert len(at_limit["body"].encode()) == 4096

    over = invoke(over_limit)
    ok = invoke(at_limit)

    assert over.status == 413
    assert over.body["error"] == "payload_too_large"
    assert "4096" in over.body["message"]
    assert ok.status == 201
    assert aws.count() == 1


def test_data_too_large_for_one_dynamodb_item_is_413(
    aws: Aws, settings_env: pytest.MonkeyPatch
) -> None:
    settings_env.setenv("MAX_BODY_BYTES", "1048576")

    result = invoke(post({"data": {"blob": "x" * 500_000}}))

    assert result.status == 413
    assert result.body["error"] == "payload_too_large"
    assert aws.count() == 0


def test_base64_body_over_limit_is_413(aws: Aws) -> None:
    event = post({"data": {"f": "é" * 3000}}, b64=True)

    result = invoke(event)

    assert result.status == 413
    assert aws.count() == 0


def test_multibyte_body_counts_bytes_not_characters(aws: Aws) -> None:
    text = json.dumps({"data": {"f": "€" * 1400}}, ensure_ascii=False)
    assert len(text) < 4096 < len(text.encode("utf-8"))

    result = invoke(post(text, raw=True))

    assert result.status == 413


def test_deeply_nested_json_is_400_not_a_crash(aws: Aws, settings_env: pytest.MonkeyPatch) -> None:
    settings_env.setenv("MAX_BODY_BYTES", "100000")
    depth = 20000
    body = '{"data": {"x": ' + "[" * depth + "]" * depth + "}}"

    result = invoke(post(body, raw=True))

    assert result.status == 400
    assert result.body["error"] == "invalid_json"


@pytest.mark.parametrize("path", ["/nope", "/items/a/b", "/", "/health/x", "/itemsx"])
def test_unknown_path_is_404(aws: Aws, path: str) -> None:
    event = set_path(load_event("get_health"), path)

    result = invoke(event)

    assert result.status == 404
    assert result.body["error"] == "not_found"


@pytest.mark.parametrize(
    ("fixture", "method", "path", "allow"),
    [
        ("get_item", "PATCH", f"/items/{ITEM}", "DELETE, GET, PUT"),
        ("get_item", "POST", f"/items/{ITEM}", "DELETE, GET, PUT"),
        ("list_items", "DELETE", "/items", "GET, POST"),
        ("list_items", "PUT", "/items", "GET, POST"),
        ("get_health", "POST", "/health", "GET"),
        ("get_health", "OPTIONS", "/health", "GET"),
        ("get_health", "HEAD", "/health", "GET"),
    ],
)
def test_known_path_with_wrong_method_is_405_with_allow(
    aws: Aws, fixture: str, method: str, path: str, allow: str
) -> None:
    event = set_path(load_event(fixture), path)
    event["httpMethod"] = method
    set_header(event, "x-api-key", API_KEYS["dev"])

    result = invoke(event)

    assert result.status == 405
    assert result.headers["Allow"] == allow
    assert result.body["error"] == "method_not_allowed"
    assert allow in result.body["message"]


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",
        "not-base64-json",
        base64.urlsafe_b64encode(b"[1,2]").decode().rstrip("="),
        base64.urlsafe_b64encode(b'{"v":1}').decode().rstrip("="),
        base64.urlsafe_b64encode(b'{"v":2,"after":"x"}').decode().rstrip("="),
        base64.urlsafe_b64encode(b'{"v":1,"after":""}').decode().rstrip("="),
        base64.urlsafe_b64encode(b'{"v":1,"after":"\\u0000"}').decode().rstrip("="),
        "",
        "A" * 3000,
    ],
)
def test_bad_cursor_is_400_naming_cursor(aws: Aws, cursor: str) -> None:
    result = invoke(set_query(load_event("list_items"), cursor=cursor))

    assert result.status == 400
    assert result.body["field"] == "cursor"
    assert "cursor" in result.body["message"]


def test_cursor_for_a_missing_id_still_pages(aws: Aws) -> None:
    seed_item(aws)

    result = invoke(set_query(load_event("list_items"), cursor=encode_cursor("no-such-id")))

    # DynamoDB accepts any key as a start point; a forged cursor only moves where paging starts.
    assert result.status == 200
    assert set(result.body) == {"items", "next_cursor"}
    assert all(item["id"] == ITEM for item in result.body["items"])


@pytest.mark.parametrize("limit", ["0", "101", "abc", "-1", "1.5", "", " 5", "+5", "10000", "٣"])
def test_bad_limit_is_400_naming_limit(aws: Aws, limit: str) -> None:
    result = invoke(set_query(load_event("list_items"), limit=limit))

    assert result.status == 400
    assert result.body["field"] == "limit"
    assert "limit" in result.body["message"]


@pytest.mark.parametrize("key", ["", "x" * 256, "clé", "has space", "tab\tkey"])
def test_bad_idempotency_key_is_400(aws: Aws, key: str) -> None:
    event = set_header(post({"data": {"a": 1}}), "Idempotency-Key", key)

    result = invoke(event)

    assert result.status == 400
    assert result.body["field"] == "Idempotency-Key"
    assert aws.count() == 0


@pytest.mark.parametrize("item_id", ["x" * 257, "%00", "a%0Ab"])
def test_bad_item_id_is_400(aws: Aws, item_id: str) -> None:
    event = set_path(load_event("get_item"), f"/items/{item_id}")

    result = invoke(event)

    assert result.status == 400
    assert result.body["field"] == "id"


def test_missing_item_is_404_for_get_and_put(aws: Aws) -> None:
    get = invoke(load_event("get_item"))
    replace = invoke(put({"version": 1, "data": {"a": 1}}))

    assert (get.status, get.body["error"]) == (404, "not_found")
    assert (replace.status, replace.body["error"]) == (404, "not_found")
    assert aws.count() == 0


@pytest.mark.parametrize("event", [{}, {"httpMethod": "GET"}, {"path": "/health", "httpMethod": 1}])
def test_non_proxy_event_is_400(aws: Aws, event: dict) -> None:
    result = invoke(event, FakeContext())

    assert result.status == 400
    assert result.body["error"] == "invalid_event"
