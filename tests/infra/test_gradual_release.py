"""Multi-stack releases: CodeDeploy moves the `live` alias, canary in prod, rolling back on alarms."""

from __future__ import annotations

import pytest

from tests.support.synth import Synthesis


def deployment_group(multi: Synthesis, env: str) -> dict:
    return multi.only(f"items-api-{env}", "AWS::CodeDeploy::DeploymentGroup")["Properties"]


@pytest.mark.parametrize(
    ("env", "config"),
    [
        ("test", "CodeDeployDefault.LambdaAllAtOnce"),
        ("staging", "CodeDeployDefault.LambdaAllAtOnce"),
        ("prod", "CodeDeployDefault.LambdaCanary10Percent5Minutes"),
    ],
)
def test_each_environment_uses_its_configured_strategy(
    multi: Synthesis, env: str, config: str
) -> None:
    assert deployment_group(multi, env)["DeploymentConfigName"] == config


def test_prod_rolls_back_on_its_function_alarms(multi: Synthesis) -> None:
    group = deployment_group(multi, "prod")
    alarms = multi.resources("items-api-prod", "AWS::CloudWatch::Alarm")
    by_metric = {a["Properties"]["MetricName"]: logical for logical, a in alarms.items()}

    assert group["AutoRollbackConfiguration"] == {
        "Enabled": True,
        "Events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST", "DEPLOYMENT_STOP_ON_ALARM"],
    }
    assert group["AlarmConfiguration"]["Enabled"] is True
    assert group["AlarmConfiguration"]["Alarms"] == [
        {"Name": {"Ref": by_metric[metric]}} for metric in ("Errors", "Throttles", "Duration")
    ]


def test_rollback_alarms_watch_the_live_alias(multi: Synthesis) -> None:
    (alias,) = multi.resources("items-api-prod", "AWS::Lambda::Alias").values()
    assert alias["Properties"]["Name"] == "live"
    (fn_id,) = multi.resources("items-api-prod", "AWS::Lambda::Function")
    for alarm in multi.resources("items-api-prod", "AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        if props["MetricName"] == "5XXError":
            continue
        dims = {d["Name"]: d["Value"] for d in props["Dimensions"]}
        assert dims["Resource"] == {"Fn::Join": ["", [{"Ref": fn_id}, ":live"]]}
        if props["MetricName"] == "Duration":
            assert props["ExtendedStatistic"] == "p99"
            assert props["Threshold"] == 3000


def test_the_alias_update_goes_through_codedeploy(multi: Synthesis) -> None:
    template = multi.template("items-api-prod")["Resources"]
    (alias_id,) = multi.resources("items-api-prod", "AWS::Lambda::Alias")
    (group_id,) = multi.resources("items-api-prod", "AWS::CodeDeploy::DeploymentGroup")
    update = template[alias_id]["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]
    assert update["DeploymentGroupName"] == {"Ref": group_id}


def test_without_alarms_only_failures_roll_back(multi: Synthesis) -> None:
    group = deployment_group(multi, "test")
    assert group["AlarmConfiguration"] == {"Enabled": False}
    assert group["AutoRollbackConfiguration"]["Events"] == [
        "DEPLOYMENT_FAILURE",
        "DEPLOYMENT_STOP_ON_REQUEST",
    ]
