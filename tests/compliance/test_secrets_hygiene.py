"""Secrets hygiene: every synthesised template holds references to secrets, never values."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.compliance import secrets_hygiene
from stacks.compliance.secrets_hygiene import looks_secret, scan_template
from tests.support.synth import Synthesis

# AWS's documentation example key: the shape of a real key, never a valid one.
EXAMPLE_KEY_ID = "AKIAIOSFODNN7EXAMPLE"


def function_with(variables: dict[str, Any]) -> dict[str, Any]:
    return {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Environment": {"Variables": variables}},
            }
        }
    }


def rules(template: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    return [(h.rule, h.logical_id, h.location) for h in scan_template(template)]


def test_every_synthesised_template_is_clean(multi: Synthesis, single: Synthesis) -> None:
    templates = {**multi.templates, **single.templates}
    assert len(templates) == 4
    assert {name: scan_template(t) for name, t in templates.items()} == {
        name: [] for name in templates
    }


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("API_KEY", True),
        ("DB_PASSWORD", True),
        ("githubToken", True),
        ("CLIENT_SECRET", True),
        ("SECRET_CACHE_TTL_SECONDS", False),  # a setting about secrets, not a secret
        ("API_KEY_SECRET_ARN", False),
        ("MAX_BODY_BYTES", False),
    ],
)
def test_secret_looking_names_are_judged_by_their_last_word(name: str, secret: bool) -> None:
    assert looks_secret(name) is secret


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:secretsmanager:eu-west-1:111111111111:secret:items-api/test/api-key",
        {"Ref": "ApiKeySecret"},
        {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":secretsmanager:eu-west-1:1:x"]]},
    ],
)
def test_a_secret_named_variable_may_hold_an_arn_or_a_reference(value: Any) -> None:
    assert rules(function_with({"API_KEY": value})) == []


def test_a_secret_named_variable_with_a_literal_fails() -> None:
    assert rules(function_with({"API_KEY": "hunter2"})) == [
        (secrets_hygiene.PLAINTEXT_IN_ENVIRONMENT, "Fn", "Properties/Environment/Variables/API_KEY")
    ]


def test_ecs_style_environment_lists_are_checked_too() -> None:
    template = {
        "Resources": {
            "Task": {
                "Type": "AWS::ECS::TaskDefinition",
                "Properties": {
                    "ContainerDefinitions": [
                        {"Environment": [{"Name": "DB_PASSWORD", "Value": "hunter2"}]}
                    ]
                },
            }
        }
    }
    assert [r[0] for r in rules(template)] == [secrets_hygiene.PLAINTEXT_IN_ENVIRONMENT]


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("Resources", EXAMPLE_KEY_ID),
        ("Outputs", "-----BEGIN RSA PRIVATE KEY-----\nMIIE..."),
        ("Resources", "postgres://admin:hunter2@db.example.com/items"),
        ("Resources", {"Fn::Join": ["", ["AKIA", "IOSFODNN7EXAMPLE"]]}),  # split across parts
    ],
)
def test_literal_credentials_fail_anywhere(where: str, value: Any) -> None:
    entry = {"Type": "AWS::SSM::Parameter", "Properties": {"Value": value}}
    template = {where: {"Thing": entry if where == "Resources" else {"Value": value}}}
    assert [r[0] for r in rules(template)] == [secrets_hygiene.LITERAL_CREDENTIAL]


def test_a_dynamic_reference_to_a_secret_value_fails() -> None:
    reference = {
        "Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": "Secret"}, ":SecretString:::}}"]]
    }
    assert rules(function_with({"DB_PASSWORD": reference})) == [
        (secrets_hygiene.VALUE_REFERENCE, "Fn", "Properties/Environment/Variables/DB_PASSWORD")
    ]
