"""The environment variables the function receives: the one interface between CDK and runtime.

`lambda_src/service` reads exactly these names (a contract test compares the
two), and nothing here is a secret value: secrets travel as ARNs.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Stack
from constructs import Construct

from stacks.config import FunctionSettings


def function_environment(
    scope: Construct,
    *,
    service_name: str,
    settings: FunctionSettings,
    bindings: Mapping[str, Mapping[str, object]],
    own_environment: str | None,
) -> dict[str, str]:
    """Variables for a function serving `bindings` (env name -> table and secret ARNs).

    `own_environment` is set when the function serves one environment only
    (multi-stack). A shared function (single-stack) leaves it unset and the
    runtime resolves the environment per request from its alias or stage.
    """
    variables = {
        "SERVICE_NAME": service_name,
        "POWERTOOLS_SERVICE_NAME": service_name,
        "POWERTOOLS_LOG_LEVEL": settings.log_level,
        "APP_ENVIRONMENTS": Stack.of(scope).to_json_string(dict(bindings)),
        "MAX_BODY_BYTES": str(settings.max_body_bytes),
        "SECRET_CACHE_TTL_SECONDS": str(settings.secret_cache_ttl_seconds),
    }
    if own_environment is not None:
        variables["APP_ENVIRONMENT"] = own_environment
    return variables
