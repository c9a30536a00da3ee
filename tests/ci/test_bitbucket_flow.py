"""bitbucket-pipelines.yml delivers in the intended order, with the intended gates."""

from __future__ import annotations

from typing import Any

from stacks.config import AppConfig
from stacks.pipeline_stack import TEST_COMMAND
from tests.ci.conftest import BITBUCKET

ARTIFACTS = "cdk.out/**"


def groups(pipeline: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The pipeline as ordered groups of steps: a parallel block is one group."""
    ordered = []
    for entry in pipeline:
        if "parallel" in entry:
            ordered.append([item["step"] for item in entry["parallel"]])
        else:
            ordered.append([entry["step"]])
    return ordered


def position(pipeline: list[dict[str, Any]], predicate: Any) -> tuple[int, dict[str, Any]]:
    found = [(i, s) for i, group in enumerate(groups(pipeline)) for s in group if predicate(s)]
    assert len(found) == 1, f"expected one matching step, got {[s['name'] for _, s in found]}"
    return found[0]


def runs(command: str) -> Any:
    return lambda step: command in step["script"]


def deploys_to(environment: str) -> Any:
    return lambda step: step.get("deployment") == environment


def main(bitbucket: dict[str, Any]) -> list[dict[str, Any]]:
    return list(bitbucket["pipelines"]["branches"]["main"])


def test_pull_requests_run_the_quality_gate_and_the_nag_gate(bitbucket: dict[str, Any]) -> None:
    pull_requests = bitbucket["pipelines"]["pull-requests"]["**"]
    position(pull_requests, runs(TEST_COMMAND))
    position(pull_requests, runs("make synth"))
    assert not any(s.get("deployment") or s.get("oidc") for g in groups(pull_requests) for s in g)


def test_main_tests_and_synthesises_once_before_any_deploy(bitbucket: dict[str, Any]) -> None:
    pipeline = main(bitbucket)
    tests, _ = position(pipeline, runs(TEST_COMMAND))
    synth, _ = position(pipeline, runs("make synth"))
    staging, _ = position(pipeline, deploys_to("staging"))
    assert max(tests, synth) < staging


def test_production_is_manual_and_after_staging_and_its_smoke_test(
    bitbucket: dict[str, Any],
) -> None:
    pipeline = main(bitbucket)
    staging, staging_step = position(pipeline, deploys_to("staging"))
    production, production_step = position(pipeline, deploys_to("production"))
    assert staging < production
    assert production_step["trigger"] == "manual"
    assert staging_step.get("trigger", "automatic") == "automatic"
    script = staging_step["script"]
    deploy = next(i for i, line in enumerate(script) if "make deploy-assembly" in line)
    assert script.index("make smoke ENV=staging") > deploy


def test_production_deploys_the_assembly_that_staging_deployed(bitbucket: dict[str, Any]) -> None:
    pipeline = main(bitbucket)
    synth, synth_step = position(pipeline, runs("make synth"))
    assert synth_step["artifacts"] == [ARTIFACTS]
    for environment in ("staging", "production"):
        index, step = position(pipeline, deploys_to(environment))
        assert index > synth
        # Artifacts of earlier steps reach later ones unless a step opts out.
        assert step.get("artifacts", {}) in ({}, {"download": True})
        assert not any("synth" in line for line in step["script"]), environment


def test_deploy_steps_use_oidc_and_no_stored_keys(bitbucket: dict[str, Any]) -> None:
    assert "AWS_ACCESS_KEY_ID" not in BITBUCKET.read_text()
    assert "AWS_SECRET_ACCESS_KEY" not in BITBUCKET.read_text()
    for environment in ("staging", "production"):
        _, step = position(main(bitbucket), deploys_to(environment))
        assert step["oidc"] is True
        script = step["script"]
        token = next(i for i, line in enumerate(script) if "BITBUCKET_STEP_OIDC_TOKEN" in line)
        first_aws_call = next(i for i, line in enumerate(script) if line.startswith("make "))
        assert "AWS_WEB_IDENTITY_TOKEN_FILE" in script[token]
        assert token < first_aws_call
        assert "export AWS_WEB_IDENTITY_TOKEN_FILE=/tmp/aws-web-identity-token" in script


def test_deploys_target_the_stacks_and_regions_in_cdk_json(
    bitbucket: dict[str, Any], config: AppConfig
) -> None:
    for deployment, env_name in (("staging", "staging"), ("production", "prod")):
        env = next(e for e in config.environments if e.name == env_name)
        _, step = position(main(bitbucket), deploys_to(deployment))
        assert f"make deploy-assembly STACKS={config.stack_name(env)}" in step["script"]
        assert f"export AWS_REGION={env.region}" in step["script"]


def test_pip_npm_and_jsii_are_cached(bitbucket: dict[str, Any]) -> None:
    caches = bitbucket["definitions"]["caches"]
    assert caches["jsii"]["path"] == "~/.cache/aws/jsii"
    assert caches["npm"]["path"] == "~/.npm"
    for entry in groups(main(bitbucket)):
        for step in entry:
            assert {"pip", "npm", "jsii"} <= set(step["caches"]), step["name"]
