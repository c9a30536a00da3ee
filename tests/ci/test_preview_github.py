"""preview.yml: each pull request from this repository gets its own `pr-<number>` copy of test.

The jobs' `if:` conditions and the `${{ }}` names are evaluated against simulated
`pull_request` events (tests/ci/expressions.py), so these tests check what GitHub would run,
not how the YAML happens to be spelled.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from stacks.pipeline_stack import TEST_COMMAND
from tests.ci.conftest import WORKFLOWS, read_yaml
from tests.ci.expressions import evaluate, render, truthy
from tests.ci.preview import PREVIEW_BASE, resolved, rule_for
from tests.ci.test_github_flow import (
    environment,
    index_of,
    run_contains,
    runs,
    steps,
    upstream,
    uses,
)

REPOSITORY = "acme/items-api"
PR = 4242
OPEN_OR_UPDATE = ("opened", "synchronize", "reopened")
DEPLOY = 'make deploy ENV="$PREVIEW_ENV"'
DESTROY = 'make destroy ENV="$PREVIEW_ENV"'
MAKE_VARIABLE = re.compile(r"\b([A-Z]+)=(\S+)")


@pytest.fixture(scope="module")
def preview() -> dict[str, Any]:
    return read_yaml(WORKFLOWS / "preview.yml")


def event(
    action: str, *, number: int = PR, head_repo: str | None = REPOSITORY, merged: bool = False
) -> dict[str, Any]:
    """The expression contexts of a `pull_request` run, as GitHub documents them.

    A merged pull request's `closed` run has the base branch's ref; `head_repo=None` is a fork
    that has since been deleted.
    """
    head = {"repo": {"full_name": head_repo} if head_repo else None}
    return {
        "github": {
            "event_name": "pull_request",
            "repository": REPOSITORY,
            "ref": "refs/heads/main" if merged else f"refs/pull/{number}/merge",
            "event": {
                "action": action,
                "number": number,
                "pull_request": {"number": number, "merged": merged, "head": head},
            },
        }
    }


def jobs_that_run(workflow: dict[str, Any], context: dict[str, Any]) -> set[str]:
    return {
        job
        for job, spec in workflow["jobs"].items()
        if truthy(evaluate(str(spec.get("if", "true")), context))
    }


def make_variables(command: str) -> dict[str, str]:
    return dict(MAKE_VARIABLE.findall(command))


def test_runs_on_pull_request_events_only(preview: dict[str, Any]) -> None:
    assert preview["on"] == {"pull_request": {"types": [*OPEN_OR_UPDATE, "closed"]}}


def test_no_workflow_hands_its_credentials_to_fork_code() -> None:
    """`pull_request_target` runs a fork's pull request with this repository's permissions."""
    for path in sorted(WORKFLOWS.glob("*.yml")):
        triggers = read_yaml(path)["on"]
        assert "pull_request_target" not in triggers, path.name
        assert "workflow_run" not in triggers, path.name


@pytest.mark.parametrize("action", OPEN_OR_UPDATE)
def test_opening_or_updating_a_pull_request_deploys_it(
    preview: dict[str, Any], action: str
) -> None:
    assert jobs_that_run(preview, event(action)) == {"test", "deploy"}
    # Only a commit that passes the quality gate replaces the preview.
    assert upstream(preview, "deploy") == {"test"}
    assert runs(preview, "test") == [TEST_COMMAND]
    (command,) = [c for c in runs(preview, "deploy") if DEPLOY in c]
    assert make_variables(command).get("APPROVAL") == "never", "CI cannot answer cdk's question"


@pytest.mark.parametrize("merged", [True, False], ids=["merged", "closed-unmerged"])
def test_closing_a_pull_request_destroys_it(preview: dict[str, Any], merged: bool) -> None:
    assert jobs_that_run(preview, event("closed", merged=merged)) == {"destroy"}
    # Nothing may hold the destroy back: not even a failing test.
    assert upstream(preview, "destroy") == set()
    (command,) = [c for c in runs(preview, "destroy") if DESTROY in c]
    assert make_variables(command).get("FORCE") == "1", "CI cannot answer cdk's question"


@pytest.mark.parametrize("action", [*OPEN_OR_UPDATE, "closed"])
@pytest.mark.parametrize("head_repo", ["someone/items-api", None], ids=["fork", "deleted-fork"])
def test_pull_requests_from_forks_get_no_job_and_no_credentials(
    preview: dict[str, Any], action: str, head_repo: str | None
) -> None:
    assert jobs_that_run(preview, event(action, head_repo=head_repo)) == set()


@pytest.mark.parametrize("number", [1, PR, 999_999])
def test_the_environment_is_named_after_the_pull_request_as_cdk_json_allows(
    preview: dict[str, Any], number: int
) -> None:
    names = {
        key: render(value, event("opened", number=number)) for key, value in preview["env"].items()
    }

    assert names["PREVIEW_ENV"] == f"pr-{number}"
    rule = rule_for(names["PREVIEW_ENV"])
    assert rule is not None, f"{names['PREVIEW_ENV']} matches no short_lived pattern in cdk.json"
    assert rule["base"] == PREVIEW_BASE
    # What `make deploy ENV=pr-<number>` synthesises: the stack and region the summary and the
    # credentials use.
    config, env = resolved(names["PREVIEW_ENV"])
    assert config.stack_name(env) == names["PREVIEW_STACK"]
    assert env.region == names["PREVIEW_REGION"]


def test_deploy_and_destroy_use_that_name(preview: dict[str, Any]) -> None:
    assert any(DEPLOY in command for command in runs(preview, "deploy"))
    assert any(DESTROY in command for command in runs(preview, "destroy"))
    for job in preview["jobs"]:
        assert not any("${{" in command for command in runs(preview, job)), (
            f"{job}: pass values through env, never `${{{{ }}}}` inside run (zizmor)"
        )


def test_a_later_push_never_cancels_a_running_deploy_or_destroy(preview: dict[str, Any]) -> None:
    """Both jobs share one per-pull-request lock that never cancels what is running."""
    concurrency = preview["concurrency"]
    assert concurrency["cancel-in-progress"] is False
    assert all("concurrency" not in spec for spec in preview["jobs"].values())
    group = concurrency["group"]
    # The same group for every event of one pull request, including the merge, whose run has
    # the base branch's ref; a different group for another pull request.
    groups = {
        render(group, event(action, merged=merged))
        for action, merged in [("opened", False), ("synchronize", False), ("closed", True)]
    }
    assert groups == {f"preview-pr-{PR}"}
    assert render(group, event("synchronize", number=PR + 1)) != f"preview-pr-{PR}"


def test_only_deploy_and_destroy_get_an_oidc_token_in_the_preview_environment(
    preview: dict[str, Any],
) -> None:
    assert preview["permissions"] == {"contents": "read"}
    for job in ("deploy", "destroy"):
        spec = preview["jobs"][job]
        assert spec["permissions"] == {"contents": "read", "id-token": "write"}, job
        assert environment(preview, job) == "preview", job
    # The test job runs the pull request's code with nothing but read access.
    assert "permissions" not in preview["jobs"]["test"]
    assert environment(preview, "test") is None


@pytest.mark.parametrize(("job", "command"), [("deploy", DEPLOY), ("destroy", DESTROY)])
def test_credentials_come_from_oidc_after_setup_and_before_cdk(
    preview: dict[str, Any], job: str, command: str
) -> None:
    setup = index_of(preview, job, run_contains("make setup"))
    configure = index_of(preview, job, uses("aws-actions/configure-aws-credentials"))
    assert setup < configure < index_of(preview, job, run_contains(command))
    assert steps(preview, job)[configure]["with"] == {
        "role-to-assume": "${{ vars.AWS_ROLE_ARN }}",
        "aws-region": "${{ env.PREVIEW_REGION }}",
    }


def test_the_api_url_goes_into_the_job_summary_and_the_environment(
    preview: dict[str, Any],
) -> None:
    deploy = index_of(preview, "deploy", run_contains(DEPLOY))
    summary = index_of(preview, "deploy", run_contains("GITHUB_STEP_SUMMARY"))
    assert deploy < summary
    outputs_file = make_variables(steps(preview, "deploy")[deploy]["run"]).get("OUTPUTS")
    assert outputs_file, "make deploy writes no outputs file (OUTPUTS=...)"
    step = steps(preview, "deploy")[summary]
    assert outputs_file in step["run"]
    assert ".ApiUrl" in step["run"]
    assert "$PREVIEW_STACK" in step["run"]
    # The pull request's "View deployment" button opens the same URL.
    assert (
        preview["jobs"]["deploy"]["environment"]["url"]
        == f"${{{{ steps.{step['id']}.outputs.url }}}}"
    )


def test_actions_are_the_same_commits_as_in_the_other_workflows(preview: dict[str, Any]) -> None:
    pinned: dict[str, str] = {}
    for name in ("checks.yml", "deliver.yml"):
        for job in read_yaml(WORKFLOWS / name)["jobs"].values():
            for step in job["steps"]:
                if "uses" in step:
                    action, ref = step["uses"].split("@")
                    pinned.setdefault(action, ref)
    for job in preview["jobs"]:
        for step in steps(preview, job):
            if "uses" in step:
                action, ref = step["uses"].split("@")
                assert pinned.get(action) == ref, f"{job}: {step['uses']}"


def test_checkouts_drop_the_token_and_tools_are_cached(preview: dict[str, Any]) -> None:
    for job in preview["jobs"]:
        checkout = steps(preview, job)[index_of(preview, job, uses("actions/checkout"))]
        assert checkout["with"]["persist-credentials"] is False, job
        python = steps(preview, job)[index_of(preview, job, uses("actions/setup-python"))]
        assert python["with"]["cache"] == "pip", job
        cache = steps(preview, job)[index_of(preview, job, uses("actions/cache"))]
        assert {"~/.cache/aws/jsii", "~/.npm"} <= set(cache["with"]["path"].split()), job
