"""Both topologies give each environment the same effective settings.

Moving between topologies must change where resources live, never how an
environment behaves.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.synth import Synthesis, render


def effective(synthesis: Synthesis, stack: str, env: str) -> dict[str, Any]:
    resources = synthesis.template(stack)["Resources"]
    function = synthesis.only(stack, "AWS::Lambda::Function")["Properties"]
    variables = render(function["Environment"]["Variables"])
    binding = json.loads(variables["APP_ENVIRONMENTS"])[env]
    table = resources[binding["table_name"].strip("${}")]
    (stage,) = [
        r["Properties"]
        for r in synthesis.resources(stack, "AWS::ApiGateway::Stage").values()
        if r["Properties"]["StageName"] == env
    ]
    access_log_id = (
        render(stage["AccessLogSetting"]["DestinationArn"]).rsplit("${", 1)[1].strip("}")
    )
    log_group_id = function["LoggingConfig"]["LogGroup"]["Ref"]
    (throttle,) = stage["MethodSettings"]
    return {
        "memory": function["MemorySize"],
        "timeout": function["Timeout"],
        "function_log_retention": resources[log_group_id]["Properties"]["RetentionInDays"],
        "access_log_retention": resources[access_log_id]["Properties"]["RetentionInDays"],
        "throttle": (throttle["ThrottlingRateLimit"], throttle["ThrottlingBurstLimit"]),
        # Secrets are looked up in the stack's own account, so compare names.
        "secrets": {k: v.split(":secret:")[1] for k, v in binding["secret_arns"].items()},
        "table": (
            table["DeletionPolicy"],
            table["Properties"].get("DeletionProtectionEnabled", False),
            table["Properties"]["PointInTimeRecoverySpecification"],
            table["Properties"]["KeySchema"],
        ),
        "variables": {
            k: v for k, v in variables.items() if k not in ("APP_ENVIRONMENTS", "APP_ENVIRONMENT")
        },
    }


@pytest.mark.parametrize("env", ["test", "staging", "prod"])
def test_both_topologies_give_the_same_effective_settings(
    multi: Synthesis, single: Synthesis, env: str
) -> None:
    assert effective(multi, f"items-api-{env}", env) == effective(single, "items-api-shared", env)
