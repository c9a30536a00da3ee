"""Multi-stack: each environment's template carries its own settings and wiring.

Assertions target the properties that differ per environment and the links
between resources (which table, which secret, which stage), not counts.
"""

from __future__ import annotations

import json

import pytest

from stacks.components.table import RUNTIME_ACTIONS
from tests.support.synth import Synthesis, render, walk

ENVS = ["test", "staging", "prod"]
ACCOUNTS = {"test": "111111111111", "staging": "222222222222", "prod": "333333333333"}


def stack(env: str) -> str:
    return f"items-api-{env}"


def function_variables(multi: Synthesis, env: str) -> dict[str, str]:
    fn = multi.only(stack(env), "AWS::Lambda::Function")
    return render(fn["Properties"]["Environment"]["Variables"])


def logical_id(multi: Synthesis, env: str, resource_type: str) -> str:
    (found,) = multi.resources(stack(env), resource_type)
    return found


def test_one_stack_per_environment_pinned_to_its_account_and_region(multi: Synthesis) -> None:
    assert multi.deployment == {
        "items-api-test": ("111111111111", "eu-west-1", False),
        "items-api-staging": ("222222222222", "eu-west-1", False),
        "items-api-prod": ("333333333333", "eu-west-1", True),
    }


@pytest.mark.parametrize("env", ENVS)
def test_function_gets_its_environment_table_and_secret_arn(multi: Synthesis, env: str) -> None:
    variables = function_variables(multi, env)
    table_id = logical_id(multi, env, "AWS::DynamoDB::Table")

    assert variables["APP_ENVIRONMENT"] == env
    assert json.loads(variables["APP_ENVIRONMENTS"]) == {
        env: {
            "table_name": "${" + table_id + "}",
            "secret_arns": {
                "api_key": f"arn:aws:secretsmanager:eu-west-1:{ACCOUNTS[env]}:secret:"
                f"items-api/{env}/api-key"
            },
        }
    }


@pytest.mark.parametrize("env", ENVS)
def test_function_may_read_exactly_its_secret_and_use_only_its_table(
    multi: Synthesis, env: str
) -> None:
    policy = render(multi.only(stack(env), "AWS::IAM::Policy")["Properties"]["PolicyDocument"])
    by_resource = {json.dumps(s["Resource"]): s for s in policy["Statement"]}
    table_id = logical_id(multi, env, "AWS::DynamoDB::Table")

    secret_arn = (
        f"arn:aws:secretsmanager:eu-west-1:{ACCOUNTS[env]}:secret:items-api/{env}/api-key-??????"
    )
    assert by_resource[json.dumps(secret_arn)]["Action"] == "secretsmanager:GetSecretValue"
    table_statement = by_resource[json.dumps("${" + table_id + ".Arn}")]
    assert sorted(table_statement["Action"]) == sorted(RUNTIME_ACTIONS)
    # No wildcard actions anywhere in the role's policy.
    actions = [
        action
        for s in policy["Statement"]
        for action in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    ]
    assert not [a for a in actions if a.endswith("*")]


def test_retained_environment_keeps_its_table_and_others_delete_theirs(multi: Synthesis) -> None:
    policies = {}
    for env in ENVS:
        table = multi.only(stack(env), "AWS::DynamoDB::Table")
        props = table["Properties"]
        policies[env] = (
            table["DeletionPolicy"],
            table["UpdateReplacePolicy"],
            props.get("DeletionProtectionEnabled", False),
        )
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert policies == {
        "test": ("Delete", "Delete", False),
        "staging": ("Delete", "Delete", False),
        "prod": ("Retain", "Retain", True),
    }


def test_log_groups_follow_retention_and_removal_per_environment(multi: Synthesis) -> None:
    seen = {}
    for env in ENVS:
        groups = multi.resources(stack(env), "AWS::Logs::LogGroup")
        seen[env] = sorted(
            (g["Properties"]["RetentionInDays"], g["DeletionPolicy"]) for g in groups.values()
        )
    assert seen == {
        # (function log group 90 days, access logs 30 days / 365 in prod)
        "test": [(30, "Delete"), (90, "Delete")],
        "staging": [(30, "Delete"), (90, "Delete")],
        "prod": [(90, "Retain"), (365, "Retain")],
    }


def test_function_log_group_is_the_one_with_function_retention(multi: Synthesis) -> None:
    fn = multi.only(stack("prod"), "AWS::Lambda::Function")
    log_group_id = fn["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    log_group = multi.template(stack("prod"))["Resources"][log_group_id]
    assert log_group["Properties"]["RetentionInDays"] == 90


@pytest.mark.parametrize(
    ("env", "rate", "burst"), [("test", 20, 40), ("staging", 50, 100), ("prod", 500, 1000)]
)
def test_stage_is_throttled_logged_and_traced(
    multi: Synthesis, env: str, rate: int, burst: int
) -> None:
    stage = multi.only(stack(env), "AWS::ApiGateway::Stage")["Properties"]
    assert stage["StageName"] == env
    (settings,) = stage["MethodSettings"]
    assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (rate, burst)
    assert settings["LoggingLevel"] == "ERROR"
    assert stage["TracingEnabled"] is True
    destination = render(stage["AccessLogSetting"]["DestinationArn"])
    assert destination.startswith(
        f"arn:aws:logs:eu-west-1:{ACCOUNTS[env]}:log-group:${{ApiAccessLogs"
    )


@pytest.mark.parametrize("env", ENVS)
def test_api_invokes_the_live_alias_and_only_its_own_stage_may(multi: Synthesis, env: str) -> None:
    alias_id = logical_id(multi, env, "AWS::Lambda::Alias")
    api_id = logical_id(multi, env, "AWS::ApiGateway::RestApi")
    assert multi.template(stack(env))["Resources"][alias_id]["Properties"]["Name"] == "live"
    for method in multi.resources(stack(env), "AWS::ApiGateway::Method").values():
        integration = render(method["Properties"]["Integration"])
        assert integration["Type"] == "AWS_PROXY"
        assert integration["Uri"] == (
            "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
            "${" + alias_id + "}/invocations"
        )
    permission = render(multi.only(stack(env), "AWS::Lambda::Permission")["Properties"])
    assert permission["FunctionName"] == "${" + alias_id + "}"
    assert permission["Principal"] == "apigateway.amazonaws.com"
    assert permission["SourceArn"] == (
        f"arn:aws:execute-api:eu-west-1:{ACCOUNTS[env]}:${{{api_id}}}/{env}/*/*"
    )


def test_function_limits_come_from_config(multi: Synthesis) -> None:
    props = multi.only(stack("staging"), "AWS::Lambda::Function")["Properties"]
    assert (props["MemorySize"], props["Timeout"]) == (512, 10)
    assert props["Runtime"] == "python3.13"
    assert props["Architectures"] == ["arm64"]
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert "ReservedConcurrentExecutions" not in props  # null in the shipped config


def test_alarms_notify_a_topic_where_enabled_and_are_absent_where_not(multi: Synthesis) -> None:
    assert multi.resources(stack("test"), "AWS::CloudWatch::Alarm") == {}
    for env in ("staging", "prod"):
        topic_id = logical_id(multi, env, "AWS::SNS::Topic")
        alarms = multi.resources(stack(env), "AWS::CloudWatch::Alarm")
        metrics = sorted(a["Properties"]["MetricName"] for a in alarms.values())
        assert metrics == ["5XXError", "Duration", "Errors", "Throttles"]
        for alarm in alarms.values():
            assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}]


def test_alarm_topic_from_config_is_used_instead_of_creating_one(
    multi_with_topic: Synthesis,
) -> None:
    assert multi_with_topic.resources("items-api-prod", "AWS::SNS::Topic") == {}
    for alarm in multi_with_topic.resources("items-api-prod", "AWS::CloudWatch::Alarm").values():
        assert alarm["Properties"]["AlarmActions"] == [
            "arn:aws:sns:eu-west-1:333333333333:ops-pager"
        ]


@pytest.mark.parametrize("env", ENVS)
def test_every_taggable_resource_carries_service_and_environment_tags(
    multi: Synthesis, env: str
) -> None:
    tagged = 0
    for logical, resource in multi.template(stack(env))["Resources"].items():
        tags = resource.get("Properties", {}).get("Tags")
        if tags is None:
            continue
        tagged += 1
        as_dict = {t["Key"]: t["Value"] for t in tags} if isinstance(tags, list) else tags
        assert as_dict["service"] == "items-api", logical
        assert as_dict["environment"] == env, logical
        assert as_dict["owner"] == "platform-team", logical
    assert tagged >= 5  # function, role, table, API, stage at least


def test_outputs_give_the_api_url_and_table_name(multi: Synthesis) -> None:
    outputs = render(multi.template(stack("staging"))["Outputs"])
    api_id = logical_id(multi, "staging", "AWS::ApiGateway::RestApi")
    table_id = logical_id(multi, "staging", "AWS::DynamoDB::Table")
    stage_id = logical_id(multi, "staging", "AWS::ApiGateway::Stage")
    assert outputs["ApiUrl"]["Value"] == (
        f"https://${{{api_id}}}.execute-api.eu-west-1.${{AWS::URLSuffix}}/${{{stage_id}}}/"
    )
    assert outputs["TableName"]["Value"] == "${" + table_id + "}"


@pytest.mark.parametrize("env", ENVS)
def test_no_secret_value_is_in_the_template(multi: Synthesis, env: str) -> None:
    text = json.dumps(multi.template(stack(env)))
    assert "SecretString" not in text
    assert "{{resolve:secretsmanager" not in text
    assert not any(
        isinstance(v, dict) and v.get("Type") == "AWS::SecretsManager::Secret"
        for v in walk(multi.template(stack(env)))
    )
