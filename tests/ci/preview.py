"""What both CI systems' preview pipelines must agree with: cdk.json's short-lived rules."""

from __future__ import annotations

import json
import re
from typing import Any

from stacks.config import AppConfig, EnvironmentConfig, load_config
from tests.ci.conftest import ROOT
from tests.support.synth import project_context

# The base environment every pull request's copy is made from (README: "Short-lived environments").
PREVIEW_BASE = "test"


def short_lived_rules() -> list[dict[str, Any]]:
    """The `short_lived` rules exactly as cdk.json declares them."""
    rules = json.loads((ROOT / "cdk.json").read_text())["context"]["short_lived"]
    assert isinstance(rules, list)
    assert rules, "cdk.json declares no short_lived rules"
    return rules


def rule_for(env_name: str) -> dict[str, Any] | None:
    """The first short-lived rule whose pattern matches the whole name, as the loader picks."""
    return next((r for r in short_lived_rules() if re.fullmatch(r["pattern"], env_name)), None)


def resolved(env_name: str) -> tuple[AppConfig, EnvironmentConfig]:
    """The config `make deploy ENV=<env_name>` synthesises, and the environment it selects."""
    config = load_config({**project_context(), "env": env_name})
    (env,) = config.selected_environments
    return config, env
