"""Turn a synthesised cloud assembly into a ``LocalPlan``: what to create and how to call it.

Everything the local stack does comes from the template that would be deployed: the tables'
key schema, the function's environment variables, the stages and their variables, and the alias
each stage's integration invokes. Nothing is restated here, so a change to the stacks changes
the local stack too, and anything this reader cannot map fails with a message instead of being
guessed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local.intrinsics import LocalSetupError, Resolver

PROXY_PATH_PART = "{proxy+}"
# The CreateTable arguments a template's table definition maps to one for one.
_TABLE_KEYS = (
    "KeySchema",
    "AttributeDefinitions",
    "BillingMode",
    "ProvisionedThroughput",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
)
_INVOCATION = re.compile(r"/functions/(?P<arn>arn:[^/]+)/invocations$")
_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.(?P<name>[A-Za-z0-9_]+)\}")

__all__ = ["LocalPlan", "LocalSetupError", "StageSpec", "TableSpec", "load_plan"]


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One table: its local name and the CreateTable arguments from the template."""

    logical_id: str
    name: str
    definition: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class StageSpec:
    """One API stage: the variables API Gateway adds to each event and the ARN it invokes."""

    name: str
    variables: Mapping[str, str] | None  # None when the stage sets none: API Gateway sends null
    invoked_function_arn: str  # qualified with the alias the stage's integration names


@dataclass(frozen=True, slots=True)
class LocalPlan:
    """Everything the local stack needs, resolved from one stack of the assembly."""

    stack_name: str
    account: str
    region: str
    api_id: str
    function_name: str
    function_environment: Mapping[str, str]
    timeout_seconds: int
    memory_mb: int
    stages: tuple[StageSpec, ...]
    tables: tuple[TableSpec, ...]
    # Environment -> logical secret name (api_key, ...) -> secret name in Secrets Manager.
    secrets: Mapping[str, Mapping[str, str]]

    def stage(self, name: str) -> StageSpec | None:
        return next((stage for stage in self.stages if stage.name == name), None)


def load_plan(cdk_out: Path, *, environment: str | None) -> LocalPlan:
    """The plan for the stack that serves ``environment`` (its stage name) in ``cdk_out``."""
    stack_name, account, region, template = _select_stack(cdk_out, environment)
    resources: dict[str, dict[str, Any]] = template.get("Resources", {})
    tables = _tables(stack_name, resources)
    resolver = Resolver(
        stack_name=stack_name,
        account=account,
        region=region,
        resources=resources,
        table_names={table.logical_id: table.name for table in tables},
        api_id=_api_id(stack_name),
    )
    proxy_uri = _proxy_integration_uri(resources, resolver)
    stages = tuple(_stages(resources, proxy_uri))
    # arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
    function_names = {stage.invoked_function_arn.split(":")[6] for stage in stages}
    if len(function_names) != 1:
        raise LocalSetupError(
            f"{stack_name}: the stages invoke {sorted(function_names)}; "
            "the local runner serves exactly one function"
        )
    function_name = function_names.pop()
    function = resources[resolver.function_logical_id(function_name)]["Properties"]
    variables = resolver.resolve(function.get("Environment", {}).get("Variables", {}))
    if not all(isinstance(value, str) for value in variables.values()):
        raise LocalSetupError(f"{stack_name}: the function's variables did not resolve to text")
    return LocalPlan(
        stack_name=stack_name,
        account=account,
        region=region,
        api_id=_api_id(stack_name),
        function_name=function_name,
        function_environment=variables,
        timeout_seconds=int(function.get("Timeout", 3)),
        memory_mb=int(function.get("MemorySize", 128)),
        stages=stages,
        tables=tables,
        secrets=_secrets(stack_name, account, region, variables, tables),
    )


def _select_stack(cdk_out: Path, environment: str | None) -> tuple[str, str, str, dict[str, Any]]:
    manifest_path = cdk_out / "manifest.json"
    if not manifest_path.is_file():
        raise LocalSetupError(f"{cdk_out} is not a cloud assembly (no manifest.json)")
    manifest = json.loads(manifest_path.read_text())
    candidates: list[tuple[str, str, str, dict[str, Any], list[str]]] = []
    for artifact_id, artifact in manifest.get("artifacts", {}).items():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        properties = artifact.get("properties", {})
        template = json.loads((cdk_out / properties["templateFile"]).read_text())
        account, region = artifact["environment"].removeprefix("aws://").split("/")
        stage_names = [
            str(r["Properties"].get("StageName"))
            for r in template.get("Resources", {}).values()
            if r.get("Type") == "AWS::ApiGateway::Stage"
        ]
        name = properties.get("stackName", artifact_id)
        candidates.append((name, account, region, template, stage_names))
    matches = [c for c in candidates if environment is None or environment in c[4]]
    if len(matches) != 1:
        served = "; ".join(f"{c[0]}: {', '.join(c[4]) or 'no API'}" for c in candidates)
        wanted = f"a stage named {environment!r}" if environment else "exactly one stack"
        raise LocalSetupError(f"{cdk_out} has no single stack with {wanted} (stages: {served})")
    name, account, region, template, _ = matches[0]
    return name, account, region, template


def _api_id(stack_name: str) -> str:
    # Deterministic, and shaped like a real one (10 lower-case alphanumerics).
    return hashlib.sha256(stack_name.encode()).hexdigest()[:10]


def _tables(stack_name: str, resources: Mapping[str, Any]) -> tuple[TableSpec, ...]:
    tables = []
    for logical_id, resource in resources.items():
        if resource.get("Type") != "AWS::DynamoDB::Table":
            continue
        properties = resource.get("Properties", {})
        # An explicit TableName is what is deployed; otherwise CloudFormation would generate
        # "<stack>-<logical id>-<suffix>", which is this minus the random suffix.
        name = properties.get("TableName")
        if not isinstance(name, str):
            name = f"{stack_name}-{logical_id}"[:255]
        definition = {key: properties[key] for key in _TABLE_KEYS if key in properties}
        definition.setdefault("BillingMode", "PROVISIONED")  # CloudFormation's default
        tables.append(TableSpec(logical_id=logical_id, name=name, definition=definition))
    return tuple(tables)


def _proxy_integration_uri(resources: Mapping[str, Any], resolver: Resolver) -> str:
    proxies = {
        logical_id
        for logical_id, resource in resources.items()
        if resource.get("Type") == "AWS::ApiGateway::Resource"
        and resource.get("Properties", {}).get("PathPart") == PROXY_PATH_PART
    }
    for resource in resources.values():
        properties = resource.get("Properties", {})
        if (
            resource.get("Type") == "AWS::ApiGateway::Method"
            and properties.get("ResourceId") in ({"Ref": p} for p in proxies)
            and properties.get("HttpMethod") == "ANY"
            and properties.get("Integration", {}).get("Type") == "AWS_PROXY"
        ):
            uri = resolver.resolve(properties["Integration"]["Uri"])
            if isinstance(uri, str):
                return uri
    raise LocalSetupError("no ANY method with a Lambda proxy integration on a /{proxy+} resource")


def _stages(resources: Mapping[str, Any], proxy_uri: str) -> list[StageSpec]:
    stages = []
    for resource in resources.values():
        if resource.get("Type") != "AWS::ApiGateway::Stage":
            continue
        properties = resource["Properties"]
        variables = {str(k): str(v) for k, v in (properties.get("Variables") or {}).items()}
        name = str(properties["StageName"])

        def substitute(match: re.Match[str], stage: str = name, values: Any = variables) -> str:
            if match["name"] not in values:
                raise LocalSetupError(
                    f"stage {stage} does not set ${{stageVariables.{match['name']}}}"
                )
            return str(values[match["name"]])

        found = _INVOCATION.search(_STAGE_VARIABLE.sub(substitute, proxy_uri))
        if found is None:
            raise LocalSetupError(f"cannot read the invoked function from {proxy_uri!r}")
        stages.append(StageSpec(name, variables or None, found["arn"]))
    if not stages:
        raise LocalSetupError("the API has no stage")
    return stages


def _secrets(
    stack_name: str,
    account: str,
    region: str,
    variables: Mapping[str, str],
    tables: tuple[TableSpec, ...],
) -> dict[str, dict[str, str]]:
    """Secret names per environment, from the ARNs in APP_ENVIRONMENTS (the runtime's contract)."""
    bindings = json.loads(variables.get("APP_ENVIRONMENTS", "{}"))
    local_tables = {table.name for table in tables}
    prefix = f"arn:aws:secretsmanager:{region}:{account}:secret:"
    secrets: dict[str, dict[str, str]] = {}
    for env, binding in bindings.items():
        if binding.get("table_name") not in local_tables:
            raise LocalSetupError(
                f"{stack_name}: {env}'s table {binding.get('table_name')!r} is not defined in the "
                "template (existing_table_name?), so its schema is unknown locally"
            )
        for logical, arn in binding.get("secret_arns", {}).items():
            if not str(arn).startswith(prefix):
                raise LocalSetupError(
                    f"{env}: secret {arn} is not in {account}/{region}; "
                    "moto resolves partial ARNs only in the stack's account"
                )
            secrets.setdefault(env, {})[logical] = str(arn).removeprefix(prefix)
    return secrets
