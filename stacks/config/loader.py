"""Turns raw CDK context into a validated `AppConfig`, or one `ConfigError` listing every problem.

This is the only place that knows which environment is which. Constructs get the
resolved values and never ask for an environment's name.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from stacks.config import short_lived
from stacks.config.errors import ConfigError, show
from stacks.config.model import (
    ENV_NAME_PATTERN,
    SERVICE_NAME_PATTERN,
    AppConfig,
    EnvironmentConfig,
    FunctionSettings,
    SharedStackConfig,
    Topology,
)

# The context keys this app reads. `env` and `topology` are usually given on the
# command line (`-c env=staging`); the rest live in cdk.json.
CONTEXT_KEYS = (
    "service_name",
    "topology",
    "single_stack",
    "defaults",
    "environments",
    "short_lived",
    "env",
)

# In the single-stack topology one function serves every environment, so these
# function-level settings cannot differ between environments.
SHARED_FUNCTION_FIELDS = tuple(FunctionSettings.model_fields)


@functools.cache
def known_regions() -> frozenset[str]:
    """Regions the installed aws-cdk-lib knows, so a typo like `eu-west1` fails at synth."""
    from aws_cdk import region_info  # deferred: importing aws_cdk starts a jsii process

    return frozenset(r.name for r in region_info.RegionInfo.regions)


def load_config(context: Mapping[str, Any], *, now: datetime | None = None) -> AppConfig:
    """Validate the raw context and resolve every environment.

    Raises `ConfigError` with all problems at once; never any other exception,
    whatever the input (a property-based test holds it to that). `now` dates
    the expiry of a short-lived environment; tests pin it.
    """
    problems: list[str] = []
    service_name = _service_name(context.get("service_name"), problems)
    topology = _topology(context.get("topology", Topology.MULTI.value), problems)
    defaults = context.get("defaults", {})
    if not isinstance(defaults, Mapping):
        problems.append(f"defaults: expected an object, got {show(defaults)}")
        defaults = {}
    raw_envs = context.get("environments")
    if not isinstance(raw_envs, Mapping) or not raw_envs:
        problems.append(
            'environments: expected an object with at least one environment, e.g. {"test": '
            '{"account": "111111111111", "region": "eu-west-1"}}'
        )
        raw_envs = {}

    environments = []
    for name, overrides in raw_envs.items():
        env = _environment(str(name), overrides, defaults, service_name, problems)
        if env is not None:
            environments.append(env)

    shared_stack = _shared_stack(context.get("single_stack"), topology, problems)
    if topology is Topology.SINGLE:
        _check_shared_function(environments, problems)
    rules = short_lived.parse_rules(
        context.get("short_lived"), [str(n) for n in raw_envs], problems
    )
    selected, derived = _selection(
        context.get("env"), environments, raw_envs, rules, topology, now, problems
    )
    if problems:
        raise ConfigError(problems)
    environments.extend(derived)

    config = AppConfig(
        service_name=service_name,
        topology=topology,
        environments=tuple(environments),
        selected=selected,
        shared_stack=shared_stack,
    )
    _check_stack_names(config)
    return config


def _service_name(value: Any, problems: list[str]) -> str:
    if isinstance(value, str) and SERVICE_NAME_PATTERN.match(value):
        return value
    problems.append(
        f"service_name: {show(value)} is not a valid service name; use 2-40 lower-case "
        'letters, digits and hyphens, starting with a letter, e.g. "orders-api"'
    )
    return "invalid"


def _topology(value: Any, problems: list[str]) -> Topology:
    try:
        return Topology(value)
    except ValueError:
        valid = ", ".join(t.value for t in Topology)
        problems.append(f"topology: unknown topology {show(value)}; use one of: {valid}")
        return Topology.MULTI


def _shared_stack(value: Any, topology: Topology, problems: list[str]) -> SharedStackConfig | None:
    if value is None:
        if topology is Topology.SINGLE:
            problems.append(
                "single_stack: required with topology=single, to say where the one shared stack "
                'lives, e.g. {"account": "111111111111", "region": "eu-west-1"}'
            )
        return None
    try:
        shared = SharedStackConfig.model_validate(value)
    except ValidationError as err:
        for error in err.errors(include_url=False):
            where = ".".join(["single_stack", *(str(p) for p in error["loc"])])
            if error["type"] == "extra_forbidden":
                problems.append(f"{where}: unknown key; valid keys here: account, region")
            else:
                msg = error["msg"].removeprefix("Value error, ")
                problems.append(f"{where}: {msg} (got {show(error.get('input'))})")
        return None
    if shared.region not in known_regions():
        problems.append(f"single_stack.region: {shared.region!r} is not an AWS region")
        return None
    return shared


def _environment(
    name: str,
    overrides: Any,
    defaults: Mapping[str, Any],
    service_name: str,
    problems: list[str],
) -> EnvironmentConfig | None:
    where = f"environments.{name}"
    if not ENV_NAME_PATTERN.match(name):
        problems.append(
            f"{where}: {name!r} is not a valid environment name; use 1-24 lower-case letters, "
            "digits and hyphens, starting with a letter"
        )
        return None
    if not isinstance(overrides, Mapping):
        problems.append(f"{where}: expected an object, got {show(overrides)}")
        return None
    if "name" in overrides or "name" in defaults:
        problems.append(f"{where}: 'name' comes from the key under environments; remove it")
        return None

    merged = _deep_merge(defaults, overrides)
    merged["name"] = name
    secrets = merged.get("secrets")
    if isinstance(secrets, Mapping):
        merged["secrets"] = {
            k: v.replace("{service}", service_name).replace("{env}", name)
            if isinstance(v, str)
            else v
            for k, v in secrets.items()
        }
    try:
        env = EnvironmentConfig.model_validate(merged)
    except ValidationError as err:
        problems.extend(_describe(err, name, overrides))
        return None
    if env.region not in known_regions():
        close = difflib.get_close_matches(env.region, sorted(known_regions()), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problems.append(
            f"{_source(('region',), name, overrides)}: {env.region!r} is not an AWS region{hint}"
        )
        return None
    return env


def _deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _describe(err: ValidationError, env_name: str, overrides: Mapping[str, Any]) -> list[str]:
    """Rewrite pydantic's errors as `<where in cdk.json>: <what is wrong and how to fix it>`."""
    messages = []
    for error in err.errors(include_url=False):
        loc = tuple(str(part) for part in error["loc"])
        where = _source(loc, env_name, overrides)
        kind = error["type"]
        if kind == "extra_forbidden":
            messages.append(f"{where}: unknown key{_suggest(loc)}")
        elif kind == "missing":
            messages.append(
                f"environments.{env_name}.{'.'.join(loc)}: required; set it in "
                f"environments.{env_name} (or in defaults if it is the same everywhere)"
            )
        elif kind == "string_type" and loc[-1] == "account":
            messages.append(
                f"{where}: {show(error.get('input'))} is not a string; write the account ID "
                'in quotes, e.g. "012345678901" (as a number it would lose leading zeros)'
            )
        elif kind == "value_error":  # our validators quote the value themselves
            messages.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
        else:
            messages.append(f"{where}: {error['msg']} (got {show(error.get('input'))})")
    return messages


def _source(loc: tuple[str, ...], env_name: str, overrides: Mapping[str, Any]) -> str:
    """Point at the line the user has to edit: the environment's override, or the default."""
    if not loc:  # a rule across fields of the environment
        return f"environments.{env_name}"
    node: Any = overrides
    for part in loc:
        if not isinstance(node, Mapping) or part not in node:
            return f"defaults.{'.'.join(loc)} (used by environment {env_name!r})"
        node = node[part]
    return f"environments.{env_name}.{'.'.join(loc)}"


def _suggest(loc: tuple[str, ...]) -> str:
    fields = _fields_at(EnvironmentConfig, loc[:-1])
    if fields is None:  # free-form maps (tags, secrets) accept any key
        return ""
    close = difflib.get_close_matches(loc[-1], fields, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; valid keys here: {', '.join(sorted(fields))}"


def _fields_at(model: type[BaseModel], path: tuple[str, ...]) -> list[str] | None:
    for part in path:
        field = model.model_fields.get(part)
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return [f for f in model.model_fields if f != "name"]


def _check_shared_function(environments: list[EnvironmentConfig], problems: list[str]) -> None:
    for field in SHARED_FUNCTION_FIELDS:
        values = {e.name: getattr(e.function, field) for e in environments}
        if len(set(values.values())) > 1:
            listed = ", ".join(f"{name}={value}" for name, value in values.items())
            problems.append(
                f"function.{field}: topology=single runs one function for every environment, "
                f"so it must be the same everywhere ({listed}); set it once in defaults, "
                "or use topology=multi"
            )


def _selection(
    value: Any,
    environments: Sequence[EnvironmentConfig],
    raw_envs: Mapping[str, Any],
    rules: Sequence[short_lived.ShortLivedRule],
    topology: Topology,
    now: datetime | None,
    problems: list[str],
) -> tuple[tuple[str, ...], list[EnvironmentConfig]]:
    """Which environments to build, plus the short-lived one `value` names, if any."""
    names = tuple(str(n) for n in raw_envs)
    if value is None:
        return names, []
    derived = None
    if isinstance(value, str) and value not in names:
        bases = {e.name: e for e in environments}
        derived = short_lived.derive(value, rules, bases, now or datetime.now(UTC))
    if not isinstance(value, str) or (value not in names and derived is None):
        patterns = "; short-lived names match " + " or ".join(r.pattern for r in rules)
        problems.append(
            f"env: unknown environment {show(value)}; valid environments: {', '.join(names)}"
            + (patterns if rules else "")
        )
        return names, []
    if topology is Topology.SINGLE:
        problems.append(
            f"env: topology=single keeps every environment in one shared stack, so it cannot "
            f"deploy {value!r} alone; drop -c env={value}, or use -c topology=multi"
        )
    return (value,), [derived] if derived else []


def _check_stack_names(config: AppConfig) -> None:
    owners: dict[str, str] = {}
    if config.topology is Topology.SINGLE:
        owners[config.shared_stack_name.lower()] = "the shared stack"
    problems = []
    for env in config.environments:
        stack = config.stack_name(env)
        if stack.lower() in owners:
            problems.append(
                f"environments.{env.name}: its stack name {stack!r} is already used by "
                f"{owners[stack.lower()]}; set a different stack_name"
            )
        owners.setdefault(stack.lower(), f"environment {env.name!r}")
    if problems:
        raise ConfigError(problems)
