"""Reads one stack's template into proto-nodes and proto-edges keyed by logical ID.

Environments are settled last: a stage, a table or a secret names its
environment directly (stage name, the runtime's APP_ENVIRONMENTS); aliases,
log groups, alarms and topics take the environment of what invokes, writes to
or is watched by them; whatever is left (the function, the API) belongs to the
stack's one environment, or is shared when the stack serves several.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from diagrams.cfn import TOKEN, as_list, first_ref, flatten, of_type, stem
from diagrams.model import EdgeKind, NodeKind

# The runtime's map of environment -> table and secret ARNs (stacks/runtime_contract.py).
BINDINGS_VARIABLE = "APP_ENVIRONMENTS"
_INTEGRATION = re.compile(r"/functions/<<(\w+)>>(?::([^/]+))?/invocations")
_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.(\w+)\}")
_EXECUTE_ARN = re.compile(r"<<(\w+)>>/([^/*]+)/")
_SECRET_ARN = re.compile(r":secret:(.+?)(?:-\?{6}|\*)?$")
_TABLE_ARN = re.compile(r":table/([A-Za-z0-9_.-]+)$")
_WRITES = re.compile(r"^dynamodb:(\*|Put|Update|Delete|BatchWrite)")
_READS = re.compile(r"^(dynamodb:(\*|Get|Query|Scan|BatchGet|ConditionCheck)|secretsmanager:)")


@dataclass
class Proto:
    """A node before its ID is known; `slot` is the ID without the environment."""

    key: str
    kind: NodeKind
    label: str
    slot: str
    environment: str | None = None


@dataclass(frozen=True)
class ProtoEdge:
    source: str
    target: str
    kind: EdgeKind
    label: str = ""


class StackReader:
    """One template's resources and relations, as the diagram sees them."""

    def __init__(self, template: Mapping[str, Any]) -> None:
        self._resources: Mapping[str, Any] = template.get("Resources", {})
        self._protos: dict[str, Proto] = {}
        self._edges: set[ProtoEdge] = set()
        self._table_env: dict[str, str] = {}
        self._secret_env: dict[str, tuple[str, str]] = {}
        self._aliases: dict[tuple[str, str], str] = {}
        self._stages: dict[str, dict[str, str]] = defaultdict(dict)
        self.environments: list[str] = []

    def read(self) -> tuple[list[Proto], set[ProtoEdge]]:
        self._bindings()
        self._functions()
        self._aliases_of_functions()
        self._apis()
        self._permissions()
        self._grants()
        self._alarms()
        for logical_id, _ in of_type(self._resources, "AWS::Logs::LogGroup"):
            self._add(logical_id, NodeKind.LOG_GROUP, "log group", f"logs/{stem(logical_id)}")
        for logical_id, _ in of_type(self._resources, "AWS::DynamoDB::Table"):
            self._table(logical_id)
        self._settle_environments()
        return list(self._protos.values()), self._edges

    # Resources ------------------------------------------------------------------------------

    def _bindings(self) -> None:
        """Which environment each table and secret serves, from the runtime's own config."""
        for _, props in of_type(self._resources, "AWS::Lambda::Function"):
            raw = props.get("Environment", {}).get("Variables", {}).get(BINDINGS_VARIABLE)
            try:
                bindings = json.loads(flatten(raw)) if raw is not None else {}
            except ValueError:
                continue
            for env, binding in bindings.items():
                self._see(env)
                table = str(binding.get("table_name", ""))
                token = TOKEN.fullmatch(table)
                self._table_env[token.group(1) if token else table] = env
                for logical, arn in (binding.get("secret_arns") or {}).items():
                    match = _SECRET_ARN.search(str(arn))
                    if match:
                        self._secret_env[match.group(1)] = (env, logical)

    def _functions(self) -> None:
        for fn, props in of_type(self._resources, "AWS::Lambda::Function"):
            runtime = props.get("Runtime", "container image")
            arch = ", ".join(as_list(props.get("Architectures")) or ["x86_64"])
            self._add(fn, NodeKind.FUNCTION, f"Lambda function\n{runtime}, {arch}", "function")
            log_group = first_ref(props.get("LoggingConfig", {}).get("LogGroup")) or ""
            if log_group in self._resources:
                self._add(log_group, NodeKind.LOG_GROUP, "function logs", "function-logs")
                self._edge(fn, log_group, EdgeKind.LOGS_TO)

    def _aliases_of_functions(self) -> None:
        for alias, props in of_type(self._resources, "AWS::Lambda::Alias"):
            # The name is not the environment (multi-stack's is `live`): the stage
            # that invokes the alias says which environment it serves.
            name = str(props.get("Name"))
            self._add(alias, NodeKind.ALIAS, f"alias {name}", f"alias/{_slug(name)}")
            fn = first_ref(props.get("FunctionName")) or ""
            self._aliases[(fn, name)] = alias
            version = props.get("FunctionVersion")
            # A literal version is one config pins; a reference follows each deploy's new version.
            label = f"pinned: version {version}" if isinstance(version, str) else "newest version"
            if "CodeDeployLambdaAliasUpdate" in self._resources[alias].get("UpdatePolicy", {}):
                label += ",\nshifted by CodeDeploy"
            self._edge(alias, fn, EdgeKind.POINTS_TO, label)

    def _apis(self) -> None:
        for api, props in of_type(self._resources, "AWS::ApiGateway::RestApi"):
            self._add(api, NodeKind.API, f"REST API\n{props.get('Name', '')}", "api")
        variables: dict[str, Mapping[str, str]] = {}
        for stage, props in of_type(self._resources, "AWS::ApiGateway::Stage"):
            name, api = str(props.get("StageName")), first_ref(props.get("RestApiId")) or ""
            self._see(name)
            self._add(stage, NodeKind.STAGE, f"stage {name}", "stage", name)
            self._stages[api][name] = stage
            variables[stage] = props.get("Variables", {})
            self._edge(api, stage, EdgeKind.ROUTES_TO)
            log_group = first_ref(props.get("AccessLogSetting", {}).get("DestinationArn")) or ""
            if log_group in self._resources:
                self._add(log_group, NodeKind.LOG_GROUP, "access logs", "access-logs")
                self._edge(stage, log_group, EdgeKind.LOGS_TO)
        for _, props in of_type(self._resources, "AWS::ApiGateway::Method"):
            match = _INTEGRATION.search(flatten(props.get("Integration", {}).get("Uri", "")))
            if not match:
                continue
            fn, qualifier = match.group(1), match.group(2) or ""
            for stage in self._stages[first_ref(props.get("RestApiId")) or ""].values():
                name = _substitute(qualifier, variables[stage])
                self._edge(stage, self._aliases.get((fn, name), fn), EdgeKind.INVOKES)

    def _permissions(self) -> None:
        """Who may invoke what: covers integrations the URI pattern above does not."""
        for _, props in of_type(self._resources, "AWS::Lambda::Permission"):
            target = first_ref(props.get("FunctionName"))
            match = _EXECUTE_ARN.search(flatten(props.get("SourceArn", "")))
            stage = self._stages[match.group(1)].get(match.group(2)) if match else None
            if stage and target in self._protos:
                self._edge(stage, target, EdgeKind.INVOKES)

    def _grants(self) -> None:
        """Function -> table/secret edges from the IAM policies on the function's role."""
        functions_by_role: dict[str, list[str]] = defaultdict(list)
        for fn, props in of_type(self._resources, "AWS::Lambda::Function"):
            functions_by_role[first_ref(props.get("Role")) or ""].append(fn)
        access: dict[tuple[str, str], set[str]] = defaultdict(set)
        for _, props in of_type(self._resources, "AWS::IAM::Policy"):
            roles = [first_ref(role) or "" for role in as_list(props.get("Roles"))]
            for statement in as_list(props.get("PolicyDocument", {}).get("Statement")):
                if statement.get("Effect") != "Allow":
                    continue
                actions = {str(action) for action in as_list(statement.get("Action"))}
                for resource in as_list(statement.get("Resource")):
                    target = self._data_target(flatten(resource))
                    for fn in (f for role in roles for f in functions_by_role[role]):
                        if target:
                            access[(fn, target)] |= actions
        for (fn, target), actions in access.items():
            reads = any(_READS.match(a) for a in actions)
            writes = any(_WRITES.match(a) for a in actions)
            kind = {(True, True): EdgeKind.READS_WRITES, (False, True): EdgeKind.WRITES}
            self._edge(fn, target, kind.get((reads, writes), EdgeKind.READS))

    def _data_target(self, arn: str) -> str | None:
        ref = TOKEN.search(arn)
        if ref and self._resources.get(ref.group(1), {}).get("Type") == "AWS::DynamoDB::Table":
            return self._table(ref.group(1))
        if secret := _SECRET_ARN.search(arn):
            env, logical = self._secret_env.get(secret.group(1), (None, secret.group(1)))
            name = secret.group(1)
            label, slot = f"secret\n{name}", f"secret/{_slug(logical)}"
            return self._add(f"secret:{name}", NodeKind.SECRET, label, slot, env)
        if not ref and (table := _TABLE_ARN.search(arn)):
            name = table.group(1)
            label, env = f"DynamoDB table\n{name}\n(existing)", self._table_env.get(name)
            return self._add(f"table:{name}", NodeKind.TABLE, label, "table", env)
        return None

    def _table(self, logical_id: str) -> str:
        retained = self._resources[logical_id].get("DeletionPolicy") == "Retain"
        label = "DynamoDB table" + ("\nretained on delete" if retained else "")
        env = self._table_env.get(logical_id)
        return self._add(logical_id, NodeKind.TABLE, label, "table", env)

    def _alarms(self) -> None:
        for alarm, props in of_type(self._resources, "AWS::CloudWatch::Alarm"):
            metric = " ".join(
                str(p) for p in (props.get("MetricName"), props.get("ExtendedStatistic")) if p
            )
            slot = f"alarm/{_slug(metric) or stem(alarm)}"
            self._add(alarm, NodeKind.ALARM, f"alarm\n{metric}", slot)
            target = self._watched(
                {str(d.get("Name")): d.get("Value") for d in as_list(props.get("Dimensions"))}
            )
            if target in self._protos:
                self._edge(alarm, target, EdgeKind.ALARMS_ON)
            for action in (
                *as_list(props.get("AlarmActions")),
                *as_list(props.get("OKActions")),
                *as_list(props.get("InsufficientDataActions")),
            ):
                self._edge(alarm, self._topic(action), EdgeKind.NOTIFIES)

    def _watched(self, dimensions: Mapping[str, Any]) -> str | None:
        """The stage, alias or function an alarm's metric dimensions single out."""
        if "Stage" in dimensions:
            return first_ref(dimensions["Stage"])
        fn = first_ref(dimensions.get("FunctionName"))
        qualifier = flatten(dimensions.get("Resource", "")).rpartition(":")[2]
        return self._aliases.get((fn or "", qualifier), fn)

    def _topic(self, action: Any) -> str:
        ref = first_ref(action)
        if ref:
            encrypted = "KmsMasterKeyId" in self._resources.get(ref, {}).get("Properties", {})
            label = "SNS topic" + ("\nencrypted" if encrypted else "")
            return self._add(ref, NodeKind.TOPIC, label, "topic")
        arn = flatten(action)
        label = f"SNS topic\n{arn.rpartition(':')[2]}\n(existing)"
        return self._add(f"topic:{arn}", NodeKind.TOPIC, label, "topic")

    # Bookkeeping ----------------------------------------------------------------------------

    def _add(
        self, key: str, kind: NodeKind, label: str, slot: str, environment: str | None = None
    ) -> str:
        """Add a node once: the first, most specific description of a resource wins."""
        self._protos.setdefault(key, Proto(key, kind, label, slot, environment))
        return key

    def _edge(self, source: str, target: str, kind: EdgeKind, label: str = "") -> None:
        if source in self._protos and target in self._protos:
            self._edges.add(ProtoEdge(source, target, kind, label))

    def _see(self, environment: str) -> None:
        if environment not in self.environments:
            self.environments.append(environment)

    def _settle_environments(self) -> None:
        named = {p.environment for p in self._protos.values() if p.environment}
        home = named.pop() if len(named) == 1 else None
        # In this order: alarms watch aliases, and topics take their alarms' environment.
        for kind, via in (
            (NodeKind.ALIAS, EdgeKind.INVOKES),
            (NodeKind.LOG_GROUP, EdgeKind.LOGS_TO),
            (NodeKind.ALARM, EdgeKind.ALARMS_ON),
            (NodeKind.TOPIC, EdgeKind.NOTIFIES),
        ):
            for proto in (p for p in self._protos.values() if p.kind is kind):
                owners = {
                    e.source if e.target == proto.key else e.target
                    for e in self._edges
                    if e.kind is via and proto.key in (e.source, e.target)
                }
                envs = {self._protos[owner].environment or home for owner in owners}
                if proto.environment is None:
                    proto.environment = envs.pop() if len(envs) == 1 else home
        for proto in self._protos.values():
            if proto.environment is None:
                proto.environment = home


def _substitute(qualifier: str, variables: Mapping[str, str]) -> str:
    """Resolve `${stageVariables.x}` in an integration's qualifier for one stage."""
    return _STAGE_VARIABLE.sub(lambda m: str(variables.get(m.group(1), "")), qualifier)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
