"""How the smoke suite finds its target: `SMOKE_API_URL`, or `SMOKE_ENV` read from AWS (moto)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from local.fake_aws import fake_aws_environment
from stacks.config import load_config
from tests.smoke.target import SmokeSetupError, resolve
from tests.support.synth import project_context

CONFIG = load_config(project_context())  # resolve() reads cdk.json, so the names follow it
ENVS = {env.name: env for env in CONFIG.environments}
REGION = ENVS["staging"].region
STAGING_STACK = CONFIG.stack_name(ENVS["staging"])
STAGING_URL = f"https://abc123.execute-api.{REGION}.amazonaws.com/staging/"


@pytest.fixture
def deployed_staging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The staging stack with its ApiUrl output and API-key secret, as cdk.json names them."""
    for name, value in fake_aws_environment(REGION).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},  # any resource moto models
        "Outputs": {"ApiUrl": {"Value": STAGING_URL}, "TableName": {"Value": "items"}},
    }
    with mock_aws():
        boto3.client("cloudformation", region_name=REGION).create_stack(
            StackName=STAGING_STACK, TemplateBody=json.dumps(template)
        )
        boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name=ENVS["staging"].secrets["api_key"], SecretString="staging-key"
        )
        yield


def test_nothing_named_means_skip() -> None:
    assert resolve({}) is None


def test_an_explicit_url_needs_no_aws() -> None:
    target = resolve({"SMOKE_API_URL": STAGING_URL, "SMOKE_API_KEY": "k"})

    assert target is not None
    assert (target.api_key, target.url("/health")) == ("k", STAGING_URL + "health")


def test_an_explicit_url_must_be_http() -> None:
    with pytest.raises(SmokeSetupError, match="must be an http"):
        resolve({"SMOKE_API_URL": "file:///etc/passwd"})


@pytest.mark.usefixtures("deployed_staging")
def test_an_environment_is_read_from_its_stack_and_secret() -> None:
    target = resolve({"SMOKE_ENV": "staging"})

    assert target is not None
    assert target.base_url == STAGING_URL
    assert target.api_key == "staging-key"
    assert target.environment == "staging"


@pytest.mark.usefixtures("deployed_staging")
def test_an_environment_that_is_not_deployed_fails_instead_of_skipping() -> None:
    prod_stack = CONFIG.stack_name(ENVS["prod"])
    with pytest.raises(SmokeSetupError, match=f"cannot describe stack {prod_stack}"):
        resolve({"SMOKE_ENV": "prod"})


def test_an_unknown_environment_lists_the_valid_ones() -> None:
    with pytest.raises(SmokeSetupError, match="valid: test, staging, prod"):
        resolve({"SMOKE_ENV": "stage"})
