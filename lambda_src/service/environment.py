"""Decide which environment a request belongs to.

The same code serves both topologies. In the single-stack topology one function serves several
environments, told apart by the alias it was invoked through or by the API Gateway stage
variable. In the multi-stack topology each function has exactly one environment, named by
``APP_ENVIRONMENT``; that rule comes last so that an alias that is not an environment name (for
example ``live``) still resolves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.settings import Settings

STAGE_VARIABLE = "environment"


class EnvironmentUnresolved(Exception):
    """No rule matched: the deployment is wired wrongly, not the request."""


def resolve_environment(
    settings: Settings, invoked_function_arn: str | None, event: Mapping[str, Any]
) -> str:
    """Return the environment name, or raise ``EnvironmentUnresolved`` explaining why not."""
    qualifier = alias_qualifier(invoked_function_arn)
    if qualifier is not None and qualifier in settings.environments:
        return qualifier
    stage_value = _stage_variable(event)
    if stage_value is not None and stage_value in settings.environments:
        return stage_value
    if settings.default_environment is not None:
        return settings.default_environment
    raise EnvironmentUnresolved(
        "no environment for this request: alias qualifier "
        f"{qualifier!r} and stage variable {STAGE_VARIABLE!r}={stage_value!r} are not keys of "
        "APP_ENVIRONMENTS, and APP_ENVIRONMENT is not set"
    )


def alias_qualifier(invoked_function_arn: str | None) -> str | None:
    """Return the qualifier of ``arn:aws:lambda:REGION:ACCOUNT:function:NAME:QUALIFIER``.

    An unqualified ARN has seven parts and yields ``None``.
    """
    if not invoked_function_arn:
        return None
    parts = invoked_function_arn.split(":")
    if len(parts) != 8 or parts[5] != "function":
        return None
    return parts[7] or None


def _stage_variable(event: Mapping[str, Any]) -> str | None:
    variables = event.get("stageVariables")
    if not isinstance(variables, Mapping):
        return None
    value = variables.get(STAGE_VARIABLE)
    return value if isinstance(value, str) else None
