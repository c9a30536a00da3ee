"""Short-lived environments: derived from a base, never retaining data, tagged to expire."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from stacks.config import ConfigError, load_config
from tests.support.synth import reference_context

NOW = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)


def load(env: str, context: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
    return load_config({**(context or reference_context()), "env": env}, now=NOW)


def test_pr_environment_is_derived_from_its_base() -> None:
    config = load("pr-123")
    (env,) = config.selected_environments
    base = next(e for e in config.environments if e.name == "test")

    assert env.name == "pr-123"
    assert config.stack_name(env) == "items-api-pr-123"
    assert (env.account, env.region) == (base.account, base.region)
    assert env.function == base.function
    assert env.api == base.api
    assert env.secrets == {"api_key": "items-api/test/api-key"}  # the base's secret
    assert env.retain_data is False
    assert env.tags["expires-at"] == "2026-11-29T10:30Z"  # 72 hours
    assert env.tags["short-lived"] == "true"


def test_developer_environment_has_its_own_lifetime() -> None:
    (env,) = load("dev-alice").selected_environments
    assert env.tags["expires-at"] == "2026-12-03T10:30Z"  # 168 hours


def test_short_lived_copy_of_a_retained_base_still_never_retains() -> None:
    context = reference_context()
    context["short_lived"] = [{"pattern": "hotfix-[0-9]+", "base": "prod"}]
    (env,) = load("hotfix-7", context).selected_environments
    assert (env.retain_data, env.protected, env.pinned_version) == (False, False, None)
    assert env.deployment.strategy == "all_at_once"


def test_a_name_outside_every_pattern_is_rejected_naming_the_patterns() -> None:
    with pytest.raises(ConfigError) as caught:
        load("feature-x")
    assert str(caught.value) == (
        "env: unknown environment 'feature-x'; valid environments: test, staging, prod; "
        "short-lived names match pr-[0-9]{1,6} or dev-[a-z][a-z0-9]{1,15}"
    )


def test_a_pattern_that_matches_a_permanent_environment_is_rejected() -> None:
    context = reference_context()
    context["short_lived"] = [{"pattern": "[a-z]+", "base": "test"}]
    with pytest.raises(ConfigError) as caught:
        load_config(context, now=NOW)
    assert caught.value.problems == (
        "short_lived[0].pattern: '[a-z]+' matches the permanent environment(s) test, staging, "
        "prod; a short-lived name must never collide with one",
    )


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            [{"pattern": "pr-[0-9", "base": "test"}],
            "short_lived[0].pattern: 'pr-[0-9' is not a regular expression",
        ),
        (
            [{"pattern": "pr-[0-9]+", "base": "qa"}],
            "short_lived[0].base: unknown environment 'qa'; use one of: test, staging, prod",
        ),
        (
            [{"pattern": "pr-[0-9]+", "base": "test", "lifetime": 3}],
            "short_lived[0].lifetime: Extra inputs are not permitted",
        ),
        ({"pattern": "pr-[0-9]+"}, "short_lived: expected a list of rules, got dict"),
    ],
)
def test_bad_rules_are_explained(rules: Any, expected: str) -> None:
    context = {**reference_context(), "short_lived": rules}
    with pytest.raises(ConfigError) as caught:
        load_config(context, now=NOW)
    assert caught.value.problems[0].startswith(expected)


def test_short_lived_environments_are_multi_stack_only() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({**reference_context(), "topology": "single", "env": "pr-1"}, now=NOW)
    assert "topology=single keeps every environment in one shared stack" in str(caught.value)
