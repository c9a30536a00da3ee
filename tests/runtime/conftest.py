"""Runtime test fixtures: fake AWS credentials, moto, service settings and call recording.

AWS variables are set at import, before anything creates a botocore session, so no test can
reach a real account or read the developer's ~/.aws files.
"""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.runtime.aws_calls import ALLOWED_CALLS, RECORDED_CALLS, CallRecorder

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account
for _name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
    os.environ.pop(_name, None)
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION=REGION,
    AWS_REGION=REGION,
    AWS_CONFIG_FILE="/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE="/nonexistent/aws-credentials",
    POWERTOOLS_SERVICE_NAME="items-service",
    POWERTOOLS_LOG_LEVEL="INFO",
)

__all__ = ["RECORDED_CALLS"]  # re-exported: the session-wide set of (service, operation) pairs

ENVIRONMENTS = ("dev", "prod")
API_KEYS = {"dev": "dev-key-3f9a1c0e2b7d4a66", "prod": "prod-key-8b2e5d1f0c9a7e44"}


def table_name(env: str) -> str:
    return f"items-{env}"


def secret_name(env: str) -> str:
    return f"items/{env}/api-key"


def partial_arn(env: str) -> str:
    """What CDK passes: the secret ARN without the random six-character suffix."""
    return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{secret_name(env)}"


def app_environments(envs: tuple[str, ...] = ENVIRONMENTS) -> str:
    return json.dumps(
        {
            env: {"table_name": table_name(env), "secret_arns": {"api_key": partial_arn(env)}}
            for env in envs
        }
    )


BASE_SETTINGS = {
    "SERVICE_NAME": "items-service",
    "APP_ENVIRONMENTS": app_environments(),
    "APP_ENVIRONMENT": "dev",
    "MAX_BODY_BYTES": "4096",
    "SECRET_CACHE_TTL_SECONDS": "300",
}


@pytest.fixture(scope="session", autouse=True)
def _call_recorder() -> CallRecorder:
    import service.aws

    recorder = CallRecorder()
    recorder.attach(service.aws.session())
    return recorder


@pytest.fixture(autouse=True)
def _only_granted_calls() -> Iterator[None]:
    """Fail the first test that makes an AWS call the IAM policy would deny."""
    yield
    assert RECORDED_CALLS <= ALLOWED_CALLS, f"not granted: {RECORDED_CALLS - ALLOWED_CALLS}"


@pytest.fixture
def aws_calls(_call_recorder: CallRecorder) -> CallRecorder:
    """The AWS calls the runtime makes during this test."""
    _call_recorder.reset()
    return _call_recorder


@pytest.fixture(autouse=True)
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Multi-stack style settings for ``dev``; tests change them through the yielded monkeypatch.

    The runtime is reset around each test, as if every test ran in a fresh container.
    """
    from service.runtime import reset_runtime

    for name, value in BASE_SETTINGS.items():
        monkeypatch.setenv(name, value)
    reset_runtime()
    yield monkeypatch
    reset_runtime()


@dataclass
class Aws:
    """Handles on the moto backends for arranging state and checking what was stored."""

    dynamodb: Any
    secrets: Any

    def stored(self, item_id: str, env: str = "dev") -> dict[str, Any] | None:
        """The raw stored item, read directly from the table."""
        response = self.dynamodb.get_item(
            TableName=table_name(env), Key={"id": {"S": item_id}}, ConsistentRead=True
        )
        item = response.get("Item")
        if item is None:
            return None
        return {
            "id": item["id"]["S"],
            "data": json.loads(item["data"]["S"]),
            "version": int(item["version"]["N"]),
        }

    def count(self, env: str = "dev") -> int:
        return int(self.dynamodb.scan(TableName=table_name(env), Select="COUNT")["Count"])

    def rotate(self, new_key: str, env: str = "dev") -> None:
        self.secrets.put_secret_value(SecretId=secret_name(env), SecretString=new_key)


def create_resources(dynamodb: Any, secrets: Any, envs: tuple[str, ...] = ENVIRONMENTS) -> None:
    """The table and secret of each environment, as the CDK stacks create them."""
    for env in envs:
        dynamodb.create_table(
            TableName=table_name(env),
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        secrets.create_secret(Name=secret_name(env), SecretString=API_KEYS[env])


@pytest.fixture(scope="session")
def _setup_clients() -> tuple[Any, Any]:
    # Shared across tests: moto intercepts at send time, and building clients costs ~50 ms each.
    return boto3.client("dynamodb", region_name=REGION), boto3.client(
        "secretsmanager", region_name=REGION
    )


@pytest.fixture
def aws(_setup_clients: tuple[Any, Any]) -> Iterator[Aws]:
    """Fresh moto DynamoDB and Secrets Manager holding both environments' resources."""
    dynamodb, secrets = _setup_clients
    with mock_aws():
        create_resources(dynamodb, secrets)
        yield Aws(dynamodb, secrets)


@pytest.fixture
def logs() -> Iterator[LogCapture]:
    """Structured log records the runtime writes during the test: ``logs.records()``.

    Powertools binds its handler to the real stdout at import, so capsys cannot see it; a
    second handler with Powertools' own formatter captures exactly what CloudWatch would get.
    """
    from service.observability import logger

    capture = LogCapture()
    capture.handler.setFormatter(logger.registered_formatter)
    logger.addHandler(capture.handler)
    try:
        yield capture
    finally:
        logger.removeHandler(capture.handler)


class LogCapture:
    """The JSON lines one test's requests logged."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)

    def text(self) -> str:
        return self.stream.getvalue()

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text().splitlines() if line.strip()]
