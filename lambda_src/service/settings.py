"""Typed settings read from the environment variables the CDK stack sets on the function.

The infrastructure and the runtime agree on these names (see ``ENV_VARS``); a contract test
compares them, so nothing else in the runtime reads ``os.environ``. Every problem is collected
and reported in one go so a broken deploy is fixed in one round trip, and messages name the
variable but never echo its value (a mis-pasted secret must not end up in the logs).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

ENV_VARS = (
    "SERVICE_NAME",
    "APP_ENVIRONMENTS",
    "APP_ENVIRONMENT",
    "MAX_BODY_BYTES",
    "SECRET_CACHE_TTL_SECONDS",
)
"""Every variable the runtime reads itself; Powertools reads POWERTOOLS_*, botocore AWS_*."""

# API Gateway refuses payloads above 10 MiB, so a larger limit can only be a typo.
_MAX_BODY_BYTES_CEILING = 10 * 1024 * 1024
_MAX_TTL_SECONDS = 24 * 60 * 60
_ENV_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_SECRET_ARN = re.compile(
    r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$"
)
_ENTRY_KEYS = frozenset({"table_name", "secret_arns"})


@dataclass(frozen=True, slots=True)
class EnvironmentConfig:
    """Where one environment's data and API key live."""

    name: str
    table_name: str
    api_key_secret_arn: str


@dataclass(frozen=True, slots=True)
class Settings:
    """Validated configuration; built once per container."""

    service_name: str
    environments: Mapping[str, EnvironmentConfig]
    default_environment: str | None
    max_body_bytes: int
    secret_cache_ttl_seconds: int


class SettingsError(Exception):
    """Raised with every problem found, so the log names all broken variables at once."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Parse and validate the environment; raise ``SettingsError`` listing every problem."""
    problems: list[str] = []
    service_name = environ.get("SERVICE_NAME", "").strip()
    if not service_name:
        problems.append("SERVICE_NAME is missing or empty")
    before = len(problems)
    environments = _parse_environments(environ.get("APP_ENVIRONMENTS"), problems)
    map_is_valid = len(problems) == before
    default_environment = environ.get("APP_ENVIRONMENT")
    # Only judged against a valid map; otherwise it would repeat the map's own complaint.
    if map_is_valid and default_environment is not None and default_environment not in environments:
        problems.append("APP_ENVIRONMENT is set but is not a key of APP_ENVIRONMENTS")
    max_body = _parse_int(environ, "MAX_BODY_BYTES", 1, _MAX_BODY_BYTES_CEILING, problems)
    ttl = _parse_int(environ, "SECRET_CACHE_TTL_SECONDS", 0, _MAX_TTL_SECONDS, problems)
    if problems:
        raise SettingsError(problems)
    return Settings(
        service_name=service_name,
        environments=MappingProxyType(environments),
        default_environment=default_environment,
        max_body_bytes=max_body,
        secret_cache_ttl_seconds=ttl,
    )


def _parse_int(
    environ: Mapping[str, str], name: str, low: int, high: int, problems: list[str]
) -> int:
    raw = environ.get(name)
    if raw is None or not raw.strip():
        problems.append(f"{name} is missing")
        return 0
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        problems.append(f"{name} must be an integer between {low} and {high}")
        return 0
    return int(text)


def _parse_environments(raw: str | None, problems: list[str]) -> dict[str, EnvironmentConfig]:
    if raw is None or not raw.strip():
        problems.append("APP_ENVIRONMENTS is missing")
        return {}
    try:
        decoded: Any = json.loads(raw)
    except ValueError:
        problems.append("APP_ENVIRONMENTS is not valid JSON")
        return {}
    if not isinstance(decoded, dict) or not decoded:
        problems.append("APP_ENVIRONMENTS must be a non-empty JSON object")
        return {}
    result: dict[str, EnvironmentConfig] = {}
    for name, entry in decoded.items():
        config = _parse_entry(name, entry, problems)
        if config is not None:
            result[name] = config
    return result


def _parse_entry(name: str, entry: Any, problems: list[str]) -> EnvironmentConfig | None:
    where = f"APP_ENVIRONMENTS[{name!r}]" if _ENV_NAME.match(name) else "APP_ENVIRONMENTS key"
    if not _ENV_NAME.match(name):
        problems.append(f"{where} must match {_ENV_NAME.pattern}")
        return None
    if not isinstance(entry, dict):
        problems.append(f"{where} must be a JSON object")
        return None
    count = len(problems)
    _reject_unknown(where, entry, _ENTRY_KEYS, problems)
    table_name = entry.get("table_name")
    if not isinstance(table_name, str) or not table_name:
        problems.append(f"{where}.table_name must be a non-empty string")
    secrets = entry.get("secret_arns")
    arn: Any = None
    if not isinstance(secrets, dict):
        problems.append(f"{where}.secret_arns must be a JSON object")
    else:
        # Extra secrets are allowed: the stack config lets a fork add some before its code
        # uses them. Each must still be an ARN, and api_key must be there.
        for logical in sorted(set(secrets) | {"api_key"}):
            value = secrets.get(logical)
            if not isinstance(value, str) or not _SECRET_ARN.match(value):
                problems.append(f"{where}.secret_arns.{logical} must be a Secrets Manager ARN")
        arn = secrets.get("api_key")
    if len(problems) != count:
        return None
    return EnvironmentConfig(name=name, table_name=str(table_name), api_key_secret_arn=str(arn))


def _reject_unknown(
    where: str, entry: dict[str, Any], allowed: frozenset[str], problems: list[str]
) -> None:
    # Unknown keys mean the infrastructure and runtime drifted apart; fail loudly, not silently.
    unknown = sorted(set(entry) - allowed)
    if unknown:
        problems.append(f"{where} has unknown keys {unknown}; allowed: {sorted(allowed)}")
