"""Property: whatever a client sends, the handler answers a JSON 4xx/2xx, never 5xx or a crash."""

from __future__ import annotations

import base64
import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from service.cursor import encode_cursor

from tests.runtime.apigw import FakeContext, load_event, set_path
from tests.runtime.conftest import API_KEYS, Aws

SEEDED = ("seed-1", "seed-2")
ANY_METHOD = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "get"])
ANY_ID = st.text(min_size=1, max_size=30).filter(lambda s: "/" not in s)
ANY_ITEM_PATH = ANY_ID.map(lambda i: f"/items/{i}")
# Weighted towards real routes and seeded items, so most examples get past routing into auth,
# parsing and the conditional writes; the last kinds throw anything at the router.
ROUTE_KINDS = {
    "create": st.tuples(st.just("POST"), st.just("/items")),
    "replace": st.tuples(st.just("PUT"), st.sampled_from(SEEDED).map(lambda i: f"/items/{i}")),
    "item": st.tuples(st.sampled_from(["GET", "PUT", "DELETE"]), ANY_ITEM_PATH),
    "read": st.tuples(
        st.just("GET"), st.sampled_from(["/items", "/items", "/health", "/items/seed-1"])
    ),
    "encoded": st.tuples(ANY_METHOD, st.from_regex(r"\A/items/[A-Za-z0-9%._~-]{1,30}/?\Z")),
    "anything": st.tuples(ANY_METHOD, st.text(max_size=60).map(lambda s: "/" + s)),
    "known": st.tuples(ANY_METHOD, st.sampled_from(["/health", "/items", "/items/", "/", ""])),
}
WEIGHTS = ["create"] * 3 + ["replace"] * 4 + ["read"] * 2 + ["item", "encoded", "anything", "known"]
ROUTES = st.sampled_from(WEIGHTS).flatmap(ROUTE_KINDS.__getitem__)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
VERSION = st.integers(1, 4)
DATA = st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=4)
VALID_BODY = st.fixed_dictionaries({"data": DATA}, optional={"version": st.integers(1, 4)}).map(
    json.dumps
)
BODIES = st.one_of(
    VALID_BODY,
    VALID_BODY,
    st.none(),
    st.text(max_size=200),
    JSON_VALUES.map(json.dumps),
    st.fixed_dictionaries(
        {"version": st.integers(-1, 4) | st.text(max_size=3), "data": DATA | JSON_VALUES},
        optional={"extra": JSON_VALUES},
    ).map(json.dumps),
)
VALID_KEY = st.just(API_KEYS["dev"])  # requests for prod (alias/stage) need the other key
API_KEY = st.sampled_from([True, True, True, False]).flatmap(
    lambda valid: (
        VALID_KEY if valid else st.sampled_from([API_KEYS["prod"], None, "", "wrong"]) | st.text()
    )
)
IDEMPOTENCY_KEY = st.sampled_from([None, None, "k1", "k2"]) | st.text(max_size=30)
OTHER_HEADERS = st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=30), max_size=3)
QUERY = st.fixed_dictionaries(
    {},
    optional={
        "limit": st.integers(-5, 500).map(str) | st.text(max_size=6),
        "cursor": st.text(min_size=1, max_size=10).map(encode_cursor) | st.text(max_size=20),
        "other": st.text(max_size=10),
    },
) | st.dictionaries(st.text(max_size=5), st.text(max_size=20), max_size=3)


@pytest.fixture
def seeded(aws: Aws) -> Aws:
    """Items PUT/DELETE/GET can hit, so examples reach the conditional writes."""
    for table, item_id in itertools.product(("items-dev", "items-prod"), SEEDED):
        aws.dynamodb.put_item(
            TableName=table,
            Item={
                "id": {"S": item_id},
                "data": {"S": "{}"},
                "version": {"N": "1"},
                "created_at": {"S": "2025-01-01T00:00:00.000Z"},
                "updated_at": {"S": "2025-01-01T00:00:00.000Z"},
            },
        )
    return aws


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=ROUTES,
    body=st.sampled_from([True, True, True, False]).flatmap(
        lambda valid: VALID_BODY if valid else BODIES
    ),
    b64=st.booleans(),
    api_key=API_KEY,
    idempotency_key=IDEMPOTENCY_KEY,
    other_headers=OTHER_HEADERS,
    query=QUERY,
    stage=st.none() | st.sampled_from(["dev", "prod", "qa"]),
    qualifier=st.none() | st.sampled_from(["dev", "prod", "live", "$LATEST"]),
)
def test_handler_never_answers_5xx(
    seeded: Aws,
    route: tuple[str, str],
    body: str | None,
    b64: bool,
    api_key: str | None,
    idempotency_key: str | None,
    other_headers: dict[str, str],
    query: dict[str, str],
    stage: str | None,
    qualifier: str | None,
) -> None:
    method, path = route
    headers = dict(other_headers)
    if api_key is not None:
        headers["x-api-key"] = api_key
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    request: dict[str, Any] = set_path(load_event("create_item"), path)
    request["httpMethod"] = method
    request["headers"] = headers
    request["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
    request["queryStringParameters"] = query or None
    request["stageVariables"] = {"environment": stage} if stage else None
    if b64 and body is not None:
        body = base64.b64encode(body.encode("utf-8", "surrogatepass")).decode("ascii")
    request["body"] = body
    request["isBase64Encoded"] = b64
    context = FakeContext.for_alias(qualifier) if qualifier else FakeContext()

    response = _handler()(request, context)
    event(f"status {response['statusCode']}")  # visible with --hypothesis-show-statistics

    assert 200 <= response["statusCode"] < 500, response
    text = response["body"]
    if response["statusCode"] == 204:
        assert text == ""
    else:
        decoded = json.loads(text)
        if response["statusCode"] >= 400:
            assert decoded["error"]
            assert decoded["message"]


def _handler() -> Any:
    from service.handler import lambda_handler

    return lambda_handler
