"""Smoke and integration tests against a deployed API (see tests/smoke/target.py for how).

They exercise every route through API Gateway, Lambda, DynamoDB and Secrets Manager as a
client would. Writes use a fresh item marked as a smoke test and delete it again, so they are
safe to run against any environment, production included.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.smoke.client import ApiClient, Reply
from tests.smoke.target import SmokeTarget


def test_health_names_the_environment(api: ApiClient, target: SmokeTarget) -> None:
    reply = api.call("GET", "/health")

    assert reply.status == 200, reply.describe()
    assert reply.body["status"] == "ok"
    if target.environment is not None:
        assert reply.body["environment"] == target.environment


def test_list_returns_a_page_and_its_cursor_works(api: ApiClient) -> None:
    first = api.call("GET", "/items?limit=1")

    assert first.status == 200, first.describe()
    assert isinstance(first.body["items"], list)
    assert len(first.body["items"]) <= 1
    cursor = first.body["next_cursor"]
    if cursor is not None:
        following = api.call("GET", f"/items?limit=1&cursor={cursor}")
        assert following.status == 200, following.describe()


def test_a_missing_item_is_404(api: ApiClient) -> None:
    reply = api.call("GET", f"/items/smoke-missing-{uuid.uuid4()}")

    assert reply.status == 404, reply.describe()
    assert reply.body["error"] == "not_found"


@pytest.mark.parametrize("key", [None, "not-the-api-key"], ids=["no key", "wrong key"])
def test_writes_need_the_api_key(api: ApiClient, key: str | None) -> None:
    reply = api.call("POST", "/items", body={"data": {"smoke_test": True}}, api_key=key)

    assert reply.status == 401, reply.describe()
    assert reply.body["error"] == "unauthorized"


@pytest.fixture
def cleanup(api: ApiClient, api_key: str) -> Iterator[list[str]]:
    """Item ids a test created; whatever is still there afterwards is deleted."""
    created: list[str] = []
    yield created
    for item_id in created:
        api.call("DELETE", f"/items/{item_id}", api_key=api_key)


def test_item_round_trip(api: ApiClient, api_key: str, cleanup: list[str]) -> None:
    """Create (idempotently), read, update with the expected version, delete."""
    idempotency = {"Idempotency-Key": f"smoke-{uuid.uuid4()}"}
    data = {"smoke_test": True, "note": "created by tests/smoke; deleted at the end"}

    created = api.call("POST", "/items", body={"data": data}, headers=idempotency, api_key=api_key)
    assert created.status == 201, created.describe()
    item_id = created.body["id"]
    cleanup.append(item_id)
    assert created.body["version"] == 1
    assert created.headers["location"].endswith(f"/items/{item_id}")

    replayed = api.call("POST", "/items", body={"data": data}, headers=idempotency, api_key=api_key)
    assert replayed.status == 201, replayed.describe()
    assert replayed.body["id"] == item_id
    assert replayed.headers.get("idempotent-replayed") == "true"

    read = api.call("GET", f"/items/{item_id}")
    assert read.status == 200, read.describe()
    assert read.body["data"] == data

    changed = {**data, "note": "updated"}
    updated = _replace(api, api_key, item_id, version=1, data=changed)
    assert updated.status == 200, updated.describe()
    assert updated.body["version"] == 2
    assert updated.body["data"] == changed

    stale = _replace(api, api_key, item_id, version=1, data=data)
    assert stale.status == 409, stale.describe()
    assert stale.body["current_version"] == 2

    deleted = api.call("DELETE", f"/items/{item_id}", api_key=api_key)
    assert deleted.status == 204, deleted.describe()
    cleanup.remove(item_id)
    gone = api.call("GET", f"/items/{item_id}")
    assert gone.status == 404, gone.describe()


def _replace(api: ApiClient, api_key: str, item_id: str, *, version: int, data: dict) -> Reply:
    body = {"version": version, "data": data}
    return api.call("PUT", f"/items/{item_id}", body=body, api_key=api_key)
