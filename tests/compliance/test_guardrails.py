"""Prod guardrails rule by rule, on small templates: a compliant case and a breaking one each,
and which environment a resource of a shared stack belongs to.
"""

from __future__ import annotations

from typing import Any

import pytest

from stacks.compliance import guardrails
from stacks.compliance.gate import served_environments
from stacks.compliance.templates import SynthesizedStack
from stacks.config import EnvironmentConfig, load_config
from tests.support.synth import reference_context

STACK = "svc-prod"
THROTTLED = {
    "HttpMethod": "*",
    "ResourcePath": "/*",
    "ThrottlingRateLimit": 10,
    "ThrottlingBurstLimit": 20,
}


def environments(**function: Any) -> dict[str, EnvironmentConfig]:
    context = reference_context()
    context["environments"]["prod"].setdefault("function", {}).update(function)
    return {e.name: e for e in load_config(context).environments}


ENVS = environments()


def compliant_resources() -> dict[str, dict[str, Any]]:
    """One of everything a retained environment needs, protected as it must be."""
    return {
        "Table": {
            "Type": "AWS::DynamoDB::Table",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "DeletionProtectionEnabled": True,
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            },
        },
        "Logs": {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
        "Topic": {"Type": "AWS::SNS::Topic"},
        "Alarm": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {"AlarmActions": [{"Ref": "Topic"}]},
        },
        "Stage": {"Type": "AWS::ApiGateway::Stage", "Properties": {"MethodSettings": [THROTTLED]}},
        "Function": {"Type": "AWS::Lambda::Function", "Properties": {}},
    }


def stack(
    resources: dict[str, dict[str, Any]],
    *,
    protected: bool = True,
    paths: dict[str, str] | None = None,
    name: str = STACK,
) -> SynthesizedStack:
    return SynthesizedStack(
        name=name,
        construct_path=name,
        template_path=f"/out/{name}.template.json",
        template={"Resources": resources},
        termination_protection=protected,
        paths={lid: f"{name}/{lid}/Resource" for lid in resources} | (paths or {}),
    )


def rules(checked: SynthesizedStack, *envs: EnvironmentConfig) -> list[tuple[str, str | None]]:
    served = {checked.name: envs or (ENVS["prod"],)}
    return [(f.rule, f.logical_id) for f in guardrails.check_guardrails([checked], served)]


def test_a_protected_stack_passes() -> None:
    assert rules(stack(compliant_resources())) == []


def test_an_environment_that_does_not_retain_data_is_not_checked() -> None:
    assert rules(stack({}, protected=False), ENVS["test"]) == []


def test_a_stack_no_environment_lives_in_is_not_checked() -> None:
    served = {"other": (ENVS["prod"],)}
    assert guardrails.check_guardrails([stack({}, protected=False)], served) == []


def test_termination_protection() -> None:
    assert rules(stack(compliant_resources(), protected=False)) == [
        (guardrails.TERMINATION_PROTECTION, None)
    ]


@pytest.mark.parametrize("resource", ["Table", "Logs"])
@pytest.mark.parametrize("attribute", ["DeletionPolicy", "UpdateReplacePolicy"])
def test_stateful_resources_are_retained(resource: str, attribute: str) -> None:
    resources = compliant_resources()
    resources[resource][attribute] = "Delete"
    assert rules(stack(resources)) == [(guardrails.RETAIN, resource)]


def test_a_missing_deletion_policy_means_delete() -> None:
    resources = compliant_resources()
    del resources["Table"]["DeletionPolicy"]
    assert rules(stack(resources)) == [(guardrails.RETAIN, "Table")]


def test_tables_have_deletion_protection_and_point_in_time_recovery() -> None:
    resources = compliant_resources()
    resources["Table"]["Properties"] = {}
    assert rules(stack(resources)) == [
        (guardrails.DELETION_PROTECTION, "Table"),
        (guardrails.POINT_IN_TIME_RECOVERY, "Table"),
    ]


def test_an_environment_without_alarms_fails() -> None:
    resources = compliant_resources()
    del resources["Alarm"]
    assert rules(stack(resources)) == [(guardrails.ALARM_ACTION, None)]


@pytest.mark.parametrize(
    ("actions", "passes"),
    [
        ([{"Ref": "Topic"}], True),
        (["arn:aws:sns:eu-west-1:333333333333:ops-pager"], True),
        ([], False),
        (["arn:aws:automate:eu-west-1:ec2:stop"], False),  # an action, but no one is told
    ],
)
def test_alarms_notify_an_sns_topic(actions: list[Any], passes: bool) -> None:
    resources = compliant_resources()
    resources["Alarm"]["Properties"]["AlarmActions"] = actions
    assert rules(stack(resources)) == ([] if passes else [(guardrails.ALARM_ACTION, "Alarm")])


@pytest.mark.parametrize(
    "settings",
    [
        [],
        [{"HttpMethod": "*", "ResourcePath": "/*", "ThrottlingRateLimit": 10}],
        [{"HttpMethod": "GET", "ResourcePath": "/items",
          "ThrottlingRateLimit": 10, "ThrottlingBurstLimit": 20}],
    ],
)  # fmt: skip
def test_stages_are_throttled_for_every_method(settings: list[dict[str, Any]]) -> None:
    resources = compliant_resources()
    resources["Stage"]["Properties"]["MethodSettings"] = settings
    assert rules(stack(resources)) == [(guardrails.STAGE_THROTTLING, "Stage")]


def test_http_api_stages_are_throttled_too() -> None:
    resources = compliant_resources()
    resources["Stage"] = {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {}}
    assert rules(stack(resources)) == [(guardrails.STAGE_THROTTLING, "Stage")]


@pytest.mark.parametrize(("actual", "passes"), [(3, True), (None, False), (2, False)])
def test_reserved_concurrency_is_what_config_sets(actual: int | None, passes: bool) -> None:
    resources = compliant_resources()
    if actual is not None:
        resources["Function"]["Properties"]["ReservedConcurrentExecutions"] = actual
    prod = environments(reserved_concurrency=3)["prod"]
    assert rules(stack(resources), prod) == (
        [] if passes else [(guardrails.RESERVED_CONCURRENCY, "Function")]
    )


def test_in_a_shared_stack_only_the_retained_environments_resources_must_be_retained() -> None:
    resources = {
        **compliant_resources(),
        # Tagged, and named by construct path: both belong to test, which may delete them.
        "TestTable": {"Type": "AWS::DynamoDB::Table",
                      "Properties": {"Tags": [{"Key": "environment", "Value": "test"}]}},
        "TestLogs": {"Type": "AWS::Logs::LogGroup"},
        # Neither tag nor path names an environment: shared, so held to prod's rules.
        "SharedLogs": {"Type": "AWS::Logs::LogGroup"},
    }  # fmt: skip
    shared = stack(resources, paths={"TestLogs": f"{STACK}/Api/AccessLogs-test/Resource"})
    assert rules(shared, *ENVS.values()) == [
        (guardrails.RETAIN, "SharedLogs"),
        (guardrails.RETAIN, "SharedLogs"),
    ]


def test_the_longest_environment_name_in_a_path_wins() -> None:
    names = {"prod", "eu-prod"}
    resources = {"Logs": {"Type": "AWS::Logs::LogGroup"}}
    shared = stack(resources, paths={"Logs": "svc/Data-eu-prod/Logs/Resource"})
    assert guardrails.environment_of(shared, "Logs", names) == "eu-prod"


def test_served_environments_follow_the_topology() -> None:
    multi = load_config(reference_context())
    single = load_config({**reference_context(), "topology": "single"})
    assert {k: [e.name for e in v] for k, v in served_environments(multi).items()} == {
        "items-api-test": ["test"],
        "items-api-staging": ["staging"],
        "items-api-prod": ["prod"],
    }
    assert {k: [e.name for e in v] for k, v in served_environments(single).items()} == {
        "items-api-shared": ["test", "staging", "prod"]
    }
