"""Which deployed API the smoke tests call, and with which API key.

Two ways to name it, checked in this order:

- ``SMOKE_API_URL`` (and ``SMOKE_API_KEY`` for the write tests): any reachable API. This is how
  the CDK pipeline runs them, with the URL taken from the staging stack's outputs.
- ``SMOKE_ENV=<environment>``: the environment from cdk.json. Its stack's ``ApiUrl`` output and
  its API-key secret are read with the caller's AWS credentials (CloudFormation DescribeStacks,
  Secrets Manager GetSecretValue). This is how ``make smoke ENV=staging`` and CI run them.

With neither, every smoke test is skipped with `SKIP_REASON`, which is what `make test` shows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

SKIP_REASON = (
    "no deployed API to smoke-test: set SMOKE_API_URL (plus SMOKE_API_KEY for the write tests), "
    "or SMOKE_ENV=<environment> to read its stack outputs and API key with your AWS credentials "
    "(make smoke ENV=staging)"
)


class SmokeSetupError(Exception):
    """The named environment cannot be smoke-tested: a failure, not a skip."""


@dataclass(frozen=True)
class SmokeTarget:
    """A deployed API and what the tests may expect of it."""

    base_url: str
    api_key: str | None
    # The environment name /health must report, when known.
    environment: str | None
    # How the target was found, for failure messages.
    source: str

    def url(self, path: str) -> str:
        """`base_url` joined with an absolute API path: the stage URL may or may not end in /."""
        return self.base_url.rstrip("/") + path


def resolve(environ: Mapping[str, str]) -> SmokeTarget | None:
    """The target the environment variables name, or None when they name none."""
    url = environ.get("SMOKE_API_URL", "").strip()
    env_name = environ.get("SMOKE_ENV", "").strip() or None
    if url:
        if not url.startswith(("https://", "http://")):
            raise SmokeSetupError(f"SMOKE_API_URL must be an http(s) URL, got {url!r}")
        key = environ.get("SMOKE_API_KEY", "") or None
        return SmokeTarget(url, key, env_name, "SMOKE_API_URL")
    if env_name:
        return from_deployed_stack(env_name)
    return None


def from_deployed_stack(env_name: str) -> SmokeTarget:
    """Read the environment's API URL and key from AWS, as cdk.json places them."""
    from stacks.config import ConfigError, Topology, load_config

    context: dict[str, Any] = json.loads((ROOT / "cdk.json").read_text())["context"]
    try:
        config = load_config(context)
    except ConfigError as err:
        raise SmokeSetupError(f"cdk.json: {err}") from None
    envs = {env.name: env for env in config.environments}
    if env_name not in envs:
        raise SmokeSetupError(
            f"SMOKE_ENV={env_name!r} is not an environment in cdk.json; valid: {', '.join(envs)}"
        )
    env = envs[env_name]
    if config.topology is Topology.MULTI:
        stack, output_key, region = config.stack_name(env), "ApiUrl", env.region
    else:  # one shared stack with an ApiUrl<Env> output per environment (SharedStack)
        assert config.shared_stack is not None
        suffix = "".join(part.capitalize() for part in env.name.split("-"))
        stack, output_key = config.shared_stack_name, f"ApiUrl{suffix}"
        region = config.shared_stack.region
    url = _stack_output(stack, output_key, region)
    key = _secret_string(env.secrets["api_key"], region)
    return SmokeTarget(url, key, env_name, f"stack {stack} ({region})")


def _stack_output(stack: str, key: str, region: str) -> str:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        stacks = boto3.client("cloudformation", region_name=region).describe_stacks(
            StackName=stack
        )["Stacks"]
    except (BotoCoreError, ClientError) as err:
        raise SmokeSetupError(f"cannot describe stack {stack} in {region}: {err}") from None
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}
    if key not in outputs:
        raise SmokeSetupError(f"stack {stack} has no {key} output; outputs: {sorted(outputs)}")
    return str(outputs[key])


def _secret_string(secret_id: str, region: str) -> str:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        response = boto3.client("secretsmanager", region_name=region).get_secret_value(
            SecretId=secret_id
        )
    except (BotoCoreError, ClientError) as err:
        # The error names the secret, never its value.
        raise SmokeSetupError(f"cannot read the API key secret {secret_id}: {err}") from None
    value = response.get("SecretString")
    if not isinstance(value, str) or not value:
        raise SmokeSetupError(f"secret {secret_id} has no SecretString")
    return value
