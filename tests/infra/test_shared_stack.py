"""Single-stack: one function and API, separated per environment by alias, stage and table."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import stacks.components.function as function_module
from tests.support.synth import Synthesis, reference_context, render, synthesize

SHARED = "items-api-shared"
ENVS = ["test", "staging", "prod"]


def aliases(single: Synthesis) -> dict[str, dict]:
    """Alias name -> (logical ID, properties)."""
    return {
        r["Properties"]["Name"]: {"id": logical, **r["Properties"]}
        for logical, r in single.resources(SHARED, "AWS::Lambda::Alias").items()
    }


def stages(single: Synthesis) -> dict[str, dict]:
    return {
        r["Properties"]["StageName"]: r["Properties"]
        for r in single.resources(SHARED, "AWS::ApiGateway::Stage").values()
    }


def test_one_stack_in_the_shared_account(single: Synthesis) -> None:
    assert single.deployment == {SHARED: ("111111111111", "eu-west-1", True)}


def test_one_function_with_one_alias_per_environment(single: Synthesis) -> None:
    function = single.only(SHARED, "AWS::Lambda::Function")
    (fn_logical,) = single.resources(SHARED, "AWS::Lambda::Function")
    found = aliases(single)
    assert sorted(found) == sorted(ENVS)
    for alias in found.values():
        assert alias["FunctionName"] == {"Ref": fn_logical}
    # A shared function has no environment of its own: it resolves one per request.
    assert "APP_ENVIRONMENT" not in function["Properties"]["Environment"]["Variables"]


def test_each_stage_names_its_alias_and_the_integration_invokes_through_it(
    single: Synthesis,
) -> None:
    (fn_logical,) = single.resources(SHARED, "AWS::Lambda::Function")
    for name, stage in stages(single).items():
        assert stage["Variables"] == {"environment": name}
    for method in single.resources(SHARED, "AWS::ApiGateway::Method").values():
        uri = render(method["Properties"]["Integration"]["Uri"])
        assert uri == (
            "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
            "${" + fn_logical + ".Arn}:${stageVariables.environment}/invocations"
        )


def test_each_alias_accepts_invocations_only_from_its_own_stage(single: Synthesis) -> None:
    (api_id,) = single.resources(SHARED, "AWS::ApiGateway::RestApi")
    by_alias = {a["id"]: name for name, a in aliases(single).items()}
    permissions = single.resources(SHARED, "AWS::Lambda::Permission").values()
    granted = {}
    for permission in permissions:
        props = render(permission["Properties"])
        alias_name = by_alias[props["FunctionName"].strip("${}")]
        assert alias_name not in granted, "one permission per alias"
        granted[alias_name] = props["SourceArn"]
    assert granted == {
        env: f"arn:aws:execute-api:eu-west-1:111111111111:${{{api_id}}}/{env}/*/*" for env in ENVS
    }


def test_protected_alias_is_pinned_and_the_others_follow_the_newest_version(
    single: Synthesis,
) -> None:
    (version_id,) = single.resources(SHARED, "AWS::Lambda::Version")
    found = aliases(single)
    assert found["prod"]["FunctionVersion"] == "1"
    for env in ("test", "staging"):
        assert found[env]["FunctionVersion"] == {"Fn::GetAtt": [version_id, "Version"]}


def test_changing_the_code_leaves_the_prod_alias_where_it_was(
    single: Synthesis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed = tmp_path / "lambda_src"
    shutil.copytree(
        function_module.LAMBDA_SOURCE, changed, ignore=shutil.ignore_patterns("__pycache__")
    )
    (changed / "service" / "handler.py").write_text(
        (changed / "service" / "handler.py").read_text() + "\n# a change of code\n"
    )
    monkeypatch.setattr(function_module, "LAMBDA_SOURCE", changed)
    after = synthesize({**reference_context(), "topology": "single"}, tmp_path / "out")

    before_aliases, after_aliases = aliases(single), aliases(after)
    (old_version,) = single.resources(SHARED, "AWS::Lambda::Version")
    (new_version,) = after.resources(SHARED, "AWS::Lambda::Version")
    assert old_version != new_version, "new code must publish a new version"
    assert (
        before_aliases["prod"]["FunctionVersion"] == after_aliases["prod"]["FunctionVersion"] == "1"
    )
    assert after_aliases["staging"]["FunctionVersion"] == {"Fn::GetAtt": [new_version, "Version"]}


def test_promoting_a_version_is_a_config_change(tmp_path: Path) -> None:
    context = {**reference_context(), "topology": "single"}
    context["environments"]["prod"]["pinned_version"] = 7
    promoted = synthesize(context, tmp_path)
    assert aliases(promoted)["prod"]["FunctionVersion"] == "7"


def test_each_table_follows_its_environment_retention(single: Synthesis) -> None:
    function = single.only(SHARED, "AWS::Lambda::Function")
    bindings = json.loads(
        render(function["Properties"]["Environment"]["Variables"])["APP_ENVIRONMENTS"]
    )
    tables = single.template(SHARED)["Resources"]
    policies = {}
    for env in ENVS:
        table_id = bindings[env]["table_name"].strip("${}")
        table = tables[table_id]
        assert table["Type"] == "AWS::DynamoDB::Table"
        policies[env] = (
            table["DeletionPolicy"],
            table["Properties"].get("DeletionProtectionEnabled", False),
        )
    assert policies == {
        "test": ("Delete", False),
        "staging": ("Delete", False),
        "prod": ("Retain", True),
    }
    assert len({b["table_name"] for b in bindings.values()}) == 3


def test_one_role_reaches_every_environment_secret(single: Synthesis) -> None:
    policy = render(single.only(SHARED, "AWS::IAM::Policy")["Properties"]["PolicyDocument"])
    secret_resources = sorted(
        resource
        for s in policy["Statement"]
        if s["Action"] == "secretsmanager:GetSecretValue"
        for resource in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
    )
    assert secret_resources == sorted(
        f"arn:aws:secretsmanager:eu-west-1:111111111111:secret:items-api/{env}/api-key-??????"
        for env in ENVS
    )


def test_alarms_watch_each_alias_separately(single: Synthesis) -> None:
    (fn_logical,) = single.resources(SHARED, "AWS::Lambda::Function")
    watched: dict[str, set[str]] = {}
    for alarm in single.resources(SHARED, "AWS::CloudWatch::Alarm").values():
        props = render(alarm["Properties"])
        dims = {d["Name"]: d["Value"] for d in props["Dimensions"]}
        if props["MetricName"] in ("Errors", "Throttles"):
            function, alias = dims["Resource"].split(":")
            assert function == "${" + fn_logical + "}"
            watched.setdefault(alias, set()).add(props["MetricName"])
    # The shipped config disables alarms in test.
    assert watched == {"staging": {"Errors", "Throttles"}, "prod": {"Errors", "Throttles"}}
