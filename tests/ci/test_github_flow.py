"""The GitHub workflows deliver in the intended order, with the intended gates.

These read the YAML and check the flow itself: what runs before what, which job may reach AWS,
which artefact each deploy uses, and that the stacks and regions match cdk.json.
"""

from __future__ import annotations

import re
from typing import Any

from stacks.config import AppConfig
from stacks.pipeline_stack import TEST_COMMAND
from tests.ci.conftest import WORKFLOWS

ARTIFACT_DIR = "cdk.out"
SHA_PIN = re.compile(r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def upstream(workflow: dict[str, Any], job: str) -> set[str]:
    """Every job that must finish before `job` starts (the transitive `needs`)."""
    needs = workflow["jobs"][job].get("needs", [])
    direct = {needs} if isinstance(needs, str) else set(needs)
    return direct.union(*(upstream(workflow, parent) for parent in direct))


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return list(workflow["jobs"][job]["steps"])


def runs(workflow: dict[str, Any], job: str) -> list[str]:
    return [step["run"] for step in steps(workflow, job) if "run" in step]


def index_of(workflow: dict[str, Any], job: str, predicate: Any) -> int:
    matches = [i for i, step in enumerate(steps(workflow, job)) if predicate(step)]
    assert len(matches) == 1, f"{job}: expected one matching step, got {matches}"
    return matches[0]


def uses(action: str) -> Any:
    return lambda step: step.get("uses", "").startswith(f"{action}@")


def run_contains(text: str) -> Any:
    return lambda step: text in step.get("run", "")


def environment(workflow: dict[str, Any], job: str) -> str | None:
    env = workflow["jobs"][job].get("environment")
    return env.get("name") if isinstance(env, dict) else env


def env_config(config: AppConfig, name: str) -> Any:
    return next(env for env in config.environments if env.name == name)


def test_delivery_runs_only_on_main(deliver: dict[str, Any]) -> None:
    assert deliver["on"] == {"push": {"branches": ["main"]}}


def test_staging_waits_for_tests_and_the_single_synth(deliver: dict[str, Any]) -> None:
    assert {"test", "synth"} <= upstream(deliver, "staging")


def test_production_comes_after_staging_and_its_smoke_test(deliver: dict[str, Any]) -> None:
    assert {"test", "synth", "staging", "production-diff"} <= upstream(deliver, "production")
    smoke = index_of(deliver, "staging", run_contains("make smoke"))
    deploy = index_of(deliver, "staging", run_contains("make deploy-assembly"))
    assert deploy < smoke


def test_production_waits_for_the_reviewers_of_its_environment(deliver: dict[str, Any]) -> None:
    """Required reviewers are a setting of the `production` environment (README)."""
    assert environment(deliver, "production") == "production"
    assert environment(deliver, "staging") == "staging"
    # The diff must be visible before the approval, so it is not gated by that environment.
    assert environment(deliver, "production-diff") is None


def test_each_environment_deploys_one_run_at_a_time(deliver: dict[str, Any]) -> None:
    groups = {}
    for job in ("staging", "production"):
        concurrency = deliver["jobs"][job]["concurrency"]
        assert concurrency["cancel-in-progress"] is False, f"{job}: never cancel a deploy"
        groups[job] = concurrency["group"]
    assert groups == {"staging": "deploy-staging", "production": "deploy-production"}


def test_production_deploys_the_assembly_that_staging_deployed(deliver: dict[str, Any]) -> None:
    upload = steps(deliver, "synth")[index_of(deliver, "synth", uses("actions/upload-artifact"))]
    assert upload["with"]["path"] == ARTIFACT_DIR
    name = upload["with"]["name"]
    for job in ("staging", "production-diff", "production"):
        download = steps(deliver, job)[index_of(deliver, job, uses("actions/download-artifact"))]
        assert download["with"] == {"name": name, "path": ARTIFACT_DIR}, job
        # No job after `synth` synthesises or builds anything of its own.
        assert not any("synth" in command for command in runs(deliver, job)), job


def test_only_deploy_and_diff_jobs_can_get_aws_credentials(deliver: dict[str, Any]) -> None:
    assert deliver["permissions"] == {"contents": "read"}
    with_token = {
        job
        for job, spec in deliver["jobs"].items()
        if spec.get("permissions", {}).get("id-token") == "write"
    }
    assert with_token == {"staging", "production-diff", "production"}
    for job in with_token:
        assert deliver["jobs"][job]["permissions"] == {"contents": "read", "id-token": "write"}


def test_credentials_come_from_oidc_just_before_they_are_needed(deliver: dict[str, Any]) -> None:
    for job, command in [
        ("staging", "make deploy-assembly"),
        ("production-diff", "make diff-assembly"),
        ("production", "make deploy-assembly"),
    ]:
        configure = index_of(deliver, job, uses("aws-actions/configure-aws-credentials"))
        download = index_of(deliver, job, uses("actions/download-artifact"))
        assert download < configure < index_of(deliver, job, run_contains(command)), job
        inputs = steps(deliver, job)[configure]["with"]
        assert set(inputs) == {"role-to-assume", "aws-region"}, f"{job}: no static keys"
        assert inputs["role-to-assume"].startswith("${{ vars."), job


def test_the_diff_role_is_not_the_production_deploy_role(deliver: dict[str, Any]) -> None:
    configure = index_of(deliver, "production-diff", uses("aws-actions/configure-aws-credentials"))
    role = steps(deliver, "production-diff")[configure]["with"]["role-to-assume"]
    assert role == "${{ vars.AWS_PROD_DIFF_ROLE_ARN }}"


def test_the_approver_sees_the_production_diff(deliver: dict[str, Any]) -> None:
    (summary,) = [c for c in runs(deliver, "production-diff") if "GITHUB_STEP_SUMMARY" in c]
    assert 'make diff-assembly STACKS="$DIFF_STACKS"' in summary


def test_deploys_target_the_stacks_and_regions_in_cdk_json(
    deliver: dict[str, Any], config: AppConfig
) -> None:
    for job, env_name, prefix in [
        ("staging", "staging", "DEPLOY"),
        ("production-diff", "prod", "DIFF"),
        ("production", "prod", "DEPLOY"),
    ]:
        env = env_config(config, env_name)
        assert deliver["jobs"][job]["env"][f"{prefix}_STACKS"] == config.stack_name(env), job
        assert deliver["jobs"][job]["env"][f"{prefix}_REGION"] == env.region, job
    assert deliver["jobs"]["staging"]["env"]["SMOKE_ENV"] == "staging"


def test_pull_requests_run_the_quality_gate_and_the_nag_gate(checks: dict[str, Any]) -> None:
    assert set(checks["on"]) == {"pull_request"}
    commands = {job: runs(checks, job) for job in checks["jobs"]}
    assert [TEST_COMMAND] in commands.values()
    assert ["make synth"] in commands.values()
    assert all("permissions" not in spec for spec in checks["jobs"].values())
    assert checks["permissions"] == {"contents": "read"}


def test_every_action_is_pinned_to_a_commit_with_its_version() -> None:
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.match(r"^\s*(-\s+)?uses:", line):
                assert SHA_PIN.match(line), f"{path.name}:{number}: {line.strip()}"


def test_no_checkout_leaves_the_token_on_disk(
    deliver: dict[str, Any], checks: dict[str, Any]
) -> None:
    for workflow in (deliver, checks):
        for job in workflow["jobs"]:
            checkout = steps(workflow, job)[index_of(workflow, job, uses("actions/checkout"))]
            assert checkout["with"]["persist-credentials"] is False, job


def test_jsii_pip_and_npm_are_cached(deliver: dict[str, Any], checks: dict[str, Any]) -> None:
    for workflow in (deliver, checks):
        for job in workflow["jobs"]:
            python = steps(workflow, job)[index_of(workflow, job, uses("actions/setup-python"))]
            assert python["with"]["cache"] == "pip", job
            cache = steps(workflow, job)[index_of(workflow, job, uses("actions/cache"))]
            assert {"~/.cache/aws/jsii", "~/.npm"} <= set(cache["with"]["path"].split()), job
