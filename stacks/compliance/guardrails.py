"""Prod guardrails: what every environment with `retain_data: true` must have, on every synth.

Config decides which environments keep their data; these rules check that the
templates really protect it, so that a refactor, a new construct or an
override cannot quietly drop a protection that config promises.

Which resources belong to an environment: a stack that serves one environment
(multi-stack) gives it every resource it has. In a stack that serves several
(the shared stack), a resource belongs to the environment that its
`environment` tag names (stacks/tagging.py) or, failing that, to the one its
construct path names: per-environment constructs are called `<Part>-<env>`
(`Data-prod`, `AccessLogs-prod`, `Monitoring-prod`). A resource that names no
environment either way serves them all, so it is held to the strictest one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from stacks.compliance.templates import Finding, SynthesizedStack, render, tags
from stacks.config import EnvironmentConfig

PLUGIN_NAME = "ProdGuardrails"
TERMINATION_PROTECTION = "ProdGuardrails-TerminationProtection"
RETAIN = "ProdGuardrails-Retain"
DELETION_PROTECTION = "ProdGuardrails-DeletionProtection"
POINT_IN_TIME_RECOVERY = "ProdGuardrails-PointInTimeRecovery"
ALARM_ACTION = "ProdGuardrails-AlarmAction"
STAGE_THROTTLING = "ProdGuardrails-StageThrottling"
RESERVED_CONCURRENCY = "ProdGuardrails-ReservedConcurrency"
RULE_IDS = (
    TERMINATION_PROTECTION,
    RETAIN,
    DELETION_PROTECTION,
    POINT_IN_TIME_RECOVERY,
    ALARM_ACTION,
    STAGE_THROTTLING,
    RESERVED_CONCURRENCY,
)

TAG = "environment"
TABLES = ("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable")
# What `cdk destroy` or a replacement must never delete in an environment that keeps its
# data: the data itself, and its logs (config: "Keep the table and logs").
STATEFUL = (*TABLES, "AWS::S3::Bucket", "AWS::Logs::LogGroup")
REST_STAGE = "AWS::ApiGateway::Stage"
HTTP_STAGE = "AWS::ApiGatewayV2::Stage"
ALARMS = ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")
FUNCTION = "AWS::Lambda::Function"


def check_guardrails(
    stacks: Sequence[SynthesizedStack], served: Mapping[str, Sequence[EnvironmentConfig]]
) -> list[Finding]:
    """Findings for every retained environment in `served` (stack name -> its environments)."""
    findings: list[Finding] = []
    for stack in stacks:
        environments = served.get(stack.name, ())
        for env in environments:
            if env.retain_data:
                scope = _Scope(stack, env, environments)
                findings += _check(scope)
    return findings


class _Scope:
    """One retained environment in one stack: the resources it owns and how to report on them."""

    def __init__(
        self, stack: SynthesizedStack, env: EnvironmentConfig, all_envs: Sequence[EnvironmentConfig]
    ) -> None:
        self.stack = stack
        self.env = env
        self._names = {e.name for e in all_envs}

    def resources(self, *types: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        for logical_id, resource in self.stack.resources(*types):
            if self._owns(logical_id):
                yield logical_id, resource

    def _owns(self, logical_id: str) -> bool:
        if len(self._names) == 1:
            return True
        owner = environment_of(self.stack, logical_id, self._names)
        return owner is None or owner == self.env.name

    def finding(self, rule: str, problem: str, logical_id: str | None, location: str) -> Finding:
        subject = (
            f"stack {self.stack.name}" if logical_id is None else self.stack.describe(logical_id)
        )
        return Finding(
            rule=rule,
            message=f"environment '{self.env.name}' keeps its data (retain_data: true) "
            f"but {subject} {problem}",
            stack=self.stack,
            logical_id=logical_id,
            location=location,
        )


def environment_of(stack: SynthesizedStack, logical_id: str, names: Collection[str]) -> str | None:
    """Which of the environments `names` a resource of a shared stack belongs to; None for all."""
    tagged = tags(stack.template["Resources"][logical_id]).get(TAG)
    if tagged in names:
        return tagged
    path = stack.path_of(logical_id).removeprefix(f"{stack.construct_path}/")
    # The innermost construct that names an environment decides, and the longest name in
    # it, so that `Data-eu-prod` belongs to eu-prod, not to prod.
    for segment in reversed(path.split("/")):
        named = [name for name in names if segment.endswith(f"-{name}")]
        if named:
            return max(named, key=len)
    return None


def _check(scope: _Scope) -> list[Finding]:
    return [
        *_termination_protection(scope),
        *_retained(scope),
        *_tables(scope),
        *_alarms(scope),
        *_stages(scope),
        *_concurrency(scope),
    ]


def _termination_protection(scope: _Scope) -> Iterator[Finding]:
    if not scope.stack.termination_protection:
        yield scope.finding(
            TERMINATION_PROTECTION,
            "has no termination protection; pass termination_protection=True to the Stack",
            None,
            "TerminationProtection",
        )


def _retained(scope: _Scope) -> Iterator[Finding]:
    for logical_id, resource in scope.resources(*STATEFUL):
        for attribute in ("DeletionPolicy", "UpdateReplacePolicy"):
            policy = resource.get(attribute, "Delete")
            if policy != "Retain":
                yield scope.finding(
                    RETAIN,
                    f"has {attribute} {policy}; use RemovalPolicy.RETAIN",
                    logical_id,
                    attribute,
                )


def _tables(scope: _Scope) -> Iterator[Finding]:
    for logical_id, resource in scope.resources(*TABLES):
        props = resource.get("Properties", {})
        if props.get("DeletionProtectionEnabled") is not True:
            yield scope.finding(
                DELETION_PROTECTION,
                "has no deletion protection; set deletion_protection=True",
                logical_id,
                "Properties/DeletionProtectionEnabled",
            )
        pitr = props.get("PointInTimeRecoverySpecification", {})
        if pitr.get("PointInTimeRecoveryEnabled") is not True:
            yield scope.finding(
                POINT_IN_TIME_RECOVERY,
                "has no point-in-time recovery; enable point_in_time_recovery_specification",
                logical_id,
                "Properties/PointInTimeRecoverySpecification",
            )


def _alarms(scope: _Scope) -> Iterator[Finding]:
    alarms = list(scope.resources(*ALARMS))
    if not alarms:
        yield scope.finding(
            ALARM_ACTION,
            "has no CloudWatch alarm for it; nobody would be told that it fails",
            None,
            "Resources",
        )
    topics = {logical_id for logical_id, _ in scope.stack.resources("AWS::SNS::Topic")}
    for logical_id, alarm in alarms:
        actions = alarm.get("Properties", {}).get("AlarmActions") or []
        if not any(_is_topic(action, topics) for action in actions):
            yield scope.finding(
                ALARM_ACTION,
                "notifies no SNS topic; add an alarm action (config alarms.topic_arn, or the "
                "topic the stack creates)",
                logical_id,
                "Properties/AlarmActions",
            )


def _is_topic(action: Any, topics: set[str]) -> bool:
    if isinstance(action, Mapping) and action.get("Ref") in topics:
        return True
    rendered = render(action)
    return isinstance(rendered, str) and ":sns:" in rendered


def _stages(scope: _Scope) -> Iterator[Finding]:
    for logical_id, stage in scope.resources(REST_STAGE, HTTP_STAGE):
        props = stage.get("Properties", {})
        if stage["Type"] == REST_STAGE:
            candidates = [
                s
                for s in props.get("MethodSettings", [])
                if s.get("HttpMethod") == "*" and s.get("ResourcePath") == "/*"
            ]
            location = "Properties/MethodSettings"
        else:
            candidates = [props.get("DefaultRouteSettings", {})]
            location = "Properties/DefaultRouteSettings"
        if not any(
            s.get("ThrottlingRateLimit") is not None and s.get("ThrottlingBurstLimit") is not None
            for s in candidates
        ):
            yield scope.finding(
                STAGE_THROTTLING,
                "has no stage-wide throttling (rate and burst limit for every method); "
                "set throttling_rate_limit and throttling_burst_limit",
                logical_id,
                location,
            )


def _concurrency(scope: _Scope) -> Iterator[Finding]:
    wanted = scope.env.function.reserved_concurrency
    if wanted is None:
        return
    for logical_id, function in scope.resources(FUNCTION):
        actual = function.get("Properties", {}).get("ReservedConcurrentExecutions")
        if actual != wanted:
            has = "no reserved concurrency" if actual is None else f"reserved concurrency {actual}"
            yield scope.finding(
                RESERVED_CONCURRENCY,
                f"has {has}, but config sets function.reserved_concurrency to {wanted}; "
                "pass it to the function",
                logical_id,
                "Properties/ReservedConcurrentExecutions",
            )
