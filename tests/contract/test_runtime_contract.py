"""The runtime and the synthesised templates agree: variables, and the IAM each call needs.

The handler runs against moto with exactly the environment variables a
synthesised template gives the function (table names resolved to local
tables), through API Gateway events shaped like the `{proxy+}` resource the
stacks define. Every AWS call it makes is recorded with its resource and
checked against that template's policy, and the policy is checked for
grants no call used.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.support.synth import Synthesis, render

# Granted on purpose although the handler never calls them itself.
EXPECTED_EXTRAS = {
    "xray:PutTraceSegments": "the Lambda service sends X-Ray segments (Tracing.ACTIVE)",
    "xray:PutTelemetryRecords": "the Lambda service sends X-Ray telemetry (Tracing.ACTIVE)",
    "logs:CreateLogStream": "the Lambda service writes the function's logs",
    "logs:PutLogEvents": "the Lambda service writes the function's logs",
}
RUNTIME_READS = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL"}  # read by Powertools
API_KEY = "contract-test-key-0123456789abcdef"
CASES = [("multi", "items-api-staging", "staging"), ("single", "items-api-shared", "prod")]


@dataclass
class Call:
    action: str
    resource: str


@dataclass
class Recorder:
    calls: list[Call] = field(default_factory=list)

    def __call__(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        resource = params.get("TableName") or params.get("SecretId") or "*"
        self.calls.append(Call(f"{model.service_model.signing_name}:{model.name}", resource))


def function_of(synthesis: Synthesis, stack: str) -> dict[str, Any]:
    return synthesis.only(stack, "AWS::Lambda::Function")["Properties"]


def account_of(synthesis: Synthesis, stack: str) -> str:
    return synthesis.deployment[stack][0]


@pytest.mark.parametrize(("topology", "stack", "env"), CASES)
def test_runtime_reads_exactly_the_variables_the_template_sets(
    request: pytest.FixtureRequest, topology: str, stack: str, env: str
) -> None:
    from service.settings import ENV_VARS

    synthesis: Synthesis = request.getfixturevalue(topology)
    template_vars = set(function_of(synthesis, stack)["Environment"]["Variables"])
    runtime_vars = set(ENV_VARS) | RUNTIME_READS
    assert template_vars <= runtime_vars, f"set but never read: {template_vars - runtime_vars}"
    optional = {"APP_ENVIRONMENT"}  # only a function that serves one environment has it
    assert runtime_vars - optional <= template_vars, (
        f"read but never set: {runtime_vars - template_vars}"
    )
    assert ("APP_ENVIRONMENT" in template_vars) is (topology == "multi")


@pytest.fixture
def deployed(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Synthesis, str, str, dict[str, str]]]:
    """moto holding the template's table and secret, and the function's variables resolved."""
    topology, stack, env = request.param
    synthesis: Synthesis = request.getfixturevalue(topology)
    account = account_of(synthesis, stack)
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "MOTO_ACCOUNT_ID": account,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    variables = render(function_of(synthesis, stack)["Environment"]["Variables"])
    bindings = json.loads(variables["APP_ENVIRONMENTS"])
    local_names = {}
    for name, binding in bindings.items():
        logical = binding["table_name"].strip("${}")
        local_names[logical] = f"local-{name}-items"
        binding["table_name"] = local_names[logical]
    variables["APP_ENVIRONMENTS"] = json.dumps(bindings)
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="eu-west-1")
        secrets = boto3.client("secretsmanager", region_name="eu-west-1")
        for binding in bindings.values():
            dynamodb.create_table(
                TableName=binding["table_name"],
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            for arn in binding["secret_arns"].values():
                secrets.create_secret(Name=arn.split(":secret:")[1], SecretString=API_KEY)
        for key, value in variables.items():
            monkeypatch.setenv(key, value)
        yield synthesis, stack, env, local_names


def event(env: str, method: str, path: str, body: Any = None, key: str | None = API_KEY) -> dict:
    """A REST proxy event for the stacks' `{proxy+}` resource, with the env's stage variable."""
    headers = {"content-type": "application/json", **({"x-api-key": key} if key else {})}
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": {"environment": env},
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": f"/{env}{path}",
            "stage": env,
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "203.0.113.10"},
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


class Context:
    def __init__(self, qualifier: str) -> None:
        self.invoked_function_arn = f"arn:aws:lambda:eu-west-1:111111111111:function:fn:{qualifier}"
        self.aws_request_id = str(uuid.uuid4())
        self.function_name = "fn"
        self.memory_limit_in_mb = 512
        self.function_version = "1"


def drive_every_route(env: str, qualifier: str) -> None:
    from service.handler import lambda_handler
    from service.runtime import reset_runtime

    reset_runtime()

    def call(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return lambda_handler(event(env, *args, **kwargs), Context(qualifier))

    assert call("GET", "/health")["statusCode"] == 200
    created = call("POST", "/items", {"data": {"n": 1}})
    assert created["statusCode"] == 201, created
    item = json.loads(created["body"])
    assert call("GET", f"/items/{item['id']}")["statusCode"] == 200
    assert call("GET", "/items")["statusCode"] == 200
    assert (
        call("PUT", f"/items/{item['id']}", {"version": item["version"], "data": {"n": 2}})[
            "statusCode"
        ]
        == 200
    )
    assert call("POST", "/items", {"data": {}}, key="wrong")["statusCode"] == 401
    assert call("DELETE", f"/items/{item['id']}")["statusCode"] in (200, 204)


def policy_grants(
    synthesis: Synthesis, stack: str, local_names: dict[str, str]
) -> list[tuple[str, str]]:
    """(action, resource pattern) pairs of the function role's policies, tokens resolved."""
    account = account_of(synthesis, stack)
    grants = []
    for policy in synthesis.resources(stack, "AWS::IAM::Policy").values():
        document = render(policy["Properties"]["PolicyDocument"])
        for statement in document["Statement"]:
            actions = (
                statement["Action"]
                if isinstance(statement["Action"], list)
                else [statement["Action"]]
            )
            resources = (
                statement["Resource"]
                if isinstance(statement["Resource"], list)
                else [statement["Resource"]]
            )
            for resource in resources:
                resource = re.sub(
                    r"\$\{(\w+)\.Arn\}",
                    lambda m: (
                        f"arn:aws:dynamodb:eu-west-1:{account}:table/{local_names.get(m.group(1), m.group(1))}"
                    ),
                    resource,
                )
                grants.extend((action, resource) for action in actions)
    return grants


@pytest.mark.parametrize("deployed", CASES, indirect=True, ids=["multi", "single"])
def test_every_call_is_granted_on_its_resource_and_nothing_else_is(
    deployed: tuple[Synthesis, str, str, dict[str, str]],
) -> None:
    import service.aws

    synthesis, stack, _, local_names = deployed
    shared = stack == "items-api-shared"
    recorder = Recorder()
    session = service.aws.session()
    session.register("before-parameter-build", recorder, unique_id="contract-recorder")
    try:
        # Every environment the function serves, through the alias its stage invokes.
        for env in json.loads(os.environ["APP_ENVIRONMENTS"]):
            drive_every_route(env, env if shared else "live")
    finally:
        session.unregister("before-parameter-build", unique_id="contract-recorder")

    grants = policy_grants(synthesis, stack, local_names)
    secrets = boto3.client("secretsmanager", region_name="eu-west-1")
    calls = []
    for call in recorder.calls:
        target = call.resource
        if call.action.startswith("secretsmanager:"):
            target = secrets.describe_secret(SecretId=call.resource)["ARN"]
        elif call.action.startswith("dynamodb:"):
            target = (
                f"arn:aws:dynamodb:eu-west-1:{account_of(synthesis, stack)}:table/{call.resource}"
            )
        calls.append((call.action, target))
    denied = [
        c for c in calls if not any(c[0] == a and fnmatch.fnmatchcase(c[1], r) for a, r in grants)
    ]
    assert not denied, f"calls the role would deny: {denied}"

    assert {action for action, _ in calls} == {
        "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
        "dynamodb:Scan", "secretsmanager:GetSecretValue",
    }  # fmt: skip
    # Per action AND resource: a table or secret granted but never touched is excess too.
    unused = [
        (action, resource)
        for action, resource in grants
        if action not in EXPECTED_EXTRAS
        and not any(a == action and fnmatch.fnmatchcase(t, resource) for a, t in calls)
    ]
    assert not unused, f"granted but never used: {unused}"
    extras = {action for action, _ in grants} - {action for action, _ in calls}
    assert extras <= set(EXPECTED_EXTRAS), (
        f"granted but never used: {extras - set(EXPECTED_EXTRAS)}"
    )
