"""Whatever lands in cdk.json or on the command line, validation answers with a config or a clean message."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stacks.config import AppConfig, ConfigError, load_config
from tests.support.synth import reference_context

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
# Keys drawn from the real schema, so that generated configs get past the shape
# checks and exercise the field validators too.
field_names = st.sampled_from(
    ["account", "region", "retain_data", "function", "api", "alarms", "secrets", "tags",
     "stack_name", "memory_mb", "timeout_seconds", "log_retention_days", "throttle_rate_limit",
     "throttle_burst_limit", "enabled", "topic_arn", "api_key", "name"]
) | st.text(max_size=12)  # fmt: skip
config_like = st.recursive(
    json_scalars,
    lambda children: st.dictionaries(field_names, children, max_size=5),
    max_leaves=15,
)


def check(context: dict[str, Any]) -> None:
    try:
        config = load_config(context)
    except ConfigError as err:
        problems = err.problems
    else:
        assert isinstance(config, AppConfig)
        return
    assert problems, "a ConfigError must say what is wrong"
    assert all(isinstance(p, str) and p for p in problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    key=st.sampled_from(["service_name", "topology", "defaults", "environments", "env"]),
    value=json_values,
)
def test_any_value_for_a_top_level_key(key: str, value: Any) -> None:
    check({**reference_context(), key: value})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(env=st.sampled_from(["test", "staging", "prod"]), overrides=config_like)
def test_any_overrides_for_an_environment(env: str, overrides: Any) -> None:
    context = reference_context()
    context["environments"][env] = overrides
    check(context)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(section=st.sampled_from(["function", "api", "alarms", "secrets", "tags"]), value=config_like)
def test_any_defaults_section(section: str, value: Any) -> None:
    context = reference_context()
    context["defaults"][section] = value
    check(context)
