"""Config validation: the shipped config resolves, and every kind of bad input is named and explained."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.config import ConfigError, Topology, load_config
from tests.support.synth import reference_context


def problems_for(context: dict[str, Any]) -> tuple[str, ...]:
    with pytest.raises(ConfigError) as caught:
        load_config(context)
    return caught.value.problems


def test_shipped_config_resolves_defaults_and_overrides() -> None:
    config = load_config(reference_context())
    envs = {e.name: e for e in config.environments}

    assert config.topology is Topology.MULTI
    assert list(envs) == ["test", "staging", "prod"]
    assert config.selected == ("test", "staging", "prod")
    prod = envs["prod"]
    assert (prod.account, prod.region) == ("333333333333", "eu-west-1")
    assert prod.retain_data is True
    assert envs["test"].retain_data is False
    # Overrides win over defaults; untouched defaults are inherited.
    assert prod.api.throttle_rate_limit == 500
    assert envs["test"].api.throttle_rate_limit == 20
    assert prod.function.memory_mb == envs["test"].function.memory_mb == 512
    # Nested maps merge: prod adds a tag and keeps the default one.
    assert prod.tags == {"owner": "platform-team", "data-classification": "confidential"}
    # Placeholders in secret names are filled per environment.
    assert prod.secrets == {"api_key": "items-api/prod/api-key"}
    assert envs["staging"].secrets == {"api_key": "items-api/staging/api-key"}
    assert config.stack_name(prod) == "items-api-prod"


def test_a_fourth_environment_needs_only_config() -> None:
    context = reference_context()
    context["environments"]["perf"] = {"account": "444444444444", "region": "us-east-1"}

    config = load_config(context)

    perf = config.environments[-1]
    assert (perf.name, perf.region, config.stack_name(perf)) == (
        "perf",
        "us-east-1",
        "items-api-perf",
    )
    assert perf.secrets == {"api_key": "items-api/perf/api-key"}


def test_env_selects_one_environment() -> None:
    config = load_config({**reference_context(), "env": "staging"})
    assert [e.name for e in config.selected_environments] == ["staging"]


def test_unknown_env_lists_the_valid_ones() -> None:
    (problem,) = problems_for({**reference_context(), "env": "nope"})
    assert problem.startswith(
        "env: unknown environment 'nope'; valid environments: test, staging, prod; "
    )
    assert str(ConfigError([problem])) == problem  # one problem prints as one line


def test_unknown_topology_lists_the_valid_ones() -> None:
    (problem,) = problems_for({**reference_context(), "topology": "bogus"})
    assert problem == "topology: unknown topology 'bogus'; use one of: multi, single"


@pytest.mark.parametrize(
    ("account", "shown"),
    [
        ("12345", "'12345'"),
        ("1234567890123", "'1234567890123'"),
        ("12345678901a", "'12345678901a'"),
    ],
)
def test_account_must_be_twelve_digits(account: str, shown: str) -> None:
    context = reference_context()
    context["environments"]["staging"]["account"] = account
    (problem,) = problems_for(context)
    assert problem.startswith(
        f"environments.staging.account: {shown} is not a 12-digit AWS account ID"
    )


def test_account_as_a_number_is_rejected_not_coerced() -> None:
    # JSON numbers lose leading zeros: 012345678901 must be written as a string.
    context = reference_context()
    context["environments"]["prod"]["account"] = 333333333333
    (problem,) = problems_for(context)
    assert problem == (
        "environments.prod.account: 333333333333 is not a string; write the account ID in "
        'quotes, e.g. "012345678901" (as a number it would lose leading zeros)'
    )


def test_region_must_exist_and_a_near_miss_is_suggested() -> None:
    context = reference_context()
    context["environments"]["test"]["region"] = "eu-west1"
    (problem,) = problems_for(context)
    assert (
        problem
        == "environments.test.region: 'eu-west1' is not an AWS region; did you mean 'eu-west-1'?"
    )


def test_unknown_key_suggests_the_nearest_valid_key() -> None:
    context = reference_context()
    context["environments"]["prod"]["retain_dta"] = True
    context["environments"]["prod"]["api"]["throttle_rate"] = 5
    problems = problems_for(context)
    assert "environments.prod.retain_dta: unknown key; did you mean 'retain_data'?" in problems
    assert (
        "environments.prod.api.throttle_rate: unknown key; did you mean 'throttle_rate_limit'?"
        in problems
    )


def test_unknown_key_in_defaults_is_reported_once_and_located_in_defaults() -> None:
    context = reference_context()
    context["defaults"]["function"]["memroy_mb"] = 1024
    problems = problems_for(context)
    assert problems == (
        "defaults.function.memroy_mb (used by environment 'test'): unknown key; "
        "did you mean 'memory_mb'?",
        "defaults.function.memroy_mb (used by environment 'staging'): unknown key; "
        "did you mean 'memory_mb'?",
        "defaults.function.memroy_mb (used by environment 'prod'): unknown key; "
        "did you mean 'memory_mb'?",
    )


@pytest.mark.parametrize(
    ("section", "key", "value", "expected"),
    [
        ("function", "memory_mb", 64, "environments.test.function.memory_mb: Input should be greater than or equal to 128 (got 64)"),
        ("function", "timeout_seconds", 60, "environments.test.function.timeout_seconds: Input should be less than or equal to 29 (got 60)"),
        ("function", "memory_mb", "512", "environments.test.function.memory_mb: Input should be a valid integer (got '512')"),
        ("function", "log_retention_days", 10, "environments.test.function.log_retention_days: 10 is not a CloudWatch Logs retention period"),
        ("api", "throttle_burst_limit", 0, "environments.test.api.throttle_burst_limit: Input should be greater than or equal to 1 (got 0)"),
        ("alarms", "topic_arn", "ops", "environments.test.alarms.topic_arn: 'ops' is not an SNS topic ARN"),
        ("alarms", "enabled", "yes", "environments.test.alarms.enabled: Input should be a valid boolean (got 'yes')"),
    ],
)  # fmt: skip
def test_wrong_types_and_out_of_range_values_name_field_and_value(
    section: str, key: str, value: Any, expected: str
) -> None:
    context = reference_context()
    context["environments"]["test"].setdefault(section, {})[key] = value
    (problem,) = problems_for(context)
    assert problem.startswith(expected)


def test_every_problem_is_reported_in_one_go() -> None:
    context = reference_context()
    context["environments"]["test"]["account"] = "1"
    context["environments"]["staging"]["region"] = "mars-1"
    context["environments"]["prod"]["function"] = {"memory_mb": 1}
    context["topology"] = "bogus"

    problems = problems_for(context)

    assert [p.split(":")[0] for p in problems] == [
        "topology",
        "environments.test.account",
        "environments.staging.region",
        "environments.prod.function.memory_mb",
    ]


def test_missing_account_says_where_to_set_it() -> None:
    context = reference_context()
    del context["environments"]["staging"]["account"]
    (problem,) = problems_for(context)
    assert problem == (
        "environments.staging.account: required; set it in environments.staging "
        "(or in defaults if it is the same everywhere)"
    )


def test_api_key_secret_is_required() -> None:
    context = reference_context()
    context["defaults"]["secrets"] = {"other": "x/y"}
    problems = problems_for(context)
    assert problems[0].startswith("defaults.secrets (used by environment 'test'): missing api_key")


def test_retained_environment_must_have_alarms() -> None:
    context = reference_context()
    context["environments"]["prod"]["alarms"] = {"enabled": False}
    (problem,) = problems_for(context)
    assert "retain_data is true but alarms.enabled is false" in problem


def test_environment_names_must_fit_stack_stage_and_alias_names() -> None:
    context = reference_context()
    context["environments"]["Prod_EU"] = {"account": "333333333333", "region": "eu-west-1"}
    (problem,) = problems_for(context)
    assert problem.startswith("environments.Prod_EU: 'Prod_EU' is not a valid environment name")


def test_two_environments_with_the_same_stack_name_are_rejected() -> None:
    context = reference_context()
    context["environments"]["staging"]["stack_name"] = "items-api-prod"
    (problem,) = problems_for(context)
    assert problem == (
        "environments.prod: its stack name 'items-api-prod' is already used by environment "
        "'staging'; set a different stack_name"
    )


def test_an_environment_cannot_take_the_shared_stack_name_in_single_topology() -> None:
    context = {**reference_context(), "topology": "single"}
    context["environments"]["shared"] = {"account": "444444444444", "region": "eu-west-1"}
    (problem,) = problems_for(context)
    assert "'items-api-shared' is already used by the shared stack" in problem


def test_single_topology_requires_one_set_of_function_settings() -> None:
    context = {**reference_context(), "topology": "single"}
    context["environments"]["prod"]["function"] = {"memory_mb": 1024}
    (problem,) = problems_for(context)
    assert problem.startswith(
        "function.memory_mb: topology=single runs one function for every environment"
    )
    assert "(test=512, staging=512, prod=1024)" in problem


def test_single_topology_cannot_select_one_environment() -> None:
    (problem,) = problems_for({**reference_context(), "topology": "single", "env": "prod"})
    assert "topology=single keeps every environment in one shared stack" in problem


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("service_name", "Items API", "service_name: 'Items API' is not a valid service name"),
        ("defaults", [], "defaults: expected an object, got []"),
        ("environments", {}, "environments: expected an object with at least one environment"),
    ],
)
def test_top_level_shape_errors(key: str, value: Any, expected: str) -> None:
    problems = problems_for({**reference_context(), key: value})
    assert problems[0].startswith(expected)


def test_gradual_deployment_requires_alarms() -> None:
    context = reference_context()
    context["environments"]["test"]["deployment"] = {"strategy": "linear_10_percent_every_1_minute"}
    (problem,) = problems_for(context)
    assert problem.startswith(
        "environments.test: deployment.strategy is linear_10_percent_every_1_minute but "
        "alarms.enabled is false"
    )


def test_unknown_deployment_strategy_is_rejected() -> None:
    context = reference_context()
    context["environments"]["prod"]["deployment"]["strategy"] = "canary"
    (problem,) = problems_for(context)
    assert problem.startswith(
        "environments.prod.deployment.strategy: Input should be 'all_at_once'"
    )
