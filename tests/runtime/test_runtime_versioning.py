"""No lost writes: optimistic versions on PUT and idempotent creates (handler + moto)."""

from __future__ import annotations

from tests.runtime.apigw import Result, invoke, load_event, set_body, set_header, set_path
from tests.runtime.conftest import API_KEYS, Aws


def post(data: dict | str, key: str | None, *, raw: bool = False) -> Result:
    event = set_header(load_event("create_item"), "Idempotency-Key", key)
    set_header(event, "x-api-key", API_KEYS["dev"])
    return invoke(set_body(event, data if raw else {"data": data}, raw=raw))


def put(item_id: str, version: int, data: dict) -> Result:
    event = set_path(load_event("replace_item"), f"/items/{item_id}", item_id)
    set_header(event, "x-api-key", API_KEYS["dev"])
    return invoke(set_body(event, {"version": version, "data": data}))


def test_stale_update_is_409_with_current_version_and_changes_nothing(aws: Aws) -> None:
    item_id = post({"v": "one"}, None).body["id"]
    assert put(item_id, 1, {"v": "two"}).status == 200

    stale = put(item_id, 1, {"v": "lost?"})

    assert stale.status == 409
    assert stale.body["error"] == "version_conflict"
    assert stale.body["current_version"] == 2
    assert aws.stored(item_id) == {"id": item_id, "data": {"v": "two"}, "version": 2}


def test_retry_with_current_version_succeeds(aws: Aws) -> None:
    item_id = post({"v": 1}, None).body["id"]
    put(item_id, 1, {"v": 2})
    conflict = put(item_id, 1, {"v": 3})

    retried = put(item_id, conflict.body["current_version"], {"v": 3})

    assert retried.status == 200
    assert retried.body["version"] == 3
    assert aws.stored(item_id) == {"id": item_id, "data": {"v": 3}, "version": 3}


def test_version_from_the_future_is_409(aws: Aws) -> None:
    item_id = post({"v": 1}, None).body["id"]

    result = put(item_id, 7, {"v": 2})

    assert result.status == 409
    assert result.body["current_version"] == 1
    assert aws.stored(item_id)["version"] == 1


def test_repeated_create_with_same_key_returns_same_item(aws: Aws) -> None:
    first = post({"sku": "A-1", "qty": 2}, "order-123")
    second = post({"qty": 2, "sku": "A-1"}, "order-123")  # same JSON, other key order

    assert first.status == 201
    assert second.status == 201
    assert second.body == first.body
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert aws.count() == 1


def test_same_key_with_different_body_is_422(aws: Aws) -> None:
    first = post({"sku": "A-1", "qty": 2}, "order-123")

    reused = post({"sku": "A-1", "qty": 3}, "order-123")

    assert reused.status == 422
    assert reused.body["error"] == "idempotency_key_reused"
    assert "Idempotency-Key" in reused.body["message"]
    assert aws.count() == 1
    assert aws.stored(first.body["id"])["data"] == {"sku": "A-1", "qty": 2}


def test_replay_after_update_returns_the_current_item(aws: Aws) -> None:
    created = post({"sku": "A-1"}, "order-9").body
    put(created["id"], 1, {"sku": "A-2"})

    replay = post({"sku": "A-1"}, "order-9")

    assert replay.status == 201
    assert replay.body["id"] == created["id"]
    assert replay.body["version"] == 2
    assert replay.body["data"] == {"sku": "A-2"}
    assert aws.count() == 1


def test_different_keys_and_no_key_create_distinct_items(aws: Aws) -> None:
    ids = {
        post({"x": 1}, "key-a").body["id"],
        post({"x": 1}, "key-b").body["id"],
        post({"x": 1}, None).body["id"],
        post({"x": 1}, None).body["id"],
    }

    assert len(ids) == 4
    assert aws.count() == 4


def test_idempotent_id_is_stable_across_containers(aws: Aws) -> None:
    from service.runtime import reset_runtime

    first = post({"x": 1}, "stable-key").body["id"]
    reset_runtime()
    second = post({"x": 1}, "stable-key")

    assert second.body["id"] == first
    assert second.headers["Idempotent-Replayed"] == "true"
