"""`make envdiff` shows real differences only: config first, then normalised templates."""

from __future__ import annotations

import pytest

from tests.support.synth import reference_context
from tools.envdiff import report


@pytest.fixture(scope="module")
def test_vs_prod() -> list[str]:
    return report("test", "prod", reference_context())


def test_config_differences_are_listed_by_key(test_vs_prod: list[str]) -> None:
    end = next(i for i, line in enumerate(test_vs_prod) if line.startswith("Templates"))
    config = test_vs_prod[1:end]
    keys = [line.split()[0] for line in config]
    assert keys == [
        "account",
        "alarms.enabled",
        "alarms.server_error_threshold",
        "api.access_log_retention_days",
        "api.throttle_burst_limit",
        "api.throttle_rate_limit",
        "deployment.strategy",
        "pinned_version",
        "protected",
        "retain_data",
        "tags.data-classification",
    ]


def test_template_differences_are_the_real_ones(test_vs_prod: list[str]) -> None:
    text = "\n".join(test_vs_prod)
    assert (
        "  ~ Data/Items/Table (AWS::DynamoDB::Table)\n      DeletionPolicy: 'Delete' -> 'Retain'"
        in text
    )
    assert "      Properties.DeletionProtectionEnabled: False -> True" in text
    assert "      Properties.MethodSettings[0].ThrottlingRateLimit: 20 -> 500" in text
    assert "  + Monitoring/Errors (AWS::CloudWatch::Alarm) only in prod" in text
    assert (
        "      Properties.DeploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce' -> "
        "'CodeDeployDefault.LambdaCanary10Percent5Minutes'" in text
    )
    # Names, accounts and regions are normalised away, not reported as differences.
    templates = text.split("Templates", 1)[1].split("\n", 1)[1]
    for noise in ("111111111111", "333333333333", "items-api-test", "items-api-prod", "eu-west-1"):
        assert noise not in templates


def test_environments_that_differ_in_one_setting_show_only_that() -> None:
    context = reference_context()
    context["environments"]["qa"] = {
        "account": "444444444444",
        "region": "us-east-1",
        "function": {"memory_mb": 1024},
    }
    context["environments"]["qa2"] = {"account": "555555555555", "region": "eu-west-1"}

    lines = report("qa2", "qa", context)

    assert lines == [
        "Config (qa2 -> qa):",
        "  account                                  '555555555555' -> '444444444444'",
        "  function.memory_mb                       512 -> 1024",
        "  region                                   'eu-west-1' -> 'us-east-1'",
        "Templates (items-api-qa2 -> items-api-qa; names, accounts, regions and hashes normalised):",
        "  ~ Service/Function (AWS::Lambda::Function)",
        "      Properties.MemorySize: 512 -> 1024",
    ]
