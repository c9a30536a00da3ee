"""bitbucket-pipelines.yml: the custom pipelines that deploy and destroy a pull request's copy.

Bitbucket cannot start a pipeline when a pull request closes, so both are run by hand (or
from the API) with the pull request number; whatever nobody destroys expires and `make sweep`
deletes it (README: "Short-lived environments").
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.ci.preview import PREVIEW_BASE, resolved, rule_for

VARIABLE = "PR_NUMBER"
ENV_NAME = f"pr-${VARIABLE}"
COMMANDS = {
    "preview-deploy": f'make deploy ENV="{ENV_NAME}"',
    "preview-destroy": f'make destroy ENV="{ENV_NAME}"',
}
# Non-interactive: cdk would otherwise ask, and a pipeline has no terminal to answer.
REQUIRED_VARIABLES = {"preview-deploy": ("APPROVAL", "never"), "preview-destroy": ("FORCE", "1")}
MAKE_VARIABLE = re.compile(r"\b([A-Z]+)=(\S+)")


def pipeline(bitbucket: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return list(bitbucket["pipelines"]["custom"][name])


def only_step(bitbucket: dict[str, Any], name: str) -> dict[str, Any]:
    steps: list[dict[str, Any]] = [
        item["step"] for item in pipeline(bitbucket, name) if "step" in item
    ]
    assert len(steps) == 1, f"{name}: expected one step"
    assert not any("parallel" in item or "stage" in item for item in pipeline(bitbucket, name))
    return steps[0]


def line_index(script: list[str], text: str) -> int:
    matches = [i for i, line in enumerate(script) if text in line]
    assert len(matches) == 1, f"expected one line with {text!r}, got {matches}"
    return matches[0]


def guard(bitbucket: dict[str, Any], name: str) -> str:
    """The script's first line: the check of the number before anything uses it."""
    return str(only_step(bitbucket, name)["script"][0])


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_custom_pipeline_asks_for_the_pull_request_number(
    bitbucket: dict[str, Any], name: str
) -> None:
    first = pipeline(bitbucket, name)[0]
    (variable,) = first["variables"]
    assert variable["name"] == VARIABLE
    # No default: deploying or deleting some other pull request's copy by accident is worse
    # than being asked.
    assert "default" not in variable


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_it_deploys_or_destroys_the_copy_named_after_that_number(
    bitbucket: dict[str, Any], name: str
) -> None:
    script = only_step(bitbucket, name)["script"]
    command = script[line_index(script, COMMANDS[name])]
    key, value = REQUIRED_VARIABLES[name]
    assert dict(MAKE_VARIABLE.findall(command)).get(key) == value, command


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_it_uses_oidc_in_the_test_deployment_environment(
    bitbucket: dict[str, Any], name: str
) -> None:
    step = only_step(bitbucket, name)
    script = step["script"]
    assert step["oidc"] is True
    # Bitbucket's deployment environments are few and typed; `test` holds the preview role.
    assert step["deployment"] == PREVIEW_BASE
    token = line_index(script, "BITBUCKET_STEP_OIDC_TOKEN")
    assert "AWS_WEB_IDENTITY_TOKEN_FILE" in script[token]
    assert "export AWS_WEB_IDENTITY_TOKEN_FILE=/tmp/aws-web-identity-token" in script[:token]
    assert line_index(script, "make setup") < token < line_index(script, COMMANDS[name])
    _, env = resolved("pr-1")
    assert f"export AWS_REGION={env.region}" in script[:token]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_number_is_checked_before_anything_runs(bitbucket: dict[str, Any], name: str) -> None:
    assert VARIABLE in guard(bitbucket, name)
    assert not guard(bitbucket, name).startswith("make ")


@pytest.mark.parametrize(
    "number",
    ["1", "42", "999999", "1000000", "", "abc", "12 34", "-1", "1;touch x", "1\ntouch x", "pr-1"],
)
def test_the_check_accepts_exactly_what_cdk_json_accepts(
    bitbucket: dict[str, Any], number: str, tmp_path: Path
) -> None:
    """Run the guard line in bash, as Pipelines does, and compare it with cdk.json's rules."""
    bash = shutil.which("bash")
    assert bash is not None
    expected = rule_for(f"pr-{number}")
    for name in COMMANDS:
        result = subprocess.run(
            [bash, "-c", guard(bitbucket, name)],
            cwd=tmp_path,  # an injected `touch x` would land here, not in the checkout
            env={VARIABLE: number, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        assert (result.returncode == 0) == (expected is not None), (name, number, result.stdout)
        if expected is not None:
            assert expected["base"] == PREVIEW_BASE
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_pip_npm_and_jsii_are_cached(bitbucket: dict[str, Any], name: str) -> None:
    assert {"pip", "npm", "jsii"} <= set(only_step(bitbucket, name)["caches"])
