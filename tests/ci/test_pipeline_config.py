"""`-c pipeline=true` and `pipeline_settings`: validated like the rest of the config."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stacks.config import AppConfig, ConfigError, load_config
from stacks.config.pipeline import cli_version, load_pipeline_settings, pipeline_enabled
from tests.ci.test_pipeline_stack import SETTINGS
from tests.support.synth import reference_context


def problems(raw: Any, config: AppConfig) -> tuple[str, ...]:
    with pytest.raises(ConfigError) as caught:
        load_pipeline_settings(raw, config)
    return caught.value.problems


@pytest.mark.parametrize("flag", [None, False, "false"])
def test_the_plain_app_is_the_default(flag: Any) -> None:
    assert pipeline_enabled(flag) is False


@pytest.mark.parametrize("flag", [True, "true"])
def test_true_selects_the_pipeline(flag: Any) -> None:
    assert pipeline_enabled(flag) is True


def test_any_other_flag_value_is_an_error() -> None:
    with pytest.raises(ConfigError, match="pipeline: expected true or false, got 'yes'"):
        pipeline_enabled("yes")


def test_valid_settings_load_with_defaults(reference_config: AppConfig) -> None:
    settings = load_pipeline_settings(SETTINGS, reference_config)

    assert settings.repository == "my-org/items-api"
    assert (settings.staging_environment, settings.production_environment) == ("staging", "prod")


def test_missing_settings_show_an_example(reference_config: AppConfig) -> None:
    (problem,) = problems(None, reference_config)
    assert problem.startswith("pipeline_settings: required with -c pipeline=true;")
    assert '"connection_arn": "arn:aws:codeconnections:' in problem


def test_every_problem_is_reported_at_once(reference_config: AppConfig) -> None:
    raw = {
        **SETTINGS,
        "connection_arn": "arn:aws:s3:::bucket",
        "repository": "items-api",
        "account": "4444",
        "region": "eu-west1",
        "branchh": "main",
    }
    found = problems(raw, reference_config)

    assert len(found) == 5
    assert "pipeline_settings.region: 'eu-west1' is not an AWS region" in found
    assert any(
        p.startswith("pipeline_settings.connection_arn: not a CodeConnections") for p in found
    )
    assert any(
        p.startswith(
            'pipeline_settings.repository: not a repository name; write it as "owner/repo"'
        )
        for p in found
    )
    assert any(p.startswith("pipeline_settings.account: '4444' is not a 12-digit") for p in found)
    assert "pipeline_settings.branchh: unknown key; did you mean 'branch'?" in found


def test_the_region_must_exist(reference_config: AppConfig) -> None:
    assert problems({**SETTINGS, "region": "eu-west1"}, reference_config) == (
        "pipeline_settings.region: 'eu-west1' is not an AWS region",
    )


def test_stages_must_name_distinct_environments(reference_config: AppConfig) -> None:
    raw = {**SETTINGS, "staging_environment": "stage", "production_environment": "stage"}
    found = problems(raw, reference_config)

    assert (
        "pipeline_settings.staging_environment: no environment 'stage'; "
        "valid environments: test, staging, prod"
    ) in found
    assert any("production must be promoted from another one" in p for p in found)


def test_the_pipeline_needs_one_stack_per_environment() -> None:
    config = load_config({**reference_context(), "topology": "single"})
    (problem,) = problems(SETTINGS, config)
    assert "needs topology=multi (got topology=single)" in problem


def test_the_cli_version_is_read_from_package_json() -> None:
    package = json.loads((Path(__file__).resolve().parents[2] / "package.json").read_text())
    pinned = package["devDependencies"]["aws-cdk"]

    assert cli_version(Path(__file__).resolve().parents[2] / "package.json") == pinned


@pytest.mark.parametrize("pin", ["^2.1148.1", "latest", None])
def test_an_unpinned_cli_is_an_error(tmp_path: Path, pin: str | None) -> None:
    package = tmp_path / "package.json"
    package.write_text(json.dumps({"devDependencies": {"aws-cdk": pin}}))

    with pytest.raises(ConfigError, match="pin an exact version"):
        cli_version(package)
