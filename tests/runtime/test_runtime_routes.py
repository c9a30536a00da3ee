"""Every route's happy path through the real handler against moto."""

from __future__ import annotations

from tests.runtime.apigw import invoke, load_event, set_body, set_header, set_path, set_query
from tests.runtime.conftest import API_KEYS, Aws


def create(data: dict, key: str | None = None, env: str = "dev") -> dict:
    event = set_header(load_event("create_item"), "Idempotency-Key", key)
    set_header(event, "x-api-key", API_KEYS[env])
    result = invoke(set_body(event, {"data": data}))
    assert result.status == 201, result.body
    return result.body


def test_health_reports_service_and_environment(aws: Aws) -> None:
    result = invoke(load_event("get_health"))

    assert result.status == 200
    assert result.body == {"status": "ok", "service": "items-service", "environment": "dev"}
    assert result.headers["Content-Type"] == "application/json"


def test_create_stores_item_at_version_one(aws: Aws) -> None:
    event = set_header(load_event("create_item"), "Idempotency-Key", None)
    set_header(event, "x-api-key", API_KEYS["dev"])

    result = invoke(event)

    assert result.status == 201
    body = result.body
    assert body["data"] == {"name": "widget", "price": 9.5, "tags": ["a", "b"]}
    assert body["version"] == 1
    assert body["created_at"] == body["updated_at"]
    assert body["created_at"].endswith("Z")
    assert set(body) == {"id", "data", "version", "created_at", "updated_at"}
    assert result.headers["Location"] == f"/items/{body['id']}"
    assert aws.stored(body["id"]) == {"id": body["id"], "data": body["data"], "version": 1}


def test_get_returns_stored_item(aws: Aws) -> None:
    created = create({"colour": "red", "nested": {"n": [1, 2.5, None, True]}})
    event = set_path(load_event("get_item"), f"/items/{created['id']}", created["id"])

    result = invoke(event)

    assert result.status == 200
    assert result.body == created


def test_get_decodes_url_encoded_id(aws: Aws) -> None:
    aws.dynamodb.put_item(
        TableName="items-dev",
        Item={
            "id": {"S": "a b/c"},
            "data": {"S": '{"x":1}'},
            "version": {"N": "4"},
            "created_at": {"S": "2025-01-01T00:00:00.000Z"},
            "updated_at": {"S": "2025-01-02T00:00:00.000Z"},
        },
    )
    event = set_path(load_event("get_item"), "/items/a%20b%2Fc", "a b/c")

    result = invoke(event)

    assert result.status == 200
    assert result.body["id"] == "a b/c"
    assert result.body["data"] == {"x": 1}
    assert result.body["version"] == 4


def test_put_replaces_data_and_bumps_version(aws: Aws) -> None:
    created = create({"name": "widget"})
    event = set_path(load_event("replace_item"), f"/items/{created['id']}", created["id"])
    set_header(event, "x-api-key", API_KEYS["dev"])
    set_body(event, {"version": 1, "data": {"name": "gadget", "price": 3}})

    result = invoke(event)

    assert result.status == 200
    assert result.body["version"] == 2
    assert result.body["data"] == {"name": "gadget", "price": 3}
    assert result.body["created_at"] == created["created_at"]
    assert result.body["updated_at"] >= created["updated_at"]
    assert aws.stored(created["id"]) == {
        "id": created["id"],
        "data": {"name": "gadget", "price": 3},
        "version": 2,
    }


def test_delete_removes_item(aws: Aws) -> None:
    created = create({"name": "widget"})
    event = set_path(load_event("delete_item"), f"/items/{created['id']}", created["id"])
    set_header(event, "x-api-key", API_KEYS["dev"])

    result = invoke(event)

    assert result.status == 204
    assert result.body is None
    assert aws.stored(created["id"]) is None
    again = invoke(event)
    assert again.status == 404
    assert again.body["error"] == "not_found"


def test_list_pages_through_every_item_exactly_once(aws: Aws) -> None:
    created_ids = {create({"n": n})["id"] for n in range(7)}
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params = {"limit": "3"} | ({"cursor": cursor} if cursor else {})
        result = invoke(set_query(load_event("list_items"), **params))
        assert result.status == 200
        assert len(result.body["items"]) <= 3
        seen += [item["id"] for item in result.body["items"]]
        pages += 1
        cursor = result.body["next_cursor"]
        if cursor is None:
            break
        assert isinstance(cursor, str)
    assert sorted(seen) == sorted(created_ids)
    assert pages >= 3


def test_list_uses_default_limit_when_absent(aws: Aws) -> None:
    for n in range(30):
        create({"n": n})

    result = invoke(set_query(load_event("list_items")))

    assert result.status == 200
    assert len(result.body["items"]) == 25
    assert result.body["next_cursor"] is not None


def test_list_of_empty_table(aws: Aws) -> None:
    result = invoke(load_event("list_items"))

    assert result.status == 200
    assert result.body == {"items": [], "next_cursor": None}


def test_trailing_slash_is_the_same_route(aws: Aws) -> None:
    created = create({"k": "v"})
    event = set_path(load_event("get_item"), f"/items/{created['id']}/", created["id"])

    result = invoke(event)

    assert result.status == 200
    assert result.body["id"] == created["id"]
