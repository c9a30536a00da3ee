"""Environment resolution: alias qualifier, then stage variable, then APP_ENVIRONMENT."""

from __future__ import annotations

import pytest
from service.environment import EnvironmentUnresolved, alias_qualifier, resolve_environment
from service.settings import load_settings

from tests.runtime.apigw import FUNCTION_ARN, FakeContext, invoke, load_event, set_header
from tests.runtime.conftest import API_KEYS, BASE_SETTINGS, Aws


def single_stack(event_stage: str | None = None) -> tuple:
    settings = load_settings({k: v for k, v in BASE_SETTINGS.items() if k != "APP_ENVIRONMENT"})
    event = {"stageVariables": {"environment": event_stage} if event_stage else None}
    return settings, event


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        (f"{FUNCTION_ARN}:prod", "prod"),
        (f"{FUNCTION_ARN}:$LATEST", "$LATEST"),
        (FUNCTION_ARN, None),
        (f"{FUNCTION_ARN}:", None),
        ("", None),
        (None, None),
        ("arn:aws:lambda:eu-west-1:123456789012:layer:x:1", None),
    ],
)
def test_alias_qualifier_parsing(arn: str | None, expected: str | None) -> None:
    assert alias_qualifier(arn) == expected


def test_alias_wins_over_stage_variable() -> None:
    settings, event = single_stack("dev")

    assert resolve_environment(settings, f"{FUNCTION_ARN}:prod", event) == "prod"


def test_stage_variable_used_when_alias_is_not_an_environment() -> None:
    settings, event = single_stack("prod")

    assert resolve_environment(settings, f"{FUNCTION_ARN}:live", event) == "prod"
    assert resolve_environment(settings, FUNCTION_ARN, event) == "prod"


def test_app_environment_is_the_fallback() -> None:
    settings = load_settings(BASE_SETTINGS)  # APP_ENVIRONMENT=dev

    assert resolve_environment(settings, f"{FUNCTION_ARN}:live", {}) == "dev"
    assert resolve_environment(settings, None, {"stageVariables": {"environment": "qa"}}) == "dev"


@pytest.mark.parametrize(
    "stage_variables", [None, {}, {"environment": "qa"}, {"environment": 3}, "weird"]
)
def test_unresolvable_names_every_rule(stage_variables: object) -> None:
    settings, _ = single_stack()

    with pytest.raises(EnvironmentUnresolved) as caught:
        resolve_environment(settings, f"{FUNCTION_ARN}:live", {"stageVariables": stage_variables})

    message = str(caught.value)
    assert "'live'" in message
    assert "APP_ENVIRONMENT is not set" in message


def test_handler_uses_alias_to_pick_table(aws: Aws, settings_env: pytest.MonkeyPatch) -> None:
    settings_env.delenv("APP_ENVIRONMENT")
    event = set_header(load_event("create_item"), "x-api-key", API_KEYS["prod"])

    created = invoke(event, FakeContext.for_alias("prod"))
    health = invoke(load_event("get_health"), FakeContext.for_alias("prod"))

    assert created.status == 201
    assert health.body["environment"] == "prod"
    assert aws.count("prod") == 1
    assert aws.count("dev") == 0


def test_handler_uses_stage_variable(aws: Aws, settings_env: pytest.MonkeyPatch) -> None:
    settings_env.delenv("APP_ENVIRONMENT")
    event = set_header(load_event("create_item"), "x-api-key", API_KEYS["prod"])
    event["stageVariables"] = {"environment": "prod"}

    created = invoke(event, FakeContext())

    assert created.status == 201
    assert aws.count("prod") == 1
    assert aws.count("dev") == 0


def test_each_environment_has_its_own_api_key(aws: Aws, settings_env: pytest.MonkeyPatch) -> None:
    settings_env.delenv("APP_ENVIRONMENT")
    event = set_header(load_event("create_item"), "x-api-key", API_KEYS["dev"])

    result = invoke(event, FakeContext.for_alias("prod"))

    assert result.status == 401
    assert aws.count("prod") == 0


def test_live_alias_in_multi_stack_uses_app_environment(aws: Aws) -> None:
    event = set_header(load_event("create_item"), "x-api-key", API_KEYS["dev"])

    result = invoke(event, FakeContext.for_alias("live"))

    assert result.status == 201
    assert aws.count("dev") == 1


def test_unresolvable_request_is_500_misconfigured(
    aws: Aws, settings_env: pytest.MonkeyPatch, logs
) -> None:
    settings_env.delenv("APP_ENVIRONMENT")

    result = invoke(load_event("get_health"), FakeContext.for_alias("live"))

    assert result.status == 500
    assert result.body["error"] == "misconfigured"
    errors = [r for r in logs.records() if r["level"] == "ERROR"]
    assert len(errors) == 1
    assert "no environment for this request" in errors[0]["message"]
    assert "APP_ENVIRONMENT is not set" in errors[0]["message"]
