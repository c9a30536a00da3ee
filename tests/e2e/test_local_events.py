"""The local gateway's API Gateway behaviour, as data: request -> proxy event -> response."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from local.events import HttpRequest, http_response, proxy_event, split_stage
from local.template import LocalPlan, StageSpec
from tests.runtime.apigw import load_event

ARN = "arn:aws:lambda:eu-west-1:111111111111:function:items-api-shared-Service"
STAGE = StageSpec("prod", {"environment": "prod"}, f"{ARN}:prod")
PLAN = LocalPlan(
    stack_name="items-api-shared",
    account="111111111111",
    region="eu-west-1",
    api_id="abc123def4",
    function_name="items-api-shared-Service",
    function_environment={},
    timeout_seconds=10,
    memory_mb=512,
    stages=(STAGE,),
    tables=(),
    secrets={},
)
NOW = datetime(2025, 11, 26, 10, 0, 0, tzinfo=UTC)


def request(path: str, query: str = "", method: str = "GET", body: bytes = b"") -> HttpRequest:
    return HttpRequest(
        method=method,
        path=path,
        query=query,
        headers=[("Host", "127.0.0.1:8080"), ("Accept", "a"), ("accept", "b")],
        body=body,
        source_ip="127.0.0.1",
        host="127.0.0.1:8080",
    )


def event_for(req: HttpRequest) -> dict:
    return proxy_event(req, plan=PLAN, stage=STAGE, request_id="req-1", now=NOW)


def test_the_event_has_every_field_of_a_recorded_api_gateway_event() -> None:
    recorded = load_event("get_item")

    event = event_for(request("/prod/items/1"))

    assert set(event) == set(recorded)
    assert set(recorded["requestContext"]) <= set(event["requestContext"])


def test_a_proxy_path_keeps_its_encoding_and_drops_the_stage() -> None:
    event = event_for(request("/prod/items/a%20b%2Fc", query="limit=5&tag=x&tag=y", method="PUT"))

    assert (event["resource"], event["path"], event["httpMethod"]) == (
        "/{proxy+}", "/items/a%20b%2Fc", "PUT",
    )  # fmt: skip
    assert event["pathParameters"] == {"proxy": "items/a b/c"}
    assert event["queryStringParameters"] == {"limit": "5", "tag": "y"}
    assert event["multiValueQueryStringParameters"] == {"limit": ["5"], "tag": ["x", "y"]}
    assert event["multiValueHeaders"]["Accept"] == ["a"]
    assert event["multiValueHeaders"]["X-Forwarded-For"] == ["127.0.0.1"]
    assert event["stageVariables"] == {"environment": "prod"}
    context = event["requestContext"]
    assert (context["stage"], context["path"], context["resourcePath"]) == (
        "prod", "/prod/items/a%20b%2Fc", "/{proxy+}",
    )  # fmt: skip
    assert (context["accountId"], context["apiId"], context["requestId"]) == (
        "111111111111", "abc123def4", "req-1",
    )  # fmt: skip
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["requestTimeEpoch"] == 1764151200000


@pytest.mark.parametrize("path", ["/prod", "/prod/"])
def test_the_stage_root_is_the_root_resource(path: str) -> None:
    event = event_for(request(path))

    assert (event["resource"], event["path"], event["pathParameters"]) == ("/", "/", None)
    assert split_stage(path) == ("prod", "/")


def test_a_body_is_passed_as_text() -> None:
    event = event_for(request("/prod/items", method="POST", body=b'{"data": {}}'))

    assert (event["body"], event["isBase64Encoded"]) == ('{"data": {}}', False)
    assert event_for(request("/prod/items"))["body"] is None


def test_the_response_merges_both_header_maps_and_decodes_base64() -> None:
    result = {
        "statusCode": 201,
        "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"], "Content-Type": ["text/plain"]},
        "headers": {"content-type": "ignored", "Location": "/items/1"},
        "body": base64.b64encode(b"hello").decode(),
        "isBase64Encoded": True,
    }

    response = http_response(result, request_id="req-1")

    assert response.status == 201
    assert response.body == b"hello"
    assert [v for n, v in response.headers if n == "Set-Cookie"] == ["a=1", "b=2"]
    assert [v for n, v in response.headers if n.lower() == "content-type"] == ["text/plain"]
    assert ("Location", "/items/1") in response.headers
    assert ("x-amzn-RequestId", "req-1") in response.headers


@pytest.mark.parametrize(
    "result",
    [
        None,
        {},
        {"statusCode": "200"},
        {"statusCode": 99},
        {"statusCode": 200, "body": "%%", "isBase64Encoded": True},
    ],
)
def test_a_malformed_result_is_api_gateways_502(result: object) -> None:
    response = http_response(result, request_id="req-1")

    assert response.status == 502
    assert json.loads(response.body) == {"message": "Internal server error"}
