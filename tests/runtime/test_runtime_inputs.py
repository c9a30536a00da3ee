"""Request parsing rules and cursors, without building API Gateway events."""

from __future__ import annotations

import base64
import re

import pytest
from service import inputs
from service.api_errors import ApiError
from service.cursor import InvalidCursor, decode_cursor, encode_cursor


@pytest.mark.parametrize("item_id", ["a", "0b7e1b8a-2f65", "x" * 256, "ü/ß é", "id:with:colons"])
def test_cursor_round_trips(item_id: str) -> None:
    cursor = encode_cursor(item_id)

    assert decode_cursor(cursor) == item_id
    assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor)  # URL-safe as a query value, no padding


@pytest.mark.parametrize(
    "cursor", ["", "***", "YWJj", base64.urlsafe_b64encode(b'{"v":1,"after":5}').decode()]
)
def test_foreign_cursors_are_rejected(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor)


def test_limit_default_bounds_and_errors() -> None:
    assert inputs.limit_param(None) == inputs.DEFAULT_LIMIT
    assert inputs.limit_param("1") == 1
    assert inputs.limit_param("100") == 100
    assert inputs.limit_param("007") == 7
    with pytest.raises(ApiError) as caught:
        inputs.limit_param("101")
    assert (caught.value.status, caught.value.extra["field"]) == (400, "limit")


def test_json_body_size_is_checked_in_bytes_after_base64() -> None:
    raw = base64.b64encode(b'{"data": {}}').decode()

    assert inputs.json_object_body(raw, True, 12) == {"data": {}}
    with pytest.raises(ApiError) as caught:
        inputs.json_object_body(raw, True, 11)
    assert caught.value.status == 413


def test_json_body_rejects_lone_surrogate_in_raw_text() -> None:
    with pytest.raises(ApiError) as caught:
        inputs.json_object_body('{"data": "\ud800"}', False, 100)
    assert (caught.value.status, caught.value.extra["field"]) == (400, "body")


def test_json_body_keeps_escaped_unicode() -> None:
    body = inputs.json_object_body('{"data": {"s": "\\u00e9\\ud800"}}', False, 100)

    assert body == {"data": {"s": "é\ud800"}}


def test_replace_request_returns_version_and_data() -> None:
    assert inputs.replace_request({"version": 3, "data": {"a": 1}}) == (3, {"a": 1})


def test_create_request_names_unknown_fields() -> None:
    with pytest.raises(ApiError) as caught:
        inputs.create_request({"data": {}, "zeta": 1, "alpha": 2})
    assert caught.value.extra["field"] == "alpha"
    assert "['alpha', 'zeta']" in caught.value.message


def test_item_id_is_url_decoded_and_bounded() -> None:
    assert inputs.item_id("a%2Fb") == "a/b"
    with pytest.raises(ApiError):
        inputs.item_id("a%00b")


def test_idempotency_key_accepts_printable_ascii() -> None:
    assert inputs.idempotency_key(None) is None
    assert inputs.idempotency_key("Order_42:retry~1") == "Order_42:retry~1"
